"""Operator commands: `kiosk report` (analytics), `kiosk models …` (bundles), `kiosk doctor`."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kiosk.commands import Commands
from kiosk.config import KioskConfig


def register(commands: Commands) -> None:
    """Add `report`, `models` and `doctor` to the `kiosk` command."""
    report = commands.add_parser("report", help="write an HTML report of what visitors asked")
    report.add_argument("--data-dir", help="where the conversation log is kept")
    report.add_argument("--since", default="7d", help="period: 30m, 24h, 7d, 2w or all")
    report.add_argument("--out", type=Path, help="the HTML file to write")
    report.add_argument("--json", action="store_true", help="print the numbers as JSON")
    report.set_defaults(handler=_report)
    _register_models(commands)
    _register_doctor(commands)


def _report(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.convlog import ConversationLog, log_path
    from kiosk.report import parse_since, render_html, summarise

    if args.out is None and not args.json:
        print("error: give --out report.html (or --json)", file=sys.stderr)
        return 2
    now = time.time()
    since = parse_since(args.since, now)
    path = log_path(config, args.data_dir)
    if not path.exists():
        print(f"note: no conversation log at {path} yet; the report is empty", file=sys.stderr)
    with ConversationLog.open(config, args.data_dir) as log:
        summary = summarise(list(log.turns(since)), log.presence(since), since, now)
    if args.out is not None:
        out: Path = args.out
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render_html(summary), encoding="utf-8")
        os.chmod(out, 0o600)  # it quotes visitors' questions: keep it to the operator
    if args.json:
        numbers = dataclasses.asdict(summary) | {"handoff_rate": summary.handoff_rate}
        print(json.dumps(numbers, ensure_ascii=False))
    else:
        print(
            f"{summary.turns} questions, {len(summary.unanswered)} unanswered, "
            f"handoff rate {summary.handoff_rate:.0%} → {args.out}"
        )
    return 0


def _register_models(commands: Commands) -> None:
    """`kiosk models pack|install|list|verify` (kiosk/models/)."""
    models = commands.add_parser("models", help="offline model bundles: pack, install, check")
    actions = models.add_subparsers(dest="action", required=True, metavar="ACTION")
    pack = actions.add_parser("pack", help="make a bundle (tar + sha256 manifest) of a folder")
    pack.add_argument("folder", type=Path, metavar="DIR", help="one file or sub-folder per model")
    pack.add_argument("--out", type=Path, required=True, metavar="BUNDLE.tar")
    install = actions.add_parser("install", help="verify a bundle, then install its models")
    install.add_argument("bundle", type=Path, metavar="BUNDLE.tar")
    listing = actions.add_parser("list", help="the installed models and their paths")
    verify = actions.add_parser("verify", help="re-check every installed file's sha256")
    for action in (pack, install, listing, verify):
        action.add_argument("--json", action="store_true", help="print JSON")
    for action in (install, listing, verify):
        action.add_argument("--models-dir", help="where models are installed (default: config)")
    pack.set_defaults(handler=_models_pack)
    install.set_defaults(handler=_models_install)
    listing.set_defaults(handler=_models_list)
    verify.set_defaults(handler=_models_verify)


@contextmanager
def _byte_bar(description: str, quiet: bool) -> Iterator[Callable[[int], Callable[[int], None]]]:
    """A progress bar in bytes on stderr; yields `start(total) -> advance(n)`."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (TextColumn(description), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True, disable=quiet) as bar:

        def start(total: int) -> Callable[[int], None]:
            task = bar.add_task(description, total=total)
            return lambda n: bar.advance(task, n)

        yield start


