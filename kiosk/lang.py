"""Languages the kiosk speaks, and telling them apart in a visitor's words."""

from __future__ import annotations

import re
from typing import Literal, TypeGuard

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def is_lang(value: object) -> TypeGuard[Lang]:
    """True when `value` is one of the supported language codes."""
    return value in LANGS


def detect_language(text: str, default: Lang = "zh") -> Lang:
    """Guess whether `text` is Chinese or English.

    A Chinese word is on average about two characters, so Han characters count half
    against Latin words: "WiFi密码是多少" is Chinese, "where is exit B of 人民广场" is English.
    Text with neither (digits, punctuation, silence) keeps `default`.
    """
    han = len(_HAN.findall(text))
    words = len(_LATIN_WORD.findall(text))
    if han == 0 and words == 0:
        return default
    return "zh" if han / 2 >= words else "en"
