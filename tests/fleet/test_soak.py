"""bench/soak.py runs for real for ~20 s: the kiosk handles its scripted visitors without errors."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.config import REPO_ROOT


@pytest.mark.slow
def test_a_short_soak_handles_visitors_without_errors(write_pack: Callable[..., Path]) -> None:
    pack = write_pack()  # the tiny library pack: a quick index, services A and B
    run = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "soak.py"), "--minutes", "0.35",
         "--every", "10", "--json", "--pack", str(pack)],
        capture_output=True, text=True, timeout=400, cwd=REPO_ROOT)
    rows = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert rows and rows[-1]["final"], run.stdout[-2000:] + run.stderr[-3000:]
    final = rows[-1]
    assert final["turns"] > 0
    assert final["errors"] == 0, run.stderr[-3000:]
    assert run.returncode == 0
    assert all(row["fds"] > 0 and row["threads"] > 0 and row["rss_mb"] > 0 for row in rows)
