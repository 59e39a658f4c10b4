"""Security defaults: the kiosk opens no listening socket; private files stay private."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from kiosk.doctor.system import process_listeners


def test_listener_probe_sees_a_real_listening_socket(tmp_path: Path) -> None:
    with socket.socket() as tcp, socket.socket(socket.AF_UNIX) as unix:
        tcp.bind(("127.0.0.1", 0))
        tcp.listen()
        unix.bind(str(tmp_path / "admin.sock"))
        unix.listen()
        port = tcp.getsockname()[1]
        found = process_listeners(os.getpid())
    assert f"tcp port {port}" in found
    assert f"unix {tmp_path / 'admin.sock'}" in found


def test_kiosk_ask_listens_on_nothing(tmp_path: Path, write_pack: Callable[..., Path]) -> None:
    # `ask --jsonl` answers the first line, then waits for more: look at it while it waits.
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "ask", "--pack", str(write_pack()), "--data-dir",
         str(tmp_path), "--jsonl"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("几点开门\n")
        process.stdin.flush()
        assert '"question": "几点开门"' in process.stdout.readline()  # fully up and answering
        assert process_listeners(process.pid) == []
    finally:
        process.kill()
        process.wait(timeout=30)


def test_report_and_log_are_private(tmp_path: Path) -> None:
    from kiosk.config import KioskConfig
    from kiosk.convlog import ConversationLog

    with ConversationLog.open(KioskConfig(data_dir=str(tmp_path))) as log:
        log.record_turn(channel="cli", question="q", lang="en", sources=[], handoff=True,
                        latency_ms=1)
    out = tmp_path / "r.html"
    done = subprocess.run([sys.executable, "-m", "kiosk", "report", "--data-dir", str(tmp_path),
                           "--out", str(out)], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "log").stat().st_mode) == 0o700
