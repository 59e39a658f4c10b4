"""A simulated serial device: the far end of a pty pair, read by one thread while powered on."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import serial

from kiosk.devices.link import PORT_ERRORS


class FarEndDevice:
    """Powers on by opening the far end and starting `_run` on its own thread; powers off by
    stopping that thread and closing the port. Subclasses read `self._port` in `_run` until
    `self._stopping` is set."""

    thread_name = "virtual device"

    def __init__(self, far_end: Path) -> None:
        self.far_end = Path(far_end)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._port: serial.Serial | None = None

    def start(self) -> None:
        """Power on: open the far end and start reading (a fresh buffer, as after a reboot)."""
        self._port = serial.Serial(str(self.far_end), timeout=0.05)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Power off: stop reading and close the far end."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._port is not None:
            with contextlib.suppress(*PORT_ERRORS):
                self._port.close()
            self._port = None

    def _run(self) -> None:
        raise NotImplementedError
