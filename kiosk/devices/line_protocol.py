"""The text line protocol of serial LED queue signs: framing, address, checksum, encoding."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from kiosk.devices.profiles import DisplayProfile, hex_bytes
from kiosk.errors import ConfigError


def cells(char: str) -> int:
    """Display cells a character takes on an LED sign: two for Han and full-width."""
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def fit(text: str, width: int) -> str:
    """Cut or pad `text` to `width` cells (0: unchanged)."""
    if width <= 0:
        return text
    out, used = [], 0
    for char in text:
        if used + cells(char) > width:
            break
        out.append(char)
        used += cells(char)
    return "".join(out) + " " * (width - used)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` cells, broken at spaces where possible (Chinese anywhere)."""
    lines: list[str] = []
    line, used = "", 0
    for word in text.split(" "):
        size = sum(cells(char) for char in word)
        if line and used + 1 + size <= width:
            line, used = f"{line} {word}", used + 1 + size
            continue
        if line:
            lines.append(line)
        line, used = "", 0
        for char in word:  # a word wider than the line is cut (Chinese has no spaces)
            if used + cells(char) > width:
                lines.append(line)
                line, used = "", 0
            line, used = line + char, used + cells(char)
    lines.append(line)
    return lines


def checksum(kind: str, body: bytes) -> bytes:
    """The checksum as two ASCII hex digits, so it can never look like a framing byte."""
    if kind == "xor":
        value = 0
        for byte in body:
            value ^= byte
    elif kind == "sum8":
        value = sum(body) & 0xFF
    else:
        return b""
    return f"{value:02X}".encode("ascii")


@dataclass(frozen=True, slots=True)
class LineCodec:
    """Builds and reads the frames of one display profile."""

    profile: DisplayProfile

    def __post_init__(self) -> None:
        """A template or framing mistake is found when the display is set up, not at a call."""
        try:
            self.profile.template.format(ticket="A001", counter=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise ConfigError(
                f"display profile {self.profile.name!r}: template "
                f"{self.profile.template!r} cannot be filled in ({exc!r})",
                hint="use only {ticket} and {counter} in it",
            ) from exc
        _ = self.start, self.end

    @property
    def start(self) -> bytes:
        return hex_bytes(self.profile.start, f"{self.profile.name}.start")

    @property
    def end(self) -> bytes:
        return hex_bytes(self.profile.end, f"{self.profile.name}.end")

    def text(self, ticket: str, counter: int) -> str:
        """What the sign shows for a call."""
        return fit(self.profile.template.format(ticket=ticket, counter=counter), self.profile.width)

    def frame(self, text: str) -> bytes:
        """One frame: start, address, text, checksum, end."""
        address = bytes([self.profile.address]) if self.profile.address >= 0 else b""
        body = address + text.encode(self.profile.encoding, errors="replace")
        return self.start + body + checksum(self.profile.checksum, body) + self.end

    def read(self, frame: bytes) -> str | None:
        """The text of a received frame (without its end bytes); None if it is not valid."""
        if self.start:
            at = frame.rfind(self.start)
            if at < 0:
                return None
            frame = frame[at + len(self.start):]
        digits = 2 if self.profile.checksum != "none" else 0
        body, sent = (frame[:-digits], frame[-digits:]) if digits else (frame, b"")
        if checksum(self.profile.checksum, body) != sent:
            return None
        if self.profile.address >= 0:
            if not body or body[0] != self.profile.address:
                return None
            body = body[1:]
        try:
            return body.decode(self.profile.encoding).rstrip()
        except UnicodeDecodeError:
            return None


class LineReader:
    """Splits a byte stream into frames at the profile's end bytes (for the virtual sign)."""

    def __init__(self, codec: LineCodec) -> None:
        self._codec = codec
        self._end = codec.end or b"\n"
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[str | None]:
        """Texts of the frames completed by `data` (None for a garbled frame)."""
        self._buffer += data
        texts: list[str | None] = []
        while (at := self._buffer.find(self._end)) >= 0:
            frame = bytes(self._buffer[:at])
            del self._buffer[: at + len(self._end)]
            texts.append(self._codec.read(frame))
        return texts
