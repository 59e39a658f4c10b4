"""Spelling a phrase in a recogniser's vocabulary, or saying which word it cannot spell."""

from __future__ import annotations

import re
from collections.abc import Callable

from kiosk.errors import WakeWordError

_HAN = re.compile(r"[\u3400-\u9fff]")


def spell(phrase: str, known: Callable[[str], bool], where: str) -> list[str]:
    """The words of `phrase` as the vocabulary has them.

    Words separated by spaces must each be known. A run of Chinese characters without spaces
    is split into the fewest known words ("你好小安" → 你好 / 小 / 安). Raises `WakeWordError`
    naming the word that is out of vocabulary (`where` names the model, for the message).
    """
    words: list[str] = []
    for token in phrase.lower().split():
        token = token.strip(".,!?;:，。！？")
        if not token:
            continue
        if known(token):
            words.append(token)
        elif _HAN.search(token):
            words.extend(_split_han(token, known, phrase, where))
        else:
            raise _oov(token, phrase, where)
    if not words:
        raise WakeWordError("the wake phrase is empty", hint="set voice.wake_en / voice.wake_zh")
    return words


def _split_han(token: str, known: Callable[[str], bool], phrase: str, where: str) -> list[str]:
    best: list[list[str] | None] = [[]] + [None] * len(token)  # best[i]: spelling of token[:i]
    for end in range(1, len(token) + 1):
        for start in range(max(0, end - 6), end):
            before = best[start]
            if before is not None and known(token[start:end]):
                candidate = [*before, token[start:end]]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    spelled = best[len(token)]
    if spelled is None:
        reached = max(i for i, spelling in enumerate(best) if spelling is not None)
        raise _oov(token[reached], phrase, where)
    return spelled


def _oov(word: str, phrase: str, where: str) -> WakeWordError:
    return WakeWordError(
        f"the wake phrase {phrase!r} has {word!r}, which {where} cannot recognise",
        hint="choose a wake phrase of common words, or a model whose vocabulary has it",
    )
