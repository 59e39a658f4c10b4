"""Advice for pack authors: what in a valid pack makes the kiosk answer less well.

Not errors — the pack loads and answers — but measured weaknesses an operator can fix. An
entry with few phrasings in a language is the biggest one: on a held-out pack cut to three
phrasings per language the kiosk answered ~10 points fewer questions right than with four or
five, and with two ~16 points fewer (docs/retrieval.md, "Packs with few phrasings").
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.knowledge.pack import Pack
from kiosk.lang import Lang

MIN_PHRASINGS = 3
"""Fewer phrasings than this in a language, and the entry is reported as thin."""
RECOMMENDED_PHRASINGS = "four or five"


@dataclass(frozen=True, slots=True)
class ThinEntry:
    """An FAQ entry with fewer than `MIN_PHRASINGS` phrasings in one of the pack's languages."""

    entry_id: str
    lang: Lang
    phrasings: int
    line: int
    """Line of the entry in faq.yaml."""

    def describe(self) -> str:
        language = {"zh": "Chinese", "en": "English"}[self.lang]
        count = "no" if self.phrasings == 0 else str(self.phrasings)
        return (f"faq.yaml:{self.line}: entry {self.entry_id!r} has {count} {language} "
                f"phrasing{'s' * (self.phrasings != 1)}")


def thin_entries(pack: Pack) -> list[ThinEntry]:
    """The pack's entries that have fewer than `MIN_PHRASINGS` phrasings in a language."""
    return [
        ThinEntry(entry.id, lang, len(entry.questions.get(lang)), entry.line)
        for entry in pack.entries
        for lang in pack.languages
        if len(entry.questions.get(lang)) < MIN_PHRASINGS
    ]


def thin_advice(thin: list[ThinEntry], shown: int = 8) -> list[str]:
    """Lines telling the operator which entries are thin and what to do (empty if none)."""
    if not thin:
        return []
    lines = [item.describe() for item in thin[:shown]]
    if len(thin) > shown:
        lines.append(f"… and {len(thin) - shown} more")
    lines.append(
        f"write {RECOMMENDED_PHRASINGS} phrasings per language, the way visitors ask: with "
        f"fewer than {MIN_PHRASINGS} the kiosk hands more of these questions to staff "
        "(knowledge/README.md)"
    )
    return lines
