"""The knowledge pack as the rest of the kiosk sees it: immutable, validated data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.lang import Lang


@dataclass(frozen=True, slots=True)
class Bilingual:
    """One text in each language; empty when the pack does not speak that language."""

    zh: str
    """Simplified Chinese."""
    en: str
    """English."""

    def get(self, lang: Lang) -> str:
        """The text in `lang`, or the other language's when this one is empty."""
        first, other = (self.zh, self.en) if lang == "zh" else (self.en, self.zh)
        return first or other


@dataclass(frozen=True, slots=True)
class Phrasings:
    """The ways visitors ask one question, per language."""

    zh: tuple[str, ...]
    """Chinese phrasings."""
    en: tuple[str, ...]
    """English phrasings."""

    def get(self, lang: Lang) -> tuple[str, ...]:
        """The phrasings in `lang`."""
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True, slots=True)
class Service:
    """A queue service visitors take tickets for (e.g. A: cash services)."""

    code: str
    """One uppercase letter, the prefix of ticket numbers (A001)."""
    name: Bilingual
    """What the service is called."""


@dataclass(frozen=True, slots=True)
class FaqEntry:
    """One approved question-and-answer of the institution."""

    id: str
    """Stable id; the source id reported with every answer."""
    questions: Phrasings
    """How visitors ask it."""
    answer: Bilingual
    """The approved answer, spoken as is in grounded mode."""
    tags: tuple[str, ...] = ()
    """Categories for touch browsing."""
    action: str | None = None
    """What the kiosk does besides answering: `ticket:<code>` or `call_staff`."""
    line: int = 0
    """Line of the entry in faq.yaml, for error messages."""


@dataclass(frozen=True, slots=True)
class DocChunk:
    """One section of a free-text document, cut at a heading."""

    id: str
    """Source id `file#heading`."""
    lang: Lang
    """The language the section is written in."""
    heading: str
    """The section heading."""
    text: str
    """The section body, paragraphs joined by blank lines."""


@dataclass(frozen=True, slots=True)
class Pack:
    """A whole knowledge pack: the institution's identity, services and knowledge."""

    id: str
    root: Path
    languages: tuple[Lang, ...]
    name: Bilingual
    greeting: Bilingual
    handoff: Bilingual
    instructions: Bilingual
    services: tuple[Service, ...]
    suggested: tuple[str, ...]
    entries: tuple[FaqEntry, ...]
    docs: tuple[DocChunk, ...]
    content_hash: str
    """sha256 over every file of the pack: the index is rebuilt when it changes."""

    def entry(self, entry_id: str) -> FaqEntry | None:
        """The FAQ entry with this id, if any."""
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        return None

    def doc(self, chunk_id: str) -> DocChunk | None:
        """The document chunk with this source id, if any."""
        for chunk in self.docs:
            if chunk.id == chunk_id:
                return chunk
        return None

    def service(self, code: str) -> Service | None:
        """The queue service with this code, if any."""
        for service in self.services:
            if service.code == code:
                return service
        return None
