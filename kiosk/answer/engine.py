"""One visitor turn from words to reply: intents, the manipulation guard, retrieval, the
confidence gate, then a grounded or generative answer. No confident source, no answer."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kiosk.answer.guard import asks_medical_advice, is_manipulation
from kiosk.answer.intents import Intent, route_intent
from kiosk.answer.replies import fixed_reply, offer_reply, ticket_reply
from kiosk.answer.sentences import split_sentences
from kiosk.answer.types import Answer, AnswerEvent, AnswerMode, Generated, Sentence
from kiosk.config import AnswerConfig, RetrievalConfig
from kiosk.knowledge.pack import Pack
from kiosk.knowledge.retrieve import Hit, Retriever
from kiosk.knowledge.text import strip_fillers
from kiosk.lang import Lang, detect_language

if TYPE_CHECKING:
    from kiosk.answer.generative import GenerativeAnswerer

Readings = Callable[[], Sequence[str]]
"""The other likely readings of a spoken question, worked out only when called (a recogniser's
beam search): asked for when the likeliest reading is not answered (`AnswerEngine.plan`)."""


class Session:
    """One visitor's conversation: the language they chose, the last reply (for "repeat") and
    the entry last offered as "did you mean" (for "yes")."""

    def __init__(self, lang: Lang | None = None) -> None:
        self.lang = lang
        self.last: Answer | None = None
        self.offer: str | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """What a turn will say: a finished reply, or confident hits to answer from."""

    lang: Lang
    reply: Answer | None = None
    hits: tuple[Hit, ...] = ()
    heard: str = ""
    """The reading of a spoken question the hits answer, when not the likeliest one."""


class AnswerEngine:
    """Answers questions about one pack; grounded by default, generative when given a model."""

    def __init__(
        self,
        pack: Pack,
        retriever: Retriever,
        answer: AnswerConfig,
        retrieval: RetrievalConfig,
        generator: GenerativeAnswerer | None = None,
    ) -> None:
        self.pack = pack
        self._retriever = retriever
        self._answer = answer
        self._threshold = retrieval.threshold
        self._generator = generator

    @property
    def generative(self) -> bool:
        """True when answers are written by the language model."""
        return self._generator is not None

    def handoff(self, question: str, session: Session) -> Answer:
        """The safe reply for a turn that failed: the pack's handoff text."""
        lang = detect_language(question, session.lang or self.pack.languages[0])
        return self._finish(self._handoff(question, lang), session, time.perf_counter())

    def ask(self, question: str, session: Session, readings: Readings | None = None) -> Answer:
        """A complete grounded (or intent / handoff) reply."""
        started = time.perf_counter()
        plan = self.plan(question, session, readings)
        question = plan.heard or question
        answer = plan.reply or self._grounded(question, plan.lang, plan.hits[0].source)
        return self._finish(answer, session, started)

    async def stream(
        self, question: str, session: Session, readings: Readings | None = None
    ) -> AsyncIterator[AnswerEvent]:
        """Sentences as they are ready, then the `Answer`. Generative when a model is set.
        The plan (retrieval, and a spoken question's other readings) is worked out on a
        worker thread, so the caller's loop is not held up."""
        started = time.perf_counter()
        plan = await asyncio.get_running_loop().run_in_executor(
            None, self.plan, question, session, readings
        )
        question = plan.heard or question
        answer = plan.reply
        if answer is None and self._generator is not None:
            generated: Generated | None = None
            async for event in self._generator.stream(question, plan.lang, plan.hits):
                if isinstance(event, Sentence):
                    yield event
                else:
                    generated = event
            if generated is not None and generated.text:
                answer = Answer(
                    question,
                    plan.lang,
                    generated.text,
                    generated.sources,
                    handoff=False,
                    mode="generative",
                    action=self._action_of(generated.sources),
                )
        if answer is None:  # grounded, or the model strayed before saying anything supported
            answer = self._grounded(question, plan.lang, plan.hits[0].source)
        if answer.mode != "generative":
            for index, text in enumerate(split_sentences(answer.text)):
                yield Sentence(text, index)
        yield self._finish(answer, session, started)

    def plan(self, question: str, session: Session, readings: Readings | None = None) -> Plan:
        """Decide how to reply: fixed intent, handoff, or which sources to answer from.

        `readings`: for a spoken question, its other likely readings, tried only when this
        one is not answered (`_agreed`)."""
        default = session.lang or self.pack.languages[0]
        lang = detect_language(question, default)
        intent = route_intent(question, lang, self.pack.services)
        if intent is not None:
            return Plan(lang, reply=self._intent_reply(question, lang, intent, session))
        if is_manipulation(question):
            return Plan(lang, reply=self._handoff(question, lang))
        if asks_medical_advice(question):  # never from a pack's text, however close it came
            handoff = self._handoff(question, lang)
            text = f"{fixed_reply('medical_advice', lang)} {handoff.text}"
            return Plan(lang, reply=replace(handoff, text=text))
        hits = self._retriever.search(strip_fillers(question, lang), lang)
        confident = tuple(hit for hit in hits if hit.score >= self._threshold)
        if not confident and readings is not None and self._answer.agreeing_readings:
            heard, confident = self._agreed(question, lang, readings())
            if confident:
                return Plan(lang, hits=confident[: self._answer.context_entries], heard=heard)
        if not confident:
            return Plan(lang, reply=self._declined(question, lang, hits))
        return Plan(lang, hits=confident[: self._answer.context_entries])

    def _agreed(
        self, question: str, lang: Lang, readings: Sequence[str]
    ) -> tuple[str, tuple[Hit, ...]]:
        """The likeliest reading of a spoken question was not answered confidently; when
        `agreeing_readings` of the others are, from the same entry, that is taken as what
        was said: the gate's line falls between readings that differ by a word's ending or
        a full stop ("worth a trip" / "worth the trip"), and a mishearing seldom repeats
        itself in several readings (docs/voice.md, "Other readings"). A reading a rule
        would answer without retrieval (an intent, the guard) does not count. Returns the
        first agreeing reading and its confident hits, or ("", ())."""
        votes: dict[str, list[tuple[str, tuple[Hit, ...]]]] = defaultdict(list)
        for text in dict.fromkeys(readings):
            if text == question or not text.strip():
                continue
            if (route_intent(text, lang, self.pack.services) or is_manipulation(text)
                    or asks_medical_advice(text)):
                continue
            hits = self._retriever.search(strip_fillers(text, lang), lang)
            confident = tuple(hit for hit in hits if hit.score >= self._threshold)
            if confident:
                votes[confident[0].source].append((text, confident))
        agreeing = max(votes.values(), key=len, default=[])
        if len(agreeing) < self._answer.agreeing_readings:
            return "", ()
        return agreeing[0]

    def _declined(self, question: str, lang: Lang, hits: list[Hit]) -> Answer:
        """The handoff, with the FAQ entries that came close for the screen, and the closest
        one asked about aloud when it came close enough ("Did you mean …?")."""
        floor = self._threshold * self._answer.near_share
        near = [hit for hit in hits if hit.score >= floor and self.pack.entry(hit.source)]
        handoff = replace(self._handoff(question, lang), near=tuple(h.source for h in near[:3]))
        if not near or near[0].score < self._threshold * self._answer.offer_share:
            return handoff
        entry = self.pack.entry(near[0].source)
        phrasings = entry.questions.get(lang) if entry else ()
        if not phrasings:
            return handoff
        text = f"{handoff.text} {offer_reply(phrasings[0], lang)}"
        return replace(handoff, text=text, offer=near[0].source)

    def _grounded(self, question: str, lang: Lang, source: str) -> Answer:
        entry = self.pack.entry(source)
        if entry is not None:
            return Answer(
                question,
                lang,
                entry.answer.get(lang),
                (entry.id,),
                handoff=False,
                mode="grounded",
                action=entry.action,
            )
        chunk = self.pack.doc(source)
        text = chunk.text.split("\n\n")[0] if chunk else ""
        return Answer(question, lang, text, (source,), handoff=False, mode="grounded")

    def _handoff(self, question: str, lang: Lang) -> Answer:
        return Answer(
            question,
            lang,
            self.pack.handoff.get(lang),
            (),
            handoff=True,
            mode="handoff",
            action="call_staff",
        )

    def _intent_reply(self, question: str, lang: Lang, intent: Intent, session: Session) -> Answer:
        def reply(
            text: str,
            action: str | None = None,
            handoff: bool = False,
            mode: AnswerMode = "intent",
            reply_lang: Lang = lang,
        ) -> Answer:
            return Answer(question, reply_lang, text, (), handoff, mode, intent.name, action)

        match intent.name:
            case "take_ticket":
                action = f"ticket:{intent.service}" if intent.service else None
                return reply(ticket_reply(self.pack, intent.service, lang), action)
            case "call_staff":
                return reply(fixed_reply("call_staff", lang), "call_staff", handoff=True)
            case "repeat":
                if session.last is None:
                    return reply(fixed_reply("nothing_to_repeat", lang))
                return replace(session.last, question=question, intent="repeat", action="repeat")
            case "switch_language":
                target = intent.target or lang
                session.lang = target
                return reply(fixed_reply("switch_language", target), reply_lang=target)
            case "greeting":
                return reply(self.pack.greeting.get(lang))
            case "confirm" if session.offer:
                answer = self._grounded(question, lang, session.offer)
                return replace(answer, intent="confirm")
            case "deny" if session.offer:
                return reply(fixed_reply("offer_declined", lang))
            case "confirm" | "deny":  # nothing was offered: a plain "yes" or "no"
                return reply(fixed_reply("nothing_to_confirm", lang))
            case _:
                return reply(fixed_reply(intent.name, lang), intent.name)

    def _action_of(self, sources: tuple[str, ...]) -> str | None:
        entry = self.pack.entry(sources[0]) if sources else None
        return entry.action if entry else None

    @staticmethod
    def _finish(answer: Answer, session: Session, started: float) -> Answer:
        answer = replace(answer, latency_ms=(time.perf_counter() - started) * 1000)
        if answer.intent != "repeat" and answer.text:
            session.last = answer
        if answer.intent not in _KEEPS_OFFER:
            session.offer = answer.offer
        return answer


_KEEPS_OFFER = frozenset({"repeat", "slower", "louder"})
"""Commands about how the last reply was said: a "did you mean" still stands after them."""
