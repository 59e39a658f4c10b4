"""Draws Xiao Jiang, the 2.5D lobby assistant, as vector paths rasterised into layer PNGs.

Run by the avatar loader when build/ is missing or older than this file; every layer is a
1024x1280 RGBA image, the canvas avatar.toml names. No art is downloaded: this file is the art.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QRadialGradient,
)

W, H = 1024, 1280
CX, HEAD_Y = 512.0, 540.0
SKIN, SKIN_SHADE = QColor("#f7d7c4"), QColor("#e9b59c")
HAIR, HAIR_LIGHT = QColor("#2a2130"), QColor("#4a3a52")
LIP, MOUTH, TEETH, TONGUE = (
    QColor("#d9737a"),
    QColor("#6b2430"),
    QColor("#fbf8f4"),
    QColor("#e07f86"),
)
EYE_Y, EYE_DX = 585.0, 96.0

# viseme: (opening 0..1, width factor, roundness 0..1, upper teeth, lower teeth, tongue, smile)
SHAPES: dict[str, tuple[float, float, float, bool, bool, bool, float]] = {
    "sil": (0.0, 1.0, 0.0, False, False, False, 0.35),  # a friendly resting mouth
    "PP": (0.0, 0.92, 0.0, False, False, False, -0.2),
    "FF": (0.16, 1.0, 0.0, True, False, False, 0.0),
    "TH": (0.22, 1.0, 0.0, True, True, True, 0.0),
    "DD": (0.32, 1.02, 0.1, True, True, False, 0.0),
    "kk": (0.42, 0.96, 0.1, True, False, True, 0.0),
    "CH": (0.3, 0.76, 0.55, True, True, False, 0.0),
    "SS": (0.14, 1.08, 0.0, True, True, False, 0.1),
    "nn": (0.22, 1.0, 0.1, True, False, True, 0.0),
    "RR": (0.3, 0.72, 0.6, True, False, False, 0.0),
    "aa": (0.78, 1.0, 0.2, True, False, True, 0.0),
    "E": (0.46, 1.16, 0.0, True, True, False, 0.1),
    "ih": (0.32, 1.1, 0.0, True, True, False, 0.1),
    "oh": (0.62, 0.72, 0.8, True, False, True, 0.0),
    "ou": (0.36, 0.52, 1.0, False, False, False, 0.0),
    "smile": (0.0, 1.14, 0.0, False, False, False, 1.0),
}


def build(out: Path) -> None:
    """Write every layer of the avatar into `out`."""
    layers = {
        "hair_back": _hair_back, "body": _body, "head": _head, "eyes": _eye_whites,
        "iris": _irises, "eyeline": _eye_lines, "lids": _lids, "brows": _brows,
        "nose": _nose, "hair_front": _hair_front,
    }  # fmt: skip
    for name, draw in layers.items():
        _paint(out / f"{name}.png", draw)
    for shape, params in SHAPES.items():
        _paint(out / f"mouth_{shape}.png", lambda p, params=params: _mouth(p, *params))


def _paint(path: Path, draw: object) -> None:
    image = QImage(W, H, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    draw(painter)  # type: ignore[operator]
    painter.end()
    image.save(str(path))


def _hair_back(p: QPainter) -> None:
    path = QPainterPath()
    path.moveTo(CX - 250, 860)
    path.cubicTo(CX - 330, 600, CX - 300, 250, CX, 235)
    path.cubicTo(CX + 300, 250, CX + 330, 600, CX + 250, 860)
    path.cubicTo(CX + 150, 900, CX - 150, 900, CX - 250, 860)
    gradient = QLinearGradient(0, 240, 0, 900)
    gradient.setColorAt(0, HAIR_LIGHT)
    gradient.setColorAt(1, HAIR)
    p.fillPath(path, QBrush(gradient))


def _body(p: QPainter) -> None:
    neck = QPainterPath()
    neck.addRoundedRect(QRectF(CX - 68, 700, 136, 230), 40, 40)
    shade = QLinearGradient(0, 760, 0, 900)
    shade.setColorAt(0, SKIN_SHADE.darker(115))
    shade.setColorAt(1, SKIN_SHADE)
    p.fillPath(neck, QBrush(shade))
    blazer = QPainterPath()
    blazer.moveTo(CX - 120, 880)
    blazer.cubicTo(CX - 330, 900, CX - 440, 960, CX - 470, 1080)
    blazer.lineTo(CX - 500, H)
    blazer.lineTo(CX + 500, H)
    blazer.lineTo(CX + 470, 1080)
    blazer.cubicTo(CX + 440, 960, CX + 330, 900, CX + 120, 880)
    blazer.closeSubpath()
    gradient = QLinearGradient(0, 880, 0, H)
    gradient.setColorAt(0, QColor("#27467a"))
    gradient.setColorAt(1, QColor("#182c52"))
    p.fillPath(blazer, QBrush(gradient))
    shirt = QPainterPath()
    shirt.moveTo(CX - 110, 880)
    shirt.lineTo(CX, 1120)
    shirt.lineTo(CX + 110, 880)
    shirt.closeSubpath()
    p.fillPath(shirt, QColor("#f4f6fa"))
    scarf = QPainterPath()
    scarf.moveTo(CX - 60, 905)
    scarf.cubicTo(CX - 20, 940, CX + 20, 940, CX + 60, 905)
    scarf.lineTo(CX + 30, 1000)
    scarf.lineTo(CX, 1030)
    scarf.lineTo(CX - 30, 1000)
    scarf.closeSubpath()
    p.fillPath(scarf, QColor("#17a398"))
    p.setPen(QPen(QColor("#10756d"), 4))
    p.drawLine(QPointF(CX - 18, 960), QPointF(CX + 18, 960))
    p.setPen(Qt.PenStyle.NoPen)
    for side in (-1, 1):  # lapels
        lapel = QPainterPath()
        lapel.moveTo(CX + side * 115, 880)
        lapel.lineTo(CX + side * 10, 1130)
        lapel.lineTo(CX + side * 150, 1010)
        lapel.lineTo(CX + side * 135, 930)
        lapel.closeSubpath()
        p.fillPath(lapel, QColor("#1d365f"))
    badge = QPainterPath()
    badge.addRoundedRect(QRectF(CX + 190, 1060, 110, 34), 8, 8)
    p.fillPath(badge, QColor("#e9eef6"))
    p.fillRect(QRectF(CX + 198, 1070, 20, 14), QColor("#17a398"))


def _head(p: QPainter) -> None:
    for side in (-1, 1):  # ears
        ear = QPainterPath()
        ear.addEllipse(QRectF(CX + side * 205 - 32, 545, 64, 110))
        p.fillPath(ear, SKIN_SHADE)
    face = QPainterPath()
    face.moveTo(CX, 270)
    face.cubicTo(CX + 150, 270, CX + 225, 380, CX + 222, 560)
    face.cubicTo(CX + 220, 700, CX + 120, 815, CX, 822)
    face.cubicTo(CX - 120, 815, CX - 220, 700, CX - 222, 560)
    face.cubicTo(CX - 225, 380, CX - 150, 270, CX, 270)
    gradient = QRadialGradient(QPointF(CX - 30, 520), 320)
    gradient.setColorAt(0, SKIN.lighter(103))
    gradient.setColorAt(0.75, SKIN)
    gradient.setColorAt(1, SKIN_SHADE)
    p.fillPath(face, QBrush(gradient))
    for side in (-1, 1):  # cheeks
        blush = QRadialGradient(QPointF(CX + side * 125, 680), 60)
        blush.setColorAt(0, QColor(240, 140, 140, 90))
        blush.setColorAt(1, QColor(240, 140, 140, 0))
        p.setBrush(QBrush(blush))
        p.drawEllipse(QPointF(CX + side * 125, 680), 60, 60)
    p.setBrush(Qt.BrushStyle.NoBrush)


def _almond(cx: float, cy: float, w: float, h: float) -> QPainterPath:
    path = QPainterPath()
    path.moveTo(cx - w, cy + 2)
    path.cubicTo(cx - w * 0.6, cy - h * 1.25, cx + w * 0.55, cy - h * 1.3, cx + w, cy - 4)
    path.cubicTo(cx + w * 0.6, cy + h * 0.95, cx - w * 0.55, cy + h * 0.95, cx - w, cy + 2)
    return path


def _eye_whites(p: QPainter) -> None:
    for side in (-1, 1):
        p.fillPath(_almond(CX + side * EYE_DX, EYE_Y, 46, 28), QColor("#fdfbf9"))


def _irises(p: QPainter) -> None:
    for side in (-1, 1):
        centre = QPointF(CX + side * EYE_DX, EYE_Y - 2)
        iris = QRadialGradient(centre, 27)
        iris.setColorAt(0, QColor("#7a4e34"))
        iris.setColorAt(0.7, QColor("#4e2f20"))
        iris.setColorAt(1, QColor("#2c1a12"))
        p.setBrush(QBrush(iris))
        p.drawEllipse(centre, 27, 27)
        p.setBrush(QColor("#150c09"))
        p.drawEllipse(centre, 12, 12)
        p.setBrush(QColor(255, 255, 255, 235))
        p.drawEllipse(centre + QPointF(9, -10), 7, 7)
        p.drawEllipse(centre + QPointF(-8, 9), 3, 3)


def _eye_lines(p: QPainter) -> None:
    pen = QPen(QColor("#2a1c1c"), 7, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    for side in (-1, 1):
        cx, w, h = CX + side * EYE_DX, 46.0, 28.0
        upper = QPainterPath()
        inner, outer = (cx - side * w, EYE_Y + 2), (cx + side * w, EYE_Y - 4)
        upper.moveTo(*inner)
        upper.cubicTo(
            cx - side * w * 0.6, EYE_Y - h * 1.25, cx + side * w * 0.55, EYE_Y - h * 1.3, *outer
        )
        upper.lineTo(outer[0] + side * 10, outer[1] - 8)  # a small flick at the outer corner
        p.strokePath(upper, pen)
        crease = QPainterPath()
        crease.moveTo(cx - side * w * 0.3, EYE_Y - h * 1.45)
        crease.quadTo(cx + side * w * 0.3, EYE_Y - h * 1.75, cx + side * w * 0.9, EYE_Y - h * 1.2)
        p.strokePath(crease, QPen(QColor(200, 140, 120, 110), 2.5))


def _lids(p: QPainter) -> None:
    for side in (-1, 1):
        lid = _almond(CX + side * EYE_DX, EYE_Y, 50, 32)
        gradient = QLinearGradient(0, EYE_Y - 45, 0, EYE_Y + 25)
        gradient.setColorAt(0, SKIN_SHADE)
        gradient.setColorAt(1, SKIN)
        p.fillPath(lid, QBrush(gradient))
        lash = QPainterPath()  # the closed eye's lash line, shown once the lid is down
        cx = CX + side * EYE_DX
        lash.moveTo(cx - 46, EYE_Y + 2)
        lash.quadTo(cx, EYE_Y + 22, cx + 46, EYE_Y - 2)
        p.strokePath(lash, _round_pen(QColor("#2a1c1c"), 6))


def _brows(p: QPainter) -> None:
    for side in (-1, 1):
        brow = QPainterPath()
        x0 = CX + side * 40
        brow.moveTo(x0, 505)
        brow.cubicTo(CX + side * 80, 470, CX + side * 130, 468, CX + side * 160, 495)
        brow.cubicTo(CX + side * 125, 485, CX + side * 80, 490, x0, 518)
        p.fillPath(brow, QColor("#3a2a2c"))


def _nose(p: QPainter) -> None:
    shade = QPainterPath()
    shade.moveTo(CX + 6, 600)
    shade.cubicTo(CX + 14, 640, CX + 24, 668, CX + 12, 680)
    p.strokePath(shade, _round_pen(SKIN_SHADE.darker(110), 4))
    tip = QPainterPath()
    tip.moveTo(CX - 18, 684)
    tip.quadTo(CX, 694, CX + 18, 684)
    p.strokePath(tip, _round_pen(SKIN_SHADE.darker(118), 4))


def _hair_front(p: QPainter) -> None:
    fringe = QPainterPath()
    fringe.moveTo(CX - 232, 600)
    fringe.cubicTo(CX - 250, 380, CX - 140, 240, CX + 10, 240)
    fringe.cubicTo(CX + 170, 240, CX + 255, 380, CX + 232, 600)
    fringe.cubicTo(CX + 215, 520, CX + 190, 440, CX + 130, 390)
    fringe.cubicTo(CX + 60, 440, CX - 60, 455, CX - 170, 430)
    fringe.cubicTo(CX - 200, 480, CX - 215, 540, CX - 232, 600)
    gradient = QLinearGradient(0, 240, 0, 600)
    gradient.setColorAt(0, HAIR_LIGHT)
    gradient.setColorAt(1, HAIR)
    p.fillPath(fringe, QBrush(gradient))
    p.setPen(_round_pen(QColor(255, 255, 255, 40), 10))
    shine = QPainterPath()
    shine.moveTo(CX - 120, 300)
    shine.quadTo(CX - 40, 270, CX + 40, 285)
    p.drawPath(shine)
    p.setPen(Qt.PenStyle.NoPen)


def _mouth(
    p: QPainter,
    opening: float,
    width: float,
    round_: float,
    upper: bool,
    lower: bool,
    tongue: bool,
    smile: float,
) -> None:
    cx, cy = CX, 742.0
    half = 58.0 * width
    gap = 56.0 * opening
    lift = 9.0 * smile  # corners rise when smiling
    outer = QPainterPath()
    outer.moveTo(cx - half - 6, cy - lift)
    outer.cubicTo(
        cx - half * 0.7,
        cy - gap * 0.5 - 14,
        cx - half * 0.3,
        cy - gap * 0.5 - 16,
        cx,
        cy - gap * 0.5 - 10,
    )
    outer.cubicTo(
        cx + half * 0.3,
        cy - gap * 0.5 - 16,
        cx + half * 0.7,
        cy - gap * 0.5 - 14,
        cx + half + 6,
        cy - lift,
    )
    low = cy + gap * (0.75 + 0.35 * round_) + 16
    outer.cubicTo(
        cx + half * (0.6 + 0.3 * round_),
        low,
        cx - half * (0.6 + 0.3 * round_),
        low,
        cx - half - 6,
        cy - lift,
    )
    p.fillPath(outer, LIP)
    if gap < 1.0:
        line = QPainterPath()
        line.moveTo(cx - half, cy - lift)
        line.cubicTo(
            cx - half * 0.4,
            cy + 5 + 3 * smile,
            cx + half * 0.4,
            cy + 5 + 3 * smile,
            cx + half,
            cy - lift,
        )
        p.strokePath(line, _round_pen(MOUTH, 5))
        _lip_shine(p, cx, cy + 10)
        return
    inner = QPainterPath()
    round_x = 0.5 + 0.3 * round_
    inner.moveTo(cx - half, cy - lift * 0.8)
    inner.cubicTo(
        cx - half * round_x,
        cy - gap * 0.55,
        cx + half * round_x,
        cy - gap * 0.55,
        cx + half,
        cy - lift * 0.8,
    )
    inner.cubicTo(
        cx + half * round_x,
        cy + gap * (0.8 + 0.3 * round_),
        cx - half * round_x,
        cy + gap * (0.8 + 0.3 * round_),
        cx - half,
        cy - lift * 0.8,
    )
    p.fillPath(inner, MOUTH)
    p.save()
    p.setClipPath(inner)
    if tongue:
        p.setBrush(TONGUE)
        p.drawEllipse(QPointF(cx, cy + gap * 0.8), half * 0.6, gap * 0.45)
    if upper:
        p.fillRect(QRectF(cx - half, cy - gap * 0.6, 2 * half, gap * 0.42 + 2), TEETH)
    if lower:
        p.fillRect(QRectF(cx - half, cy + gap * 0.45, 2 * half, gap * 0.5), TEETH)
    p.restore()
    _lip_shine(p, cx, cy + gap * (0.8 + 0.3 * round_) + 8)


def _round_pen(colour: QColor, width: float) -> QPen:
    return QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)


def _lip_shine(p: QPainter, x: float, y: float) -> None:
    p.setBrush(QColor(255, 255, 255, 60))
    p.drawEllipse(QPointF(x - 8, y), 14, 4)
