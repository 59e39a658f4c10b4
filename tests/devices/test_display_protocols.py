"""LED sign frames (address, checksum, GB2312, width) and Modbus register layout."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import serial

from kiosk.config import load_config
from kiosk.devices.display import LineDisplay
from kiosk.devices.line_protocol import LineCodec, LineReader, checksum, fit, wrap
from kiosk.devices.modbus_display import registers_ticket, ticket_registers
from kiosk.devices.profiles import DisplayProfile, PrinterProfile, load_profile
from kiosk.errors import ConfigError


def test_plain_line_frame_is_gb2312_with_crlf() -> None:
    codec = LineCodec(load_profile(DisplayProfile, "led-line"))
    assert codec.frame(codec.text("A001", 3)) == "A001 请到3号窗口".encode("gb2312") + b"\r\n"


def test_framed_sign_address_checksum_and_width() -> None:
    codec = LineCodec(load_profile(DisplayProfile, "led-line-stx"))
    frame = codec.frame(codec.text("B12", 4))
    body = b"\x01" + fit("请B12号到4号窗口", 20).encode("gb2312")
    assert frame == b"\x02" + body + checksum("xor", body) + b"\x03"
    assert LineReader(codec).feed(frame[:5]) == []
    reader = LineReader(codec)
    assert reader.feed(frame) == ["请B12号到4号窗口"]
    garbled = frame[:3] + bytes([frame[3] ^ 1]) + frame[4:]
    assert reader.feed(garbled) == [None]


def test_fit_counts_han_as_two_cells() -> None:
    assert fit("请到3号", 6) == "请到3 "
    assert fit("A", 0) == "A"


def test_sum8_checksum() -> None:
    assert checksum("sum8", b"\xff\x02") == b"01"


def test_line_display_writes_over_loop() -> None:
    display = LineDisplay("loop://", load_profile(DisplayProfile, "led-line"))
    display.show("C003", 9)
    port = display._port
    assert isinstance(port, serial.SerialBase)
    assert port.read(100).decode("gb2312") == "C003 请到9号窗口\r\n"
    display.close()


def test_modbus_registers_hold_ascii_pairs() -> None:
    registers = ticket_registers("A012", 4)
    assert registers == [0x4130, 0x3132, 0x2020, 0x2020]
    assert registers_ticket(registers) == "A012"
    assert registers_ticket(ticket_registers("V1234567890", 4)) == "V1234567"


def test_profiles_are_checked_key_by_key(tmp_path: Path) -> None:
    bad = tmp_path / "sign.toml"
    bad.write_text('protocol = "line"\nencodng = "gb2312"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean 'encoding'"):
        load_profile(DisplayProfile, str(bad))
    with pytest.raises(ConfigError, match="escpos-80mm"):
        load_profile(PrinterProfile, "no-such-printer")


def test_devices_config_section(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        '[devices.printer]\nport = "/dev/kiosk-printer"\nprofile = "escpos-58mm"\n'
        '[devices.display]\nport = "/dev/kiosk-display"\nprofile = "modbus-display"\n'
        "baud = 19200\n",
        encoding="utf-8",
    )
    devices = load_config(path).devices
    assert (devices.printer.port, devices.printer.profile) == ("/dev/kiosk-printer", "escpos-58mm")
    assert dataclasses.astuple(devices.display)[:3] == ("/dev/kiosk-display", "modbus-display",
                                                         19200)
    path.write_text('[devices.printer]\nbaud = "fast"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"devices\.printer\.baud"):
        load_config(path)


def test_wrap_counts_cells_and_breaks_at_spaces() -> None:
    assert wrap("请留意叫号屏  Please watch the display", 20) == [
        "请留意叫号屏  Please", "watch the display"  # 12 + 2 + 6 cells fit exactly
    ]
    assert wrap("滨江地铁人民广场站服务中心", 10) == ["滨江地铁人", "民广场站服", "务中心"]
    assert wrap("", 8) == [""]


def test_a_bad_template_or_framing_is_a_config_error() -> None:
    profile = load_profile(DisplayProfile, "led-line")
    with pytest.raises(ConfigError, match="cannot be filled in"):
        LineCodec(dataclasses.replace(profile, template="{ticket} → {window}"))
    with pytest.raises(ConfigError, match="not hex bytes"):
        LineCodec(dataclasses.replace(profile, end="CRLF"))