def _models_pack(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.models import pack_bundle

    with _byte_bar("packing", args.json) as start:
        manifest = pack_bundle(args.folder, args.out, start)
    rows: list[dict[str, Any]] = [
        {"name": m.name, "main": m.main, "files": len(m.files), "bytes": m.size}
        for m in manifest.models
    ]
    if args.json:
        print(json.dumps({"bundle": str(args.out), "models": rows}, ensure_ascii=False))
    else:
        for row in rows:
            print(f"{row['name']}: {row['files']} file(s), {_size(row['bytes'])}")
        print(f"→ {args.out} ({_size(manifest.size)})")
    return 0


def _models_install(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.models import install_bundle, models_dir

    target = models_dir(config, args.models_dir)
    with _byte_bar("verifying", args.json) as start:
        manifest = install_bundle(args.bundle, target, start)
    names = [m.name for m in manifest.models]
    if args.json:
        print(json.dumps({"models_dir": str(target), "installed": names}, ensure_ascii=False))
    else:
        print(f"verified and installed {', '.join(names)} into {target}")
        print(f'refer to them in the config as "model:{names[0]}"')
    return 0


def _models_list(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.models import Registry, models_dir

    registry = Registry(models_dir(config, args.models_dir))
    rows: list[dict[str, Any]] = [
        {"name": name, "path": str(registry.path_of(name)), "files": len(i.model.files),
         "bytes": i.model.size, "bundle": i.bundle,
         "installed": time.strftime("%Y-%m-%d %H:%M", time.localtime(i.installed_at))}
        for name, i in sorted(registry.models().items())
    ]
    if args.json:
        print(json.dumps({"models_dir": str(registry.folder), "models": rows}, ensure_ascii=False))
    elif not rows:
        print(f"no models installed in {registry.folder}")
    for row in [] if args.json else rows:
        print(f"model:{row['name']}  {_size(row['bytes'])}  {row['path']}  "
              f"(from {row['bundle']}, {row['installed']})")
    return 0


def _models_verify(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.models import Registry, models_dir

    registry = Registry(models_dir(config, args.models_dir))
    installed = registry.models()
    with _byte_bar("checking", args.json) as start:
        problems = registry.verify(start(sum(i.model.size for i in installed.values())))
    if args.json:
        print(json.dumps({"models": sorted(installed), "problems": [
            {"model": p.model, "path": p.path, "detail": p.detail} for p in problems]}))
    else:
        for problem in problems:
            print(f"model:{problem.model}: {problem.path}: {problem.detail}")
        print(f"{len(installed)} model(s) checked, {len(problems)} problem(s)"
              + ("; install the bundle again to repair" if problems else ""))
    return 1 if problems else 0


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def _register_doctor(commands: Commands) -> None:
    """`kiosk doctor [--json]` (kiosk/doctor/)."""
    doctor = commands.add_parser("doctor", help="check this kiosk and say what to fix")
    doctor.add_argument("--data-dir", help="where the index and log are kept")
    doctor.add_argument("--json", action="store_true", help='print {"checks": [...]}')
    doctor.add_argument("--strict", action="store_true", help="exit 1 when a check fails")
    doctor.set_defaults(handler=_doctor)


def _doctor(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.config import default_config_path
    from kiosk.doctor import Context, read_raw, run_checks

    config_path: Path | None = args.config
    if config_path is None and default_config_path().is_file():
        config_path = default_config_path()
    context = Context(config, config_path, config.data_path(args.data_dir), read_raw(config_path))
    checks = run_checks(context)
    if args.json:
        print(json.dumps({"checks": [c.to_json() for c in checks]}, ensure_ascii=False))
    else:
        from rich.console import Console
        from rich.markup import escape

        console = Console(highlight=False)
        colours = {"ok": "green", "warn": "yellow", "fail": "red"}
        for check in checks:
            console.print(f"[{colours[check.status]}]{check.status:>4}[/] "
                          f"[bold]{check.name:<13}[/] {escape(check.detail)}", soft_wrap=True)
            if check.hint and check.status != "ok":
                console.print(f"{'':18} [dim]fix: {escape(check.hint)}[/]", soft_wrap=True)
    return 1 if args.strict and any(c.status == "fail" for c in checks) else 0
