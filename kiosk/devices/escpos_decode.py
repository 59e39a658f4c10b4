"""An ESC/POS decoder: printer bytes back to text lines, QR payloads, raster images and cuts.

The virtual printer runs it on what arrives at its pseudo-terminal and the tests read tickets
back with it. It is incremental (`feed` any chunk; an unfinished command waits for more) and
knows the commands python-escpos and common Chinese printers use; any other ESC/GS/FS command
is skipped as `Unknown`, so a new command cannot derail the rest of a job.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

from escpos.capabilities import get_profile

from kiosk.devices.escpos_commands import Command, parse_command


def _code_pages(profile: str = "TM-T88V") -> dict[int, str]:
    """ESC t n → Python codec, from python-escpos's printer capability data (Epson's numbers)."""
    pages: dict[int, str] = {}
    for name, number in get_profile(profile).get_code_pages().items():
        try:
            pages[int(number)] = codecs.lookup(name.replace("_", "-")).name
        except (LookupError, ValueError):
            continue  # a code page Python has no codec for
    return pages


CODE_PAGES = _code_pages()
"""The code pages the decoder can read, by their ESC t number."""


@dataclass(frozen=True, slots=True)
class TextLine:
    """One printed line with the largest attributes used on it."""

    text: str
    width: int = 1
    """Character width multiplier (1-8)."""
    height: int = 1
    """Character height multiplier (1-8)."""
    bold: bool = False
    align: str = "left"
    """left, center or right."""


@dataclass(frozen=True, slots=True)
class QrCode:
    """A native QR code (GS ( k), printed by the printer itself."""

    payload: bytes
    module_size: int
    error_correction: str
    """L, M, Q or H."""

    @property
    def text(self) -> str:
        """The payload as text (python-escpos sends UTF-8)."""
        return self.payload.decode("utf-8", errors="replace")


@dataclass(frozen=True, slots=True)
class RasterImage:
    """A GS v 0 raster image: rows of packed bits, 1 is a black dot."""

    width: int
    """Dots per row."""
    height: int
    data: bytes
    """height × ceil(width / 8) bytes."""

    def dot(self, x: int, y: int) -> bool:
        """Whether the dot at column x, row y is black."""
        row = (self.width + 7) // 8
        return bool(self.data[y * row + x // 8] & (0x80 >> (x % 8)))


@dataclass(frozen=True, slots=True)
class Cut:
    """The paper was cut: the end of a ticket."""

    partial: bool


@dataclass(frozen=True, slots=True)
class Init:
    """ESC @: the printer was reset, as at the start of each job."""


@dataclass(frozen=True, slots=True)
class StatusRequest:
    """DLE EOT n: the host asks for a realtime status byte."""

    n: int


@dataclass(frozen=True, slots=True)
class Unknown:
    """A command this decoder does not interpret (skipped by its documented length)."""

    command: bytes


Element = TextLine | QrCode | RasterImage | Cut | Init | StatusRequest | Unknown


@dataclass
class _Style:
    width: int = 1
    height: int = 1
    bold: bool = False
    align: str = "left"


@dataclass
class _Line:
    text: list[str] = field(default_factory=list)
    width: int = 1
    height: int = 1
    bold: bool = False
    align: str | None = None


class EscPosDecoder:
    """Decodes a byte stream; keeps modes (code page, Chinese mode, sizes) across chunks."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._style = _Style()
        self._line = _Line()
        self._code_page = "cp437"
        self._chinese = False
        self._text_decoder = codecs.getincrementaldecoder(self._code_page)(errors="replace")
        self._qr_data = b""
        self._qr_size = 3
        self._qr_ec = "L"

    def feed(self, data: bytes) -> list[Element]:
        """Decode `data`; returns the elements it completed."""
        self._buffer += data
        out: list[Element] = []
        at = 0
        while at < len(self._buffer):
            byte = self._buffer[at]
            if byte >= 0x20:
                end = at
                while end < len(self._buffer) and self._buffer[end] >= 0x20:
                    end += 1
                self._add_text(bytes(self._buffer[at:end]))
                at = end
                continue
            command = parse_command(self._buffer, at)
            if command is None:  # unfinished: wait for the rest
                break
            at += command.length
            self._apply(command, out)
        del self._buffer[:at]
        return out

    def _add_text(self, data: bytes) -> None:
        text = self._text_decoder.decode(data)
        if text:
            line, style = self._line, self._style
            if not line.text:
                line.align = style.align
            line.text.append(text)
            line.width = max(line.width, style.width)
            line.height = max(line.height, style.height)
            line.bold = line.bold or style.bold

    def _end_line(self, out: list[Element]) -> None:
        self._flush_text()
        line = self._line
        out.append(
            TextLine("".join(line.text), line.width, line.height, line.bold,
                     line.align or self._style.align)
        )
        self._line = _Line()

    def _flush_text(self) -> None:
        """Finish any half-decoded character before the encoding changes."""
        rest = self._text_decoder.decode(b"", final=True)
        if rest:
            self._line.text.append(rest)

    def _set_encoding(self, name: str) -> None:
        self._flush_text()
        self._text_decoder = codecs.getincrementaldecoder(name)(errors="replace")

    def _apply(self, command: Command, out: list[Element]) -> None:
        name, args, style = command.name, command.args, self._style
        if name == "LF":
            self._end_line(out)
        elif name in ("ESC d", "ESC J"):
            if self._line.text:
                self._end_line(out)
            if name == "ESC d":
                out.extend(TextLine("") for _ in range(max(args[0] - 1, 0)))
        elif name == "ESC @":
            out.append(Init())
            self._style = _Style()
            self._chinese = False
            self._set_encoding("cp437")
            self._code_page = "cp437"
        elif name == "ESC !":
            style.bold = bool(args[0] & 0x08)
            style.height = 2 if args[0] & 0x10 else 1
            style.width = 2 if args[0] & 0x20 else 1
        elif name == "GS !":
            style.width, style.height = (args[0] >> 4) + 1, (args[0] & 0x0F) + 1
        elif name in ("ESC E", "ESC G"):
            style.bold = bool(args[0] & 1)
        elif name == "ESC a":
            style.align = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center",
                           50: "right"}.get(args[0], "left")  # fmt: skip
        elif name == "ESC t":
            self._code_page = CODE_PAGES.get(args[0], "cp437")
            if not self._chinese:
                self._set_encoding(self._code_page)
        elif name == "FS &":
            self._chinese = True
            self._set_encoding("gb18030")
        elif name == "FS .":
            self._chinese = False
            self._set_encoding(self._code_page)
        elif name == "GS ( k":
            self._qr(command, out)
        elif name == "GS v 0":
            out.append(RasterImage(args[0], args[1], command.data))
        elif name == "GS V":
            if self._line.text:
                self._end_line(out)
            out.append(Cut(partial=args[0] in (1, 49, 66)))
        elif name == "DLE EOT":
            out.append(StatusRequest(args[0]))
        elif name == "unknown":
            out.append(Unknown(command.raw))

    def _qr(self, command: Command, out: list[Element]) -> None:
        """GS ( k with cn=49 (QR): model, size, error correction, store data, print."""
        cn, fn = command.args[0], command.args[1]
        if cn != 49:
            out.append(Unknown(command.raw))
        elif fn == 67 and command.data:
            self._qr_size = command.data[0]
        elif fn == 69 and command.data:
            self._qr_ec = {48: "L", 49: "M", 50: "Q", 51: "H"}.get(command.data[0], "L")
        elif fn == 80:
            self._qr_data = command.data[1:]  # the first byte is m = 48
        elif fn == 81:
            out.append(QrCode(self._qr_data, self._qr_size, self._qr_ec))


