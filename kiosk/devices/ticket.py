"""The printed ticket: a queue ticket laid out as ESC/POS bytes by python-escpos."""

from __future__ import annotations

import time
from dataclasses import dataclass

from escpos.printer import Dummy

from kiosk.config import PrinterConfig
from kiosk.devices.line_protocol import cells, wrap
from kiosk.devices.profiles import PrinterProfile, load_profile
from kiosk.errors import ConfigError
from kiosk.knowledge.pack import Bilingual, Pack
from kiosk.queue.model import Ticket

CHINESE_ON = b"\x1c\x26"
"""FS &: double-byte (Chinese) character mode; text bytes are GB18030 until FS ."""
CHINESE_OFF = b"\x1c\x2e"
"""FS .: back to the single-byte code page."""
INIT = b"\x1b\x40"
"""ESC @: reset modes left by an earlier job."""


@dataclass(frozen=True, slots=True)
class TicketLayout:
    """Renders a ticket of one pack for one printer profile; a `Render` for the queue."""

    institution: Bilingual
    services: dict[str, Bilingual]
    pack_id: str
    profile: PrinterProfile
    qr_payload: str = "{pack}/{day}/{ticket}"

    @classmethod
    def from_config(cls, pack: Pack, config: PrinterConfig) -> TicketLayout:
        """The layout for `pack` on the configured printer profile."""
        if "{ticket}" not in config.qr_payload:
            raise ConfigError(
                f"devices.printer.qr_payload = {config.qr_payload!r} has no {{ticket}}",
                hint='put the ticket number in it, e.g. "{pack}/{day}/{ticket}"',
            )
        return cls(
            institution=pack.name,
            services={service.code: service.name for service in pack.services},
            pack_id=pack.id,
            profile=load_profile(PrinterProfile, config.profile),
            qr_payload=config.qr_payload,
        )

    def payload(self, ticket: Ticket) -> str:
        """What the QR code holds."""
        return self.qr_payload.format(
            pack=self.pack_id, day=ticket.day, ticket=ticket.label, service=ticket.service
        )

    def __call__(self, ticket: Ticket) -> bytes:
        """The whole job: from reset to cut."""
        printer = Dummy(profile=self.profile.escpos_profile)
        service = self.services.get(ticket.service, Bilingual(ticket.service, ticket.service))
        printer._raw(INIT)
        printer.set(align="center")
        self._heading(printer, self.institution.zh)
        self._line(printer, self.institution.en)
        self._line(printer, "-" * self.profile.columns)
        self._heading(printer, service.zh)
        self._line(printer, service.en)
        printer.set(bold=True, custom_size=True, width=4, height=4)
        printer.textln(ticket.label)
        printer.set(bold=False, normal_textsize=True)
        self._line(printer, f"您前面还有 {ticket.waiting} 人等候")
        people = "person" if ticket.waiting == 1 else "people"
        self._line(printer, f"{ticket.waiting} {people} ahead of you")
        self._line(printer, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ticket.issued_at)))
        printer.ln()
        printer.qr(self.payload(ticket), native=True, size=self.profile.qr_size,
                   ec=_QR_LEVELS[self.profile.qr_ec])
        printer.ln()
        self._line(printer, "请留意叫号屏  Please watch the display")
        if self.profile.cut != "none":
            printer.cut(mode="PART" if self.profile.cut == "partial" else "FULL")
        data: bytes = printer.output
        return data

    def _heading(self, printer: Dummy, text: str) -> None:
        """Bold and double size; only double height when double width would not fit a line."""
        wide = sum(cells(char) for char in text) * 2 <= self.profile.columns
        printer.set(bold=True, double_height=True, double_width=wide)
        self._line(printer, text)
        printer.set(bold=False, normal_textsize=True)

    def _line(self, printer: Dummy, text: str) -> None:
        """Normal-size text wrapped to the paper; non-ASCII goes out as GB18030 in the
        printer's double-byte mode."""
        for part in wrap(text, self.profile.columns):
            if not part.isascii() and self.profile.chinese_mode:
                printer._raw(CHINESE_ON + part.encode("gb18030", errors="replace") + CHINESE_OFF)
                printer._raw(b"\n")
            else:
                printer.textln(part)


_QR_LEVELS = {"L": 0, "M": 1, "Q": 2, "H": 3}
"""python-escpos QR_ECLEVEL_* values."""
