"""What answering produces: sentences as they are ready, then the whole answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from kiosk.lang import Lang

AnswerMode = Literal["grounded", "generative", "intent", "handoff"]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an answer, ready to be spoken while later ones are still produced."""

    text: str
    """The sentence, with its closing punctuation."""
    index: int
    """0 for the first sentence of the answer."""


@dataclass(frozen=True, slots=True)
class Generated:
    """The end of a generative answer, after its sources were checked."""

    text: str
    """Every sentence that passed the check, joined; empty when nothing did."""
    sources: tuple[str, ...]
    """Retrieved entries the answer is grounded in, best first."""
    strayed: bool
    """True when the model said something the entries do not support (it was cut off there)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One turn's reply, whatever produced it."""

    question: str
    """What the visitor said, as received."""
    lang: Lang
    """The language of the reply (the visitor's)."""
    text: str
    """The reply text; the handoff text on handoff."""
    sources: tuple[str, ...]
    """FAQ ids and doc chunk ids the reply is taken from, best first; empty on handoff."""
    handoff: bool
    """True when the kiosk could not answer and called staff."""
    mode: AnswerMode
    """What produced the reply."""
    intent: str | None = None
    """The fixed intent handled without retrieval (take_ticket, call_staff, …), if any."""
    action: str | None = None
    """What the kiosk should do next: `ticket:<code>`, `call_staff`, `repeat`, …"""
    latency_ms: float = 0.0
    """Wall time from the question to the complete reply."""
    near: tuple[str, ...] = ()
    """On a handoff: FAQ entries that came close, for the screen to offer as questions."""
    offer: str | None = None
    """On a handoff: the FAQ entry asked about aloud ("Did you mean …?"); a "yes" answers it."""

    def to_json(self) -> dict[str, Any]:
        """The `kiosk ask --json` object."""
        return {
            "question": self.question,
            "lang": self.lang,
            "answer": self.text,
            "sources": list(self.sources),
            "handoff": self.handoff,
            "intent": self.intent,
            "action": self.action,
            "mode": self.mode,
            "latency_ms": round(self.latency_ms, 2),
            "offer": self.offer,
        }


AnswerEvent = Sentence | Answer
"""What `AnswerEngine.stream` yields: sentences as they are ready, the `Answer` last."""
