"""One real `kiosk ask --jsonl` session over a small pack, for the ops tests (see conftest.py)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from packdata import write_tiny_pack

from kiosk.doctor.system import process_listeners

QUESTIONS = ("几点开门", "do you sell ice cream on the moon", "我要取号",
             "do you sell ice cream on the moon")


@dataclass(frozen=True)
class AskedSession:
    """What `kiosk ask --jsonl` left behind, and what it held open while it waited."""

    data_dir: Path
    answers: list[str]
    listeners: list[str]
    """Listening sockets of the process, seen after its first answer."""


def ask_session(root: Path) -> AskedSession:
    """Ask QUESTIONS of the tiny pack in a real `kiosk ask --jsonl` process under `root`."""
    pack = root / "tiny"
    write_tiny_pack(pack)
    data = root / "data"
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "ask", "--pack", str(pack), "--data-dir", str(data),
         "--jsonl"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(QUESTIONS[0] + "\n")
        process.stdin.flush()
        answers = [process.stdout.readline()]  # fully up and answering, waiting for more
        listeners = process_listeners(process.pid)
        process.stdin.write("\n".join(QUESTIONS[1:]) + "\n")
        process.stdin.close()
        answers += process.stdout.read().splitlines()
        assert process.wait(timeout=120) == 0, process.stderr.read() if process.stderr else ""
    finally:
        process.kill()
        process.wait(timeout=30)
    return AskedSession(data, answers, listeners)
