"""A DeviceBench whose events the pty tests wait on (shared by tests/devices)."""

from __future__ import annotations

import queue
import shutil
import time
from pathlib import Path
from typing import TypeVar

import pytest

from kiosk.devices.profiles import DisplayProfile, PrinterProfile, load_profile
from kiosk.devices.sim.bench import DeviceBench
from kiosk.devices.sim.report import SimEvent

Event = TypeVar("Event")

needs_socat = pytest.mark.skipif(shutil.which("socat") is None, reason="needs socat")
"""For tests that make pty pairs (apt-get install socat)."""


class Bench:
    """A DeviceBench whose events land in a queue the test waits on."""

    def __init__(self, folder: Path, display: str = "led-line",
                 printer: str = "escpos-80mm") -> None:
        self.events: queue.Queue[SimEvent] = queue.Queue()
        self.devices = DeviceBench(
            folder, self.events.put, printer=load_profile(PrinterProfile, printer),
            display=load_profile(DisplayProfile, display),
        )

    def port(self, device: str) -> str:
        return str(self.devices.port("printer" if device == "printer" else "display"))

    def next(self, kind: type[Event], timeout: float = 20.0) -> Event:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {kind.__name__} within {timeout} s"
            try:
                event = self.events.get(timeout=remaining)
            except queue.Empty:
                continue
            if isinstance(event, kind):
                return event
