"""The printer's realtime status (DLE EOT n): online, cover, paper — read and put in words."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from escpos.constants import RT_STATUS

from kiosk.devices.usblp import BytePort
from kiosk.events import DeviceStatus

# Bits of the status bytes (Epson ESC/POS reference, DLE EOT; the same on Chinese clones).
FIXED_MASK, FIXED_BITS = 0x93, 0x12
"""Bits 1 and 4 are always 1, bits 0 and 7 always 0: how a status byte is recognised."""
OFFLINE = 0x08
"""n=1 (printer status): the printer is offline."""
COVER_OPEN = 0x04
"""n=2 (offline cause): the cover is open."""
PAPER_STOP = 0x20
"""n=2: printing stopped because the paper ran out."""
ERROR = 0x40
"""n=2: an error (cutter jam, head too hot…)."""
PAPER_NEAR_END = 0x0C
"""n=4 (roll paper sensor): the roll is nearly finished."""
PAPER_END = 0x60
"""n=4: no paper."""


@dataclass(frozen=True, slots=True)
class PrinterState:
    """What the printer said about itself (or that it said nothing)."""

    answering: bool
    """A status byte came back in time."""
    offline: bool = False
    """The printer says it is offline (it then also says why: cover, paper, error)."""
    cover_open: bool = False
    paper: Literal["ok", "low", "out"] = "ok"
    """From the roll sensor: plenty, near the end, none."""
    error: bool = False
    """Cutter jam, print head too hot, or another error that stops printing."""

    @property
    def ready(self) -> bool:
        """A job sent now will print."""
        return self.answering and not (
            self.offline or self.cover_open or self.error or self.paper == "out"
        )

    def event(self, t: float) -> DeviceStatus:
        """The state as a device event, in plain words for staff."""
        if not self.answering:
            return DeviceStatus(t, "printer", "fail", "not answering (off or unplugged)")
        if self.cover_open:
            return DeviceStatus(t, "printer", "fail", "cover open")
        if self.paper == "out":
            return DeviceStatus(t, "printer", "fail", "paper out")
        if self.error:
            return DeviceStatus(t, "printer", "fail", "printer error (cutter or print head)")
        if self.offline:
            return DeviceStatus(t, "printer", "fail", "offline")
        if self.paper == "low":
            return DeviceStatus(t, "printer", "warn", "paper low")
        return DeviceStatus(t, "printer", "ok", "ready")


def query(port: BytePort, n: int, timeout_s: float) -> int | None:
    """Send DLE EOT n and return the status byte, or None if none came in time."""
    port.reset_input_buffer()  # stale replies from an earlier owner of the port
    port.write(RT_STATUS + bytes([n]))
    port.flush()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        data = port.read(1)
        if data and data[0] & FIXED_MASK == FIXED_BITS:
            return data[0]
    return None


def read_state(port: BytePort, timeout_s: float) -> PrinterState:
    """Ask the printer for its status, offline cause and paper sensor."""
    printer = query(port, 1, timeout_s)
    if printer is None:
        return PrinterState(answering=False)
    cause = query(port, 2, timeout_s) or 0
    paper_sensor = query(port, 4, timeout_s) or 0
    paper: Literal["ok", "low", "out"] = "ok"
    if paper_sensor & PAPER_END == PAPER_END or cause & PAPER_STOP:
        paper = "out"
    elif paper_sensor & PAPER_NEAR_END == PAPER_NEAR_END:
        paper = "low"
    return PrinterState(
        answering=True,
        offline=bool(printer & OFFLINE),
        cover_open=bool(cause & COVER_OPEN),
        paper=paper,
        error=bool(cause & ERROR),
    )
