"""The report's SVG bar charts: bars in proportion, round axes, text escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from kiosk.svgchart import _nice_max, bar_chart, hbar_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_bars_are_in_proportion_and_the_axis_is_round() -> None:
    svg = ET.fromstring(bar_chart(["a", "b", "c"], [2, 4, 0], label="questions"))
    heights = [float(r.get("height", "")) for r in svg.iter(f"{SVG}rect")]
    assert heights[1] == 2 * heights[0] and heights[2] == 0
    ticks = [t.text for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert ticks == ["0", "1", "2", "3", "4"]
    assert [_nice_max(v) for v in (0, 9, 11, 207)] == [4, 12, 12, 240]


def test_labels_are_escaped_and_long_ones_cut() -> None:
    question = "<b>where</b> & is the very long question about the lost property office " * 2
    svg = hbar_chart([question], [3])
    ET.fromstring(svg)  # well-formed despite < and &
    shown = re.search(r">([^<>]*…)", svg)
    assert shown is not None and len(shown.group(1)) < len(question)
    assert "&lt;b&gt;" in svg
