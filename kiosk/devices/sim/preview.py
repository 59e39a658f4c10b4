"""A PNG picture of a decoded ticket, as the paper would look (text, QR codes, raster images)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from kiosk.devices.escpos_decode import Page, QrCode, RasterImage, TextLine

FONT_DOTS = 24
"""Font A is 12 × 24 dots; a full-width (Chinese) character is 24 × 24."""
FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian/Ubuntu fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)
_SC_INDEX = 2
"""Face of the .ttc collection that draws Simplified Chinese glyphs."""
_QR_LEVELS = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
              "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONTS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size, index=_SC_INDEX)
    return ImageFont.load_default(size)  # no CJK font: Latin only (apt-get install fonts-noto-cjk)


def _text(line: TextLine, dots: int) -> Image.Image:
    """One line: drawn at its height, then stretched to its width multiplier."""
    font = _font(FONT_DOTS * line.height)
    ascent, descent = font.getmetrics() if isinstance(font, ImageFont.FreeTypeFont) else (
        FONT_DOTS * line.height, FONT_DOTS * line.height // 4)
    natural = max(1, int(font.getlength(line.text))) if line.text else 1
    strip = Image.new("L", (natural, ascent + descent), 255)
    ImageDraw.Draw(strip).text((0, 0), line.text, font=font, fill=0,
                               stroke_width=1 if line.bold else 0, stroke_fill=0)
    width = max(1, natural * line.width // line.height)
    return strip.resize((min(width, dots), ascent + descent))


def _qr(code: QrCode) -> Image.Image:
    maker = qrcode.QRCode(box_size=max(code.module_size, 1), border=1,
                          error_correction=_QR_LEVELS.get(code.error_correction, 0))
    maker.add_data(code.payload)
    maker.make(fit=True)
    picture: Image.Image = maker.make_image().get_image().convert("L")
    return picture


def _raster(image: RasterImage) -> Image.Image:
    picture = Image.new("L", (max(image.width, 1), max(image.height, 1)), 255)
    for y in range(image.height):
        for x in range(image.width):
            if image.dot(x, y):
                picture.putpixel((x, y), 0)
    return picture


def render(page: Page, dots: int = 576) -> Image.Image:
    """The page as a grayscale picture `dots` wide."""
    pieces: list[tuple[Image.Image, str]] = []
    for element in page.elements:
        if isinstance(element, TextLine):
            pieces.append((_text(element, dots), element.align))
        elif isinstance(element, QrCode):
            pieces.append((_qr(element), "center"))
        else:
            pieces.append((_raster(element), "center"))
    height = sum(piece.height + 4 for piece, _ in pieces) + 16
    paper = Image.new("L", (dots, height), 255)
    y = 8
    for piece, align in pieces:
        x = {"left": 0, "center": (dots - piece.width) // 2, "right": dots - piece.width}[align]
        paper.paste(piece, (max(x, 0), y))
        y += piece.height + 4
    return paper


def save(page: Page, path: Path, dots: int = 576) -> Path:
    """Write the page's picture as a PNG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    render(page, dots).save(path, format="PNG")
    return path
