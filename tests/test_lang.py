"""Telling Chinese from English in a visitor's words."""

from __future__ import annotations

import pytest

from kiosk.lang import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("末班车几点", "zh"),
        ("WiFi密码是多少", "zh"),
        ("where is exit B of 人民广场", "en"),
        ("How much is a single ticket?", "en"),
        ("我想办一张ICBC的卡", "zh"),
        ("ok", "en"),
    ],
)
def test_detects_the_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_text_without_words_keeps_the_default() -> None:
    assert detect_language("123 ？！", default="en") == "en"
    assert detect_language("", default="zh") == "zh"
