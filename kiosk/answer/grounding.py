"""The check of a generated sentence against the retrieved entries: its words and every number.

A sentence is supported when most of its content words occur in the entries the model was
shown and every number it states (price, time, weekday, extension, code) is one of theirs.
Words are the retrieval tokenizer's terms — jieba words for Chinese, stems for English — so
"opens" is backed by "open" and 里程 by 按里程计价. The pinyin terms the tokenizer adds are left
out: they forgive ASR homophones in questions, but in the model's own text 登机 for 登记 is a
different word. The check is lexical on
purpose: it is cheap enough to run per sentence while the model is still writing the next one,
and what it misses (a reworded fact without numbers) is what retrieval already vouches for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.answer.numbers import evidence_forms, mentions
from kiosk.knowledge.text import Tokenizer, normalize

MIN_OVERLAP = 0.5
"""Share of a sentence's content words that must occur in the entries."""

# Courtesy words carry no facts: "Sure!" or "您好！" must neither count for nor against a sentence.
_NEUTRAL = (
    "sure of course certainly hello hi thanks thank welcome glad happy help helping yes okay "
    "great please sorry dear let know "
    "好的 您好 你好 谢谢 感谢 不客气 当然 没问题 欢迎 很高兴 乐意 为您 帮助 帮您 您 请 哦 呢"
)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_ZH_NUMBER_WORD = re.compile(r"[零〇一二两三四五六七八九十百千万]+\w?")
_PINYIN = "py:"


@dataclass(frozen=True, slots=True)
class EvidenceText:
    """One retrieved entry as the model was shown it."""

    source: str
    """FAQ id or doc chunk id."""
    text: str
    """Everything of the entry in the prompt (question and answer, or heading and body)."""


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """What one entry can back, prepared once per turn."""

    source: str
    terms: frozenset[str]
    """Its tokenizer terms."""
    text: str
    """Its normalized text: a Chinese word jieba cut differently is still found in it."""
    numbers: frozenset[str]
    """Canonical forms of the numbers it states (see kiosk/answer/numbers.py)."""


@dataclass(frozen=True, slots=True)
class Grounds:
    """Everything a turn's sentences are checked against."""

    entries: tuple[EntryFacts, ...]
    """The retrieved entries, best first."""
    neutral: frozenset[str]
    """Terms of courtesy words, ignored by the check."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of checking one sentence."""

    supported: bool
    """True when the sentence may be said."""
    sources: tuple[str, ...]
    """Entries it draws on, the one it shares most with first."""
    overlap: float
    """Share of its content words found in the entries (1.0 when it has none)."""
    unknown_words: tuple[str, ...]
    """Content words no entry has."""
    unknown_numbers: tuple[str, ...]
    """Numbers no entry states, as written."""


def prepare(evidence: Sequence[EvidenceText], tokenizer: Tokenizer) -> Grounds:
    """Tokenize the retrieved entries once, before the model starts writing."""
    entries = tuple(
        EntryFacts(
            source=item.source,
            terms=frozenset(tokenizer.tokens(item.text)),
            text=normalize(item.text),
            numbers=evidence_forms(item.text),
        )
        for item in evidence
    )
    neutral = frozenset(_terms(_NEUTRAL, tokenizer))
    return Grounds(entries, neutral)


def check(
    sentence: str, grounds: Grounds, tokenizer: Tokenizer, *, min_overlap: float = MIN_OVERLAP
) -> Verdict:
    """Whether `sentence` is backed by the entries, and which entries it draws on."""
    terms = [t for t in dict.fromkeys(_terms(sentence, tokenizer)) if t not in grounds.neutral]
    shared = [0] * len(grounds.entries)
    unknown_words: list[str] = []
    for term in terms:
        backing = [i for i, entry in enumerate(grounds.entries) if _backs(entry, term)]
        for i in backing:
            shared[i] += 1
        if not backing:
            unknown_words.append(term)
    unknown_numbers: list[str] = []
    for mention in mentions(sentence):
        backing = [i for i, e in enumerate(grounds.entries) if mention.forms & e.numbers]
        for i in backing:
            shared[i] += 2  # a matching number is stronger evidence than a shared word
        if not backing:
            unknown_numbers.append(mention.text)
    overlap = 1.0 - len(unknown_words) / len(terms) if terms else 1.0
    return Verdict(
        supported=overlap >= min_overlap and not unknown_numbers,
        sources=_drawn_on(grounds, shared),
        overlap=round(overlap, 4),
        unknown_words=tuple(unknown_words),
        unknown_numbers=tuple(unknown_numbers),
    )


def _terms(text: str, tokenizer: Tokenizer) -> list[str]:
    """Content words of `text`; numbers are checked apart, by value."""
    return [
        term for term in tokenizer.tokens(text)
        if not (term.startswith(_PINYIN) or term.isdigit() or _ZH_NUMBER_WORD.fullmatch(term))
    ]


def _backs(entry: EntryFacts, term: str) -> bool:
    # jieba may cut the sentence and the entry differently (起步价 / 起步 价), so a Chinese
    # word also counts when it occurs anywhere in the entry's text.
    return term in entry.terms or (bool(_HAN.match(term)) and term in entry.text)


def _drawn_on(grounds: Grounds, shared: list[int]) -> tuple[str, ...]:
    """Entries sharing at least half as much with the sentence as the best one does."""
    best = max(shared, default=0)
    if best == 0:
        return ()
    ranked = sorted(range(len(shared)), key=lambda i: (-shared[i], i))
    return tuple(grounds.entries[i].source for i in ranked if 2 * shared[i] >= best)