@dataclass(frozen=True, slots=True)
class Page:
    """What came out of the printer between two cuts: one ticket."""

    elements: tuple[TextLine | QrCode | RasterImage, ...]

    @property
    def lines(self) -> list[str]:
        """The text lines, blank ones left out."""
        return [e.text for e in self.elements if isinstance(e, TextLine) and e.text.strip()]

    @property
    def qr_payloads(self) -> list[str]:
        """Every native QR code's payload."""
        return [e.text for e in self.elements if isinstance(e, QrCode)]

    @property
    def text(self) -> str:
        """The ticket as plain text."""
        return "\n".join(self.lines)


class PageCollector:
    """Groups decoded elements into pages at each cut, or at the reset that starts the next
    job (printers without a cutter)."""

    def __init__(self) -> None:
        self._elements: list[TextLine | QrCode | RasterImage] = []

    def add(self, elements: list[Element]) -> list[Page]:
        """Pages completed by `elements`."""
        pages = []
        for element in elements:
            if isinstance(element, Cut) or (isinstance(element, Init) and self.pending):
                pages.append(Page(tuple(self._elements)))
                self._elements = []
            elif isinstance(element, TextLine | QrCode | RasterImage):
                self._elements.append(element)
        return pages

    @property
    def pending(self) -> bool:
        """Something was printed since the last page ended."""
        return any(not isinstance(e, TextLine) or e.text for e in self._elements)

    def flush(self) -> Page | None:
        """End the current page now (the job is over: nothing more came)."""
        if not self.pending:
            return None
        page, self._elements = Page(tuple(self._elements)), []
        return page


def decode_pages(data: bytes) -> list[Page]:
    """Every page in a byte string (the last one may end without a cut)."""
    collector = PageCollector()
    pages = collector.add(EscPosDecoder().feed(data))
    last = collector.flush()
    return [*pages, last] if last else pages
