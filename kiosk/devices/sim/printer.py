"""The virtual ticket printer: decodes ESC/POS from its pty, answers DLE EOT, keeps PNG previews.

Its paper and cover can be changed while it runs (paper out, cover open), so the kiosk's
status handling and its spool are exercised exactly as with a real printer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from kiosk.devices.escpos_decode import EscPosDecoder, Page, PageCollector, StatusRequest
from kiosk.devices.link import PORT_ERRORS
from kiosk.devices.printer_status import (
    COVER_OPEN,
    FIXED_BITS,
    OFFLINE,
    PAPER_END,
    PAPER_NEAR_END,
    PAPER_STOP,
)
from kiosk.devices.sim import preview
from kiosk.devices.sim.farend import FarEndDevice
from kiosk.devices.sim.report import DeviceNote, SimEvent, TicketPrinted

Paper = Literal["ok", "low", "out"]

IDLE_END_S = 0.3
"""Silence after which a job without a cut (58 mm printers) counts as finished."""


class VirtualPrinter(FarEndDevice):
    """An ESC/POS printer on the far end of a pty pair."""

    thread_name = "virtual printer"

    def __init__(
        self,
        far_end: Path,
        on_event: Callable[[SimEvent], None],
        *,
        preview_dir: Path | None = None,
        dots: int = 576,
    ) -> None:
        super().__init__(far_end)
        self.paper: Paper = "ok"
        self.cover_open = False
        self.roll: int | None = None
        """Whole tickets left on the roll (None: plenty). At 0 the paper ends in the middle of
        the next ticket: the sensor said "ok" when the job was sent, the ticket is lost."""
        self._on_event = on_event
        self._preview_dir = preview_dir
        self._dots = dots
        self._printed = 0

    def status_byte(self, n: int) -> int:
        """The answer to DLE EOT n in the current state."""
        out = self.paper == "out"
        if n == 1:
            return FIXED_BITS | (OFFLINE if out or self.cover_open else 0)
        if n == 2:
            return FIXED_BITS | (COVER_OPEN if self.cover_open else 0) | (PAPER_STOP if out else 0)
        if n == 4:
            return FIXED_BITS | (PAPER_END if out else 0) | (
                PAPER_NEAR_END if self.paper == "low" else 0
            )
        return FIXED_BITS

    def _run(self) -> None:
        port = self._port
        assert port is not None
        decoder, pages = EscPosDecoder(), PageCollector()
        quiet_since = time.monotonic()
        try:
            while not self._stopping.is_set():
                data = port.read(max(port.in_waiting, 1))  # whatever is there, at once
                if not data:
                    if time.monotonic() - quiet_since > IDLE_END_S and (page := pages.flush()):
                        self._print(page)  # no cutter: the job ended when the bytes stopped
                    continue
                quiet_since = time.monotonic()
                for element in decoder.feed(data):  # in stream order: a status asked after
                    if isinstance(element, StatusRequest):  # a cut sees that ticket printed
                        port.write(bytes([self.status_byte(element.n)]))
                    for page in pages.add([element]):
                        self._print(page)
        except PORT_ERRORS:
            return  # unplugged under us

    def _print(self, page: Page) -> None:
        if self.roll == 0 and self.paper != "out":
            self.paper = "out"
            self._on_event(DeviceNote("printer", "discarded", "the paper ran out mid-ticket"))
            return
        if self.roll is not None and self.paper != "out":
            self.roll -= 1
        if self.paper == "out" or self.cover_open:
            why = "paper out" if self.paper == "out" else "cover open"
            self._on_event(DeviceNote("printer", "discarded", f"a job arrived with {why}"))
            return
        self._printed += 1
        path = ""
        if self._preview_dir is not None:
            label = next((q.rsplit("/", 1)[-1] for q in page.qr_payloads), "")
            name = f"{self._printed:04d}-{label or 'ticket'}.png"
            path = str(preview.save(page, self._preview_dir / name, self._dots))
        self._on_event(TicketPrinted(page.text, tuple(page.qr_payloads), path))
