"""Chinese homophones repaired against the pack's own words, before a question is embedded.

Speech recognisers write characters that sound right but are not the ones meant: 电题 for 电梯,
挂湿 for 挂失. BM25 already matches such words through their pinyin; the embedder sees only the
characters, and a wrong one can move a question far from its entry. So the question is cut
into dictionary words, and a run of two to four characters made of several pieces (characters
that make no word together) that sounds like exactly one word of the pack becomes that word.
A piece the dictionary knows as one word is never rewritten (换成 stays; BM25's pinyin takes it
to 换乘). "Sounds like" is the toneless pinyin; with `fold`, also the confusions recognisers
and southern accents make (zh/z, ch/c, sh/s, and the -ng/-n finals), measured and left off
(docs/retrieval.md, "Misheard Chinese words put right").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from pypinyin import Style, lazy_pinyin

from kiosk.knowledge.text import HAN_RUN

_LENGTHS = (4, 3, 2)
"""Span lengths tried, longest first. One character is too ambiguous to repair."""


_GRAMMAR = frozenset(
    "我你您他她它把被给让从到对跟向在和与吗呢吧啊呀了的地得着过不没别也都就很太还又再才是有"
)
"""Pronouns, particles, negations and coverbs. A span with one of them is grammar said right,
not a misheard word: 我把 is not 我爸, 教我吗 not 教我妈, 有几 not 邮寄, 不在 not 不再."""


def sound(syllables: Iterable[str]) -> str:
    """The folded pinyin of a run of syllables: what a recogniser may confuse is the same."""
    folded = []
    for syllable in syllables:
        if syllable[:2] in ("zh", "ch", "sh"):
            syllable = syllable[0] + syllable[2:]
        if syllable.endswith("ng") and syllable != "ng":
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
        vocabulary = {w for w in words if len(w) in _LENGTHS and HAN_RUN.fullmatch(w)}
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
        return HAN_RUN.sub(lambda run: self._repair_run(run.group()), text)

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
                elif j == i + 1 or not _GRAMMAR.isdisjoint(span):
                    # a real word, just not one of the pack's; or grammar: not a mishearing
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
