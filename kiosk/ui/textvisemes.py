"""Viseme timelines estimated from text alone, for the screen's demo core (no TTS, no audio).

The real timeline comes from the TTS engine's phonemes and audio (the voice stage); this one
only has to look like speech: Chinese syllables from pypinyin (initial, vowel, nasal coda),
English from letter groups, pauses at punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pypinyin import Style, lazy_pinyin

from kiosk.events import Viseme, VisemeKey, VisemeTimeline
from kiosk.lang import Lang

SYLLABLE_S = 0.22
"""One Mandarin syllable at a calm kiosk pace."""
LETTER_S = 0.062
"""One English letter group."""
PAUSE_S = {
    "，": 0.18,
    ",": 0.16,
    "、": 0.12,
    "。": 0.32,
    ".": 0.3,
    "！": 0.3,
    "？": 0.3,
    "!": 0.3,
    "?": 0.3,
    "；": 0.25,
    ";": 0.25,
    "：": 0.2,
    ":": 0.2,
}

_INITIALS: tuple[tuple[str, Viseme], ...] = (
    ("zh", "CH"),
    ("ch", "CH"),
    ("sh", "CH"),
    ("b", "PP"),
    ("p", "PP"),
    ("m", "PP"),
    ("f", "FF"),
    ("d", "DD"),
    ("t", "DD"),
    ("n", "nn"),
    ("l", "DD"),
    ("g", "kk"),
    ("k", "kk"),
    ("h", "kk"),
    ("j", "CH"),
    ("q", "CH"),
    ("x", "SS"),
    ("r", "RR"),
    ("z", "SS"),
    ("c", "SS"),
    ("s", "SS"),
    ("y", "ih"),
    ("w", "ou"),
)
_VOWELS: dict[str, Viseme] = {"a": "aa", "o": "oh", "e": "E", "i": "ih", "u": "ou", "v": "ou"}
_EN_GROUPS: tuple[tuple[str, Viseme], ...] = (
    ("th", "TH"),
    ("sh", "CH"),
    ("ch", "CH"),
    ("ph", "FF"),
    ("ng", "nn"),
    ("oo", "ou"),
    ("ee", "ih"),
    ("ea", "E"),
    ("ou", "oh"),
    ("ow", "oh"),
    ("ai", "E"),
)
_EN_LETTERS: dict[str, Viseme] = {
    **{c: "PP" for c in "pbm"}, **{c: "FF" for c in "fv"}, **{c: "SS" for c in "szc"},
    **{c: "DD" for c in "tdl"}, "n": "nn", **{c: "kk" for c in "kgqxh"}, "r": "RR", "w": "ou",
    "j": "CH", "a": "aa", "e": "E", "i": "ih", "y": "ih", "o": "oh", "u": "ou",
}  # fmt: skip
_Add = Callable[[Viseme, float], None]
_HAN = re.compile(r"[\u3400-\u9fff]")


def estimate_timeline(
    text: str, lang: Lang, offset: float = 0.0, rate: float = 1.0
) -> VisemeTimeline:
    """A plausible timeline for `text` spoken at `rate` (1 normal, 0.75 elder mode)."""
    keys: list[VisemeKey] = []
    t = 0.0

    def add(viseme: Viseme, seconds: float) -> None:
        nonlocal t
        seconds /= rate
        if keys and keys[-1].viseme == viseme:
            keys[-1] = VisemeKey(viseme, keys[-1].start, t + seconds)
        else:
            keys.append(VisemeKey(viseme, t, t + seconds))
        t += seconds

    for token in _tokens(text):
        if token in PAUSE_S:
            add("sil", PAUSE_S[token])
        elif _HAN.match(token):
            for syllable in lazy_pinyin(token, style=Style.NORMAL, v_to_u=False):
                _syllable(syllable, add)
        elif token.isdigit():
            for _ in token:
                add("DD", SYLLABLE_S * 0.3)
                add("ih" if lang == "en" else "aa", SYLLABLE_S * 0.7)
        elif token.strip():
            _word(token.lower(), add)
    return VisemeTimeline(tuple(keys), offset)


def _tokens(text: str) -> list[str]:
    return re.findall(r"[\u3400-\u9fff]|[A-Za-z']+|\d+|[^\sA-Za-z\d]", text)


def _syllable(syllable: str, add: _Add) -> None:
    rest = syllable
    for initial, viseme in _INITIALS:
        if rest.startswith(initial):
            add(viseme, SYLLABLE_S * 0.3)
            rest = rest[len(initial) :]
            break
    coda = rest.endswith(("n", "ng")) and len(rest) > 1
    vowel: Viseme = next((_VOWELS[c] for c in rest if c in _VOWELS), "E")
    add(vowel, SYLLABLE_S * (0.55 if coda else 0.7))
    if coda:
        add("nn", SYLLABLE_S * 0.15)


def _word(word: str, add: _Add) -> None:
    i = 0
    while i < len(word):
        pair = word[i : i + 2]
        group = next((v for g, v in _EN_GROUPS if g == pair), None)
        if group is not None:
            add(group, LETTER_S * 1.3)
            i += 2
            continue
        viseme = _EN_LETTERS.get(word[i])
        if viseme is not None:
            add(viseme, LETTER_S)
        i += 1
    add("sil", LETTER_S * 0.4)
