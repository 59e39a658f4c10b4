"""Operator commands: `kiosk report` (analytics), `kiosk models …` (bundles), `kiosk doctor`."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from kiosk.commands import Commands
from kiosk.config import KioskConfig


def register(commands: Commands) -> None:
    """Add `report`, `models` and `doctor` to the `kiosk` command."""
    report = commands.add_parser("report", help="write an HTML report of what visitors asked")
    report.add_argument("--data-dir", help="where the conversation log is kept")
    report.add_argument("--since", default="7d", help="period: 30m, 24h, 7d, 2w or all")
    report.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    report.set_defaults(handler=_report)
    _register_models(commands)
    _register_doctor(commands)


def _report(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.convlog import ConversationLog, log_path
    from kiosk.report import parse_since, render_html, summarise

    now = time.time()
    since = parse_since(args.since, now)
    path = log_path(config, args.data_dir)
    if not path.exists():
        print(f"note: no conversation log at {path} yet; the report is empty", file=sys.stderr)
    with ConversationLog.open(config, args.data_dir) as log:
        summary = summarise(list(log.turns(since)), log.presence(since), since, now)
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(summary), encoding="utf-8")
    os.chmod(out, 0o600)  # it quotes visitors' questions: keep it to the operator
    print(
        f"{summary.turns} questions, {len(summary.unanswered)} unanswered, "
        f"handoff rate {summary.handoff_rate:.0%} → {out}"
    )
    return 0


def _register_models(commands: Commands) -> None:
    """`kiosk models pack|install|list|verify` (kiosk/models/)."""


def _register_doctor(commands: Commands) -> None:
    """`kiosk doctor [--json]` (kiosk/doctor.py)."""
