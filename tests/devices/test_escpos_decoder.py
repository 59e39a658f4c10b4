"""The ESC/POS decoder reads back what python-escpos writes: text, code pages, QR, raster, cuts."""

from __future__ import annotations

from escpos.printer import Dummy
from PIL import Image, ImageDraw

from kiosk.devices.escpos_decode import (
    Cut,
    EscPosDecoder,
    QrCode,
    RasterImage,
    StatusRequest,
    TextLine,
    Unknown,
    decode_pages,
)


def _byte_by_byte(data: bytes) -> list[object]:
    decoder = EscPosDecoder()
    out: list[object] = []
    for index in range(len(data)):
        out.extend(decoder.feed(data[index : index + 1]))
    return out


def test_text_sizes_alignment_and_cut() -> None:
    printer = Dummy()
    printer.set(align="center", bold=True, custom_size=True, width=3, height=4)
    printer.textln("B012")
    printer.set(align="right", bold=False, normal_textsize=True)
    printer.textln("counter 3")
    printer.cut(mode="PART")
    elements = EscPosDecoder().feed(printer.output)
    assert elements[0] == TextLine("B012", width=3, height=4, bold=True, align="center")
    assert elements[1] == TextLine("counter 3", align="right")
    assert elements[-1] == Cut(partial=True)


def test_code_page_switches_are_followed() -> None:
    printer = Dummy(profile="TM-T88V")
    printer.textln("Café Müller ÆØÅ")  # python-escpos picks code pages and sends ESC t
    assert b"\x1bt" in printer.output
    (line,) = [e for e in EscPosDecoder().feed(printer.output) if isinstance(e, TextLine)]
    assert line.text == "Café Müller ÆØÅ"


def test_chinese_mode_decodes_gb18030_split_anywhere() -> None:
    data = b"\x1c\x26" + "非现金业务 · 𠀀".encode("gb18030") + b"\x1c\x2e\nA\n"
    lines = [e for e in _byte_by_byte(data) if isinstance(e, TextLine)]
    assert [line.text for line in lines] == ["非现金业务 · 𠀀", "A"]


def test_native_qr_payload_and_parameters() -> None:
    printer = Dummy()
    printer.qr("bank/2026-12-01/A001", native=True, size=7, ec=2)
    (qr,) = [e for e in _byte_by_byte(printer.output) if isinstance(e, QrCode)]
    assert (qr.text, qr.module_size, qr.error_correction) == ("bank/2026-12-01/A001", 7, "Q")


def test_raster_image_dots_round_trip() -> None:
    image = Image.new("1", (40, 16), 1)
    ImageDraw.Draw(image).rectangle((8, 4, 15, 11), fill=0)
    printer = Dummy()
    printer.image(image, impl="bitImageRaster")
    (raster,) = [e for e in EscPosDecoder().feed(printer.output) if isinstance(e, RasterImage)]
    assert (raster.width, raster.height) == (40, 16)
    black = {(x, y) for y in range(16) for x in range(40) if raster.dot(x, y)}
    assert black == {(x, y) for x in range(8, 16) for y in range(4, 12)}


def test_status_requests_unknown_commands_and_pages() -> None:
    data = b"\x10\x04\x04" + b"\x1b\x7e\x01" + b"one\n" + b"\x1dV\x00" + b"two\n\x1dVB\x00"
    elements = EscPosDecoder().feed(data)
    assert elements[0] == StatusRequest(4)
    assert isinstance(elements[1], Unknown)
    pages = decode_pages(data)
    assert [page.lines for page in pages] == [["one"], ["two"]]


def test_unfinished_command_waits_for_the_rest() -> None:
    decoder = EscPosDecoder()
    assert decoder.feed(b"\x1d(k\x07\x001P0A0") == []
    assert decoder.feed(b"01") == []
    assert decoder.feed(b"\x1d(k\x03\x001Q0") == [QrCode(b"A001", 3, "L")]
