"""Cutting streamed model text into sentences, Chinese and English, as soon as each one ends."""

from __future__ import annotations

import re

_ZH_END = "。！？；…"
_EN_END = "!?."
_CLOSERS = "”’」』）)】》\"'"
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_LAST_WORD = re.compile(r"(\S+)$")
_LIST_MARKER = re.compile(r"\d{1,2}\.")

# A period after these never ends a sentence: a title or "for example" always has more to come.
_NEVER_END = frozenset({"dr", "mr", "mrs", "ms", "prof", "st", "mt", "e.g", "i.e", "vs", "cf"})
# A period after these ends a sentence only when a new one visibly starts after it
# ("9 a.m. Please …" but "9 a.m. and 5 p.m.").
_MAYBE_END = frozenset({"a.m", "p.m", "etc", "approx", "jr", "sr", "ave", "rd"})


class SentenceSplitter:
    """Collects streamed text and hands out each sentence once its end is certain.

    An end is certain one character after the punctuation: a closing quote may still belong
    to the sentence, and "3." may turn out to be "3.5". `flush()` gives what is left.
    """

    def __init__(self) -> None:
        self._buffer = ""

    def feed(self, text: str) -> list[str]:
        """Add a piece of text; return the sentences it completed, in order."""
        self._buffer += text
        return self._take(final=False)

    def flush(self) -> list[str]:
        """The stream ended: return every remaining sentence, including an unfinished one."""
        sentences = self._take(final=True)
        rest = self._buffer.strip()
        self._buffer = ""
        return [*sentences, rest] if rest else sentences

    def _take(self, final: bool) -> list[str]:
        sentences: list[str] = []
        while (end := _boundary(self._buffer, final)) is not None:
            sentence = self._buffer[:end].strip()
            self._buffer = self._buffer[end:]
            if sentence:
                sentences.append(sentence)
        return sentences


def split_sentences(text: str) -> list[str]:
    """Every sentence of a complete text."""
    splitter = SentenceSplitter()
    return [*splitter.feed(text), *splitter.flush()]


def _boundary(text: str, final: bool) -> int | None:
    """Index just past the first certain sentence end in `text`, or None if there is none yet."""
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\n":
            return i + 1
        if char not in _ZH_END and char not in _EN_END:
            i += 1
            continue
        run_end = i + 1
        while run_end < len(text) and (text[run_end] in _ZH_END + _EN_END + _CLOSERS):
            run_end += 1
        if run_end == len(text) and not final:
            return None  # the next piece may extend the run ("3." → "3.5", "。" → "。”")
        run = text[i:run_end]
        if any(c in _ZH_END for c in run):
            return run_end
        after = text[run_end:]
        if after and not (after[0].isspace() or _CJK.match(after[0])):
            i = run_end  # "3.5", "e.g", "www.x.org": punctuation inside a word
            continue
        if run == ".":
            verdict = _period_ends(text[:i], after, final)
            if verdict is None:
                return None
            if not verdict:
                i = run_end
                continue
        return run_end
    return None


def _period_ends(before: str, after: str, final: bool) -> bool | None:
    """Whether a single period followed by a space ends the sentence; None: can't tell yet."""
    match = _LAST_WORD.search(before)
    word = match.group(1).lower() if match else ""
    if word == before.strip() and _LIST_MARKER.fullmatch(word + "."):
        return False  # "1. Take exit B": a list marker, not a sentence of its own
    if word in _NEVER_END:
        return False
    if word not in _MAYBE_END and word != "no":
        return True
    following = after.lstrip()
    if not following:
        return True if final else None
    if word == "no":
        return not following[0].isdigit()  # "No. 5" is a number; "say no. Then" ends
    return following[0].isupper() or bool(_CJK.match(following[0]))
