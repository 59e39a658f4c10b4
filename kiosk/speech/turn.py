"""One visitor turn's bookkeeping, and its answer as sentences for the speaking stage."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from kiosk.answer.engine import AnswerEngine, Session
from kiosk.answer.sentences import split_sentences
from kiosk.answer.types import Answer, Sentence
from kiosk.events import FinalTranscript, TurnTimings
from kiosk.speech.speaking import Spoken

_LOG = logging.getLogger(__name__)


@dataclass(slots=True)
class Turn:
    """A turn the core is running: its task, what it has spoken, and when things happened."""

    number: int
    question: str
    """Empty for a greeting."""
    task: asyncio.Task[None] | None = None
    spoken: Spoken = field(default_factory=Spoken)
    heard: FinalTranscript | None = None
    """The transcript that asked the question (None: tapped, or a greeting)."""
    received_wall: float = 0.0
    answer_wall: float = 0.0

    def timings(self, t: float) -> TurnTimings:
        """Where this turn's time went."""
        return TurnTimings(
            t,
            self.number,
            self.question,
            self.heard.speech_end_t if self.heard else None,
            self.heard.t if self.heard else None,
            self.received_wall,
            self.answer_wall or self.received_wall,
            self.spoken.first_audio_wall,
        )


async def fixed_sentences(text: str) -> AsyncIterator[str]:
    """A fixed text (the greeting) as sentences."""
    for sentence in split_sentences(text):
        yield sentence


async def answer_sentences(
    engine: AnswerEngine,
    question: str,
    session: Session,
    turn: Turn,
    answered: Callable[[Answer], None],
) -> AsyncIterator[str]:
    """The answer's sentences as soon as each is ready; `answered(answer)` at the end.

    Grounded answers are worked out on a worker thread (retrieval must not hold up the core's
    loop); generative ones stream from the model's own thread. Any failure becomes the pack's
    handoff, spoken like any answer: a visitor never meets silence or a traceback.
    """
    loop = asyncio.get_running_loop()
    result: Answer | None = None
    try:
        readings = turn.heard.readings if turn.heard is not None else None
        if engine.generative:
            async for item in engine.stream(question, session, readings):
                if isinstance(item, Sentence):
                    turn.answer_wall = turn.answer_wall or time.monotonic()
                    yield item.text
                else:
                    result = item
        else:
            result = await loop.run_in_executor(None, engine.ask, question, session, readings)
            turn.answer_wall = time.monotonic()
            for sentence in split_sentences(result.text):
                yield sentence
    except Exception:
        _LOG.exception("answering %r failed; handing off", question)
        result = engine.handoff(question, session)
        turn.answer_wall = time.monotonic()
        for sentence in split_sentences(result.text):
            yield sentence
    if result is not None:
        answered(result)
