"""Device profiles: TOML files that say how to talk to one model of printer or display."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from kiosk.config import REPO_ROOT
from kiosk.config import _build as build_section  # the config's own checked TOML → dataclass
from kiosk.errors import ConfigError

PROFILES_DIR = REPO_ROOT / "hardware" / "profiles"
"""The profiles that come with the kiosk."""


@dataclass(frozen=True, slots=True)
class SerialSettings:
    """Line settings of a serial port (the device's manual states them)."""

    baud: int = 9600
    """Bits per second: 9600 on most printers and signs, 19200 or 115200 on some."""
    bytesize: Literal[7, 8] = 8
    parity: Literal["N", "E", "O"] = "N"
    """None, even or odd."""
    stopbits: Literal[1, 2] = 1
    """Stop bits after each byte."""
    rtscts: bool = False
    """Hardware flow control: a printer that is out of paper or busy holds CTS low."""
    xonxoff: bool = False
    """Software flow control (rare on printers: it would eat bytes of raster images)."""


@dataclass(frozen=True, slots=True)
class PrinterProfile:
    """An ESC/POS thermal printer."""

    name: str = ""
    """The profile's name (its file name when not given)."""
    protocol: Literal["escpos"] = "escpos"
    serial: SerialSettings = field(default_factory=SerialSettings)
    escpos_profile: str = "default"
    """python-escpos capability profile (e.g. TM-T88V, NT-80-V-UL); sets the cut commands."""
    columns: int = 48
    """Characters per line in the normal font (48 on 80 mm paper, 32 on 58 mm)."""
    dots: int = 576
    """Printable width in dots (576 on 80 mm, 384 on 58 mm): the preview's width."""
    chinese_mode: bool = True
    """Send FS & before Chinese text and FS . after (Chinese printers' double-byte mode)."""
    qr_size: int = 6
    """QR module size in dots, 1-16."""
    qr_ec: Literal["L", "M", "Q", "H"] = "M"
    """QR error correction level."""
    cut: Literal["full", "partial", "none"] = "partial"
    realtime_status: bool = True
    """The printer answers DLE EOT; without it, only an unplugged port is noticed."""
    status_timeout_s: float = 0.5
    """How long to wait for a status byte before calling the printer offline."""


@dataclass(frozen=True, slots=True)
class DisplayProfile:
    """A queue display: a serial LED sign (text lines) or a Modbus RTU register display."""

    name: str = ""
    """The profile's name (its file name when not given)."""
    protocol: Literal["line", "modbus"] = "line"
    """line: framed text lines (LED signs); modbus: Modbus RTU holding registers."""
    serial: SerialSettings = field(default_factory=SerialSettings)
    template: str = "{ticket} 请到{counter}号窗口"
    """What the sign shows; {ticket} and {counter} are filled in (line protocol)."""
    encoding: Literal["gb2312", "gb18030", "ascii"] = "gb2312"
    """How text is encoded; GB2312 is what most Chinese LED controllers take."""
    start: str = ""
    """Bytes sent before the text, as hex ("02" is STX)."""
    end: str = "0D0A"
    """Bytes sent after the text (and checksum), as hex ("0D0A" is CR LF, "03" is ETX)."""
    address: int = -1
    """Sign address byte sent after `start`, 0-255; -1 sends none."""
    checksum: Literal["none", "xor", "sum8"] = "none"
    """Checksum byte over address and text, sent before `end`."""
    width: int = 0
    """Pad or cut the text to this many display cells (a Han character takes 2); 0: as is."""
    unit: int = 1
    """Modbus device id of the display."""
    ticket_register: int = 0
    """First holding register of the ticket text (ASCII, two characters per register)."""
    ticket_registers: int = 4
    """How many registers the ticket text takes (4: up to 8 characters)."""
    counter_register: int = 4
    """Holding register of the counter number."""
    timeout_s: float = 1.0
    """How long to wait for the display's Modbus reply."""


Profile = TypeVar("Profile", PrinterProfile, DisplayProfile)


def load_profile(kind: type[Profile], name_or_path: str) -> Profile:
    """A profile by name (a file under hardware/profiles/) or by path, checked key by key."""
    path = Path(name_or_path).expanduser()
    if not path.suffix:
        path = PROFILES_DIR / f"{name_or_path}.toml"
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        known = ", ".join(sorted(p.stem for p in PROFILES_DIR.glob("*.toml")))
        raise ConfigError(
            f"device profile {name_or_path!r} not found ({path})",
            hint=f"use one of: {known}, or the path of a TOML profile",
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: bad TOML: {exc}", hint="fix the TOML syntax there") from exc
    data.setdefault("name", path.stem)
    profile: Profile = build_section(kind, data, "", path)
    return profile


def hex_bytes(text: str, where: str) -> bytes:
    """Bytes written as hex in a profile ("02", "0D 0A")."""
    try:
        return bytes.fromhex(text)
    except ValueError as exc:
        raise ConfigError(
            f"display profile {where}: {text!r} is not hex bytes", hint='write e.g. "0D0A"'
        ) from exc
