"""Realtime status (DLE EOT 1/2/4) read from a real pseudo-terminal, byte by byte."""

from __future__ import annotations

import os
import threading
import tty
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial

from kiosk.devices.printer_status import PrinterState, read_state
from kiosk.devices.usblp import BytePort, LinePrinterPort, is_line_printer


@pytest.fixture(params=["serial", "usblp"])
def answering(request: pytest.FixtureRequest) -> Iterator[tuple[BytePort, dict[int, bytes]]]:
    """A port whose far end answers DLE EOT n with `replies[n]` (missing n: silence), opened
    with pyserial and as a USB printer-class device would be (a plain character device)."""
    master, slave = os.openpty()
    replies: dict[int, bytes] = {}
    stop = threading.Event()

    def printer() -> None:
        buffer = b""
        while not stop.is_set():
            try:
                buffer += os.read(master, 64)
            except OSError:
                return
            while (at := buffer.find(b"\x10\x04")) >= 0 and len(buffer) > at + 2:
                os.write(master, replies.get(buffer[at + 2], b""))
                buffer = buffer[at + 3 :]

    thread = threading.Thread(target=printer, daemon=True)
    thread.start()
    tty.setraw(slave)
    port: BytePort = (serial.Serial(os.ttyname(slave), timeout=0.05) if request.param == "serial"
                      else LinePrinterPort(os.ttyname(slave), timeout=0.05))
    try:
        yield port, replies
    finally:
        stop.set()
        port.close()
        os.close(slave)
        os.close(master)
        thread.join(timeout=5)


def test_status_bytes_in_words(answering: tuple[BytePort, dict[int, bytes]]) -> None:
    port, replies = answering
    replies.update({1: b"\x12", 2: b"\x12", 4: b"\x12"})
    assert read_state(port, 0.5) == PrinterState(answering=True)
    replies.update({1: b"\x1a", 2: b"\x32", 4: b"\x72"})
    state = read_state(port, 0.5)
    assert (state.paper, state.offline, state.ready) == ("out", True, False)
    assert state.event(0).detail == "paper out"
    replies.update({1: b"\x1a", 2: b"\x16", 4: b"\x12"})
    assert read_state(port, 0.5).event(0).detail == "cover open"
    replies.update({1: b"\x12", 2: b"\x12", 4: b"\x1e"})
    low = read_state(port, 0.5).event(0)
    assert (low.status, low.detail) == ("warn", "paper low")


def test_noise_is_not_a_status_and_silence_is_offline(
    answering: tuple[BytePort, dict[int, bytes]],
) -> None:
    port, replies = answering
    replies.update({1: b"\xff\x00\x12", 2: b"\x12", 4: b"\x12"})  # noise, then the real byte
    assert read_state(port, 0.5).ready
    replies.clear()
    state = read_state(port, 0.2)
    assert not state.answering and state.event(0).detail == "not answering (off or unplugged)"


def test_usblp_paths_are_told_apart(tmp_path: Path) -> None:
    assert is_line_printer("/dev/usb/lp0") and not is_line_printer("/dev/ttyUSB0")
    link = tmp_path / "kiosk-printer"
    link.symlink_to("/dev/usb/lp1")
    assert is_line_printer(str(link))
