"""Chinese homophones repaired against the pack's own words, before a question is embedded.

Speech recognisers write a word that sounds right but is not the one meant: 读者正 for 读者证,
打应 for 打印, 换成 for 换乘. BM25 already matches such words through their pinyin; the
embedder sees only the characters, and a wrong character can move a question far from its
entry. So a span of two to four characters that is not a word of the pack, but sounds like
exactly one of them, is replaced by that word. "Sounds like" is the toneless pinyin with the
confusions recognisers and southern accents make folded together: zh/z, ch/c, sh/s, and the
-ng/-n finals (ing/in, eng/en, ang/an).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from pypinyin import Style, lazy_pinyin

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_LENGTHS = (4, 3, 2)
"""Span lengths tried, longest first. One character is too ambiguous to repair."""


def sound(syllables: Iterable[str]) -> str:
    """The folded pinyin of a run of syllables: what a recogniser may confuse is the same."""
    folded = []
    for syllable in syllables:
        if syllable[:2] in ("zh", "ch", "sh"):
            syllable = syllable[0] + syllable[2:]
        if syllable.endswith("ng") and syllable not in ("ng",):
            syllable = syllable[:-1]
        folded.append(syllable)
    return " ".join(folded)


class HomophoneRepair:
    """Replaces spans of a question that sound like a word of the pack but are not one."""

    def __init__(self, words: Iterable[str], cut: Callable[[str], list[str]],
                 fold: bool = False) -> None:
        """`words`: the pack's Chinese words; `cut`: a dictionary-only word segmenter (a span
        it keeps whole is a real word, and is never repaired); `fold`: also fold the sounds
        recognisers confuse (zh/z, ch/c, sh/s, -ng/-n)."""
        vocabulary = {w for w in words if len(w) in _LENGTHS and _HAN.fullmatch(w)}
        self._cut = cut
        self._fold = fold
        by_sound: dict[str, set[str]] = defaultdict(set)
        for word in vocabulary:
            by_sound[self._sound(lazy_pinyin(word, style=Style.NORMAL))].add(word)
        self._vocabulary = frozenset(vocabulary)
        # A sound shared by two of the pack's words says nothing about which one was meant.
        self._by_sound = {key: next(iter(ws)) for key, ws in by_sound.items() if len(ws) == 1}

    def __len__(self) -> int:
        return len(self._by_sound)

    def repair(self, text: str) -> str:
        """`text` with its misheard pack words put right (unchanged when none is found)."""
        return _HAN.sub(lambda run: self._repair_run(run.group()), text)

    def _sound(self, syllables: list[str]) -> str:
        return sound(syllables) if self._fold else " ".join(syllables)

    def _repair_run(self, run: str) -> str:
        tokens = self._cut(run)
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for j in range(min(i + max(_LENGTHS), len(tokens)), i, -1):
                span = "".join(tokens[i:j])
                if len(span) not in _LENGTHS:
                    continue
                if span in self._vocabulary:  # heard right: keep it whole
                    word: str | None = span
                elif j == i + 1:  # a real word, just not one of the pack's: not a mishearing
                    word = None
                else:  # characters that make no word together: do they sound like one?
                    word = self._by_sound.get(self._sound(lazy_pinyin(span, style=Style.NORMAL)))
                if word is not None:
                    out.append(word)
                    i = j
                    break
            else:
                out.append(tokens[i])
                i += 1
        return "".join(out)
