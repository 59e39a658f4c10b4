"""Security defaults: the kiosk opens no listening socket; private files stay private."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

from opsasked import AskedSession

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


def test_kiosk_ask_listens_on_nothing(asked: AskedSession) -> None:
    assert '"question": "几点开门"' in asked.answers[0]  # it was up and answering
    assert asked.listeners == []


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
