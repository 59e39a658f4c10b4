"""Two small inline-SVG bar charts for the HTML report (no scripts, no fonts to fetch).

A plotting library would pull in far more than two bar charts need; these are plain SVG
rectangles and text with a `<title>` on each bar, so hovering shows the exact value.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

_FONT = 'font-family="Noto Sans CJK SC, Noto Sans, sans-serif"'


TICKS = 4
"""Grid lines above zero on a vertical chart."""


def _nice_max(value: float) -> float:
    """The axis top: TICKS equal whole steps (1-6 or 8 times a power of ten), >= `value`."""
    if value <= TICKS:
        return float(TICKS)
    raw = value / TICKS
    power = 10 ** math.floor(math.log10(raw))
    step = next(s * power for s in (1, 2, 3, 4, 5, 6, 8, 10) if raw <= s * power)
    return float(step * TICKS)


def _number(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    label: str = "",
    colour: str = "#3b6ea5",
    width: int = 640,
    height: int = 220,
) -> str:
    """Vertical bars, one per label, with a y axis from 0 to a round maximum."""
    left, right, top, bottom = 40, 10, 10, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max(values, default=0))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" {_FONT} font-size="11">']
    for tick in range(TICKS + 1):
        value = top_value * tick / TICKS
        y = top + plot_h - plot_h * tick / TICKS
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                     'stroke="#e3e6ea"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" '
                     f'fill="#5b6675">{_number(value)}</text>')
    if labels:
        slot = plot_w / len(labels)
        every = max(1, math.ceil(len(labels) / 12))  # keep axis labels from overlapping
        for i, (name, value) in enumerate(zip(labels, values, strict=True)):
            bar_h = plot_h * value / top_value
            x = left + i * slot + slot * 0.15
            y = top + plot_h - bar_h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{bar_h:.1f}" '
                f'fill="{colour}"><title>{html.escape(name)}: {_number(value)} '
                f"{html.escape(label)}</title></rect>"
            )
            if i % every == 0:
                parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{height - bottom + 15}" '
                             f'text-anchor="middle" fill="#1d2733">{html.escape(name)}</text>')
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" '
                 f'y2="{top + plot_h}" stroke="#5b6675"/></svg>')
    return "".join(parts)


def hbar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    colours: Sequence[str] = ("#3b6ea5",),
    width: int = 640,
    row: int = 22,
) -> str:
    """Horizontal bars, one row per label (long labels are cut with an ellipsis)."""
    if not labels:
        return '<p class="none">No data in this period.</p>'
    label_w, value_w = int(width * 0.45), 40
    plot_w = width - label_w - value_w
    height = row * len(labels) + 8
    top_value = max(max(values, default=0), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" {_FONT} font-size="12">']
    max_chars = label_w // 9
    for i, (name, value) in enumerate(zip(labels, values, strict=True)):
        y = 4 + i * row
        shown = name if len(name) <= max_chars else name[: max_chars - 1] + "…"
        bar_w = plot_w * value / top_value
        colour = colours[i % len(colours)]
        parts.append(f'<text x="{label_w - 6}" y="{y + row * 0.65:.1f}" text-anchor="end" '
                     f'fill="#1d2733">{html.escape(shown)}<title>{html.escape(name)}</title>'
                     "</text>")
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{bar_w:.1f}" height="{row - 6}" '
                     f'fill="{colour}"><title>{html.escape(name)}: {_number(value)}</title>'
                     "</rect>")
        parts.append(f'<text x="{label_w + bar_w + 4:.1f}" y="{y + row * 0.65:.1f}" '
                     f'fill="#5b6675">{_number(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)
