"""What the screen shows, as a pure function of the events it has seen (no Qt, time passed in)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from kiosk.events import (
    AnswerReady,
    AnswerSentence,
    DeviceStatus,
    FaceSeen,
    Heard,
    KioskState,
    OutputEvent,
    PartialTranscript,
    SpeakingStarted,
    SpeakingStopped,
    StaffCalled,
    StateChanged,
    TicketIssued,
    VisemeTimeline,
)
from kiosk.lang import Lang

ScreenEvent = OutputEvent | PartialTranscript | FaceSeen
"""What the screen draws: the core's output events (captions come as `Heard`), plus raw
`PartialTranscript`s and the `FaceSeen` face positions (the avatar's gaze) a core may forward."""

Screen = Literal["attract", "conversation", "services", "ticket", "staff", "browse"]


@dataclass(frozen=True, slots=True)
class View:
    """Everything the window draws, apart from the avatar's motion."""

    screen: Screen = "attract"
    lang: Lang = "zh"
    """The language of the screen's own texts and of tapped questions."""
    elder: bool = False
    """Larger text (and, in the core, slower speech)."""
    state: KioskState = "idle"
    heard: str = ""
    """The visitor's words: live ASR partials, then the question answered."""
    answer: str = ""
    """The answer text received so far (whole, or sentence by sentence as it streams)."""
    speaking: bool = False
    speech: tuple[float, float] = (0.0, 0.0)
    """(start, end) monotonic time of the sentence being spoken, for the highlight."""
    sentence: tuple[int, int] = (0, 0)
    """(first character, length) of that sentence within `answer`."""
    spoken_before: int = 0
    """Characters of the answer spoken when the current sentence started (or when cut)."""
    sources: tuple[str, ...] = ()
    handoff: bool = False
    near: tuple[str, ...] = ()
    """On a handoff: entries that came close, offered as "did you mean" questions."""
    ticket: TicketIssued | None = None
    staff_reason: str = ""
    faults: tuple[DeviceStatus, ...] = ()
    """Devices that are not ok, for the staff status strip."""

    def spoken_chars(self, now: float) -> int:
        """How much of `answer` has been spoken at monotonic time `now` (for the highlight)."""
        if not self.speaking:
            return self.spoken_before
        start, end = self.speech
        share = 1.0 if end <= start else max(0.0, min(1.0, (now - start) / (end - start)))
        first, length = self.sentence
        return first + round(share * length)


def _joined(answer: str, sentence: str, lang: Lang) -> str:
    if not answer:
        return sentence
    return answer + ("" if lang == "zh" else " ") + sentence


def reduce(view: View, event: ScreenEvent, now: float) -> View:
    """The view after one event from the core."""
    if isinstance(event, StateChanged):
        if event.state == "idle":
            keep = view.screen if view.screen in ("ticket", "staff", "browse") else "attract"
            return replace(
                View(lang=view.lang, elder=view.elder, faults=view.faults),
                screen=keep,
                ticket=view.ticket,
                staff_reason=view.staff_reason,
            )
        if event.state == "listening":
            return replace(
                view,
                state="listening",
                screen="conversation",
                heard="",
                answer="",
                sources=(),
                handoff=False,
                speaking=False,
                spoken_before=0,
            )
        if event.state == "thinking":  # a new turn: what was said before is gone
            return replace(
                view,
                state="thinking",
                answer="",
                sources=(),
                handoff=False,
                speaking=False,
                spoken_before=0,
                sentence=(0, 0),
            )
        return replace(view, state=event.state)
    if isinstance(event, PartialTranscript):
        return replace(view, heard=event.text, screen="conversation")
    if isinstance(event, Heard):  # the core's captions: partial and final transcripts
        if event.kind == "wake":
            return view
        return replace(view, heard=event.text, screen="conversation")
    if isinstance(event, AnswerSentence):
        answer = (
            view.answer
            if event.text in view.answer
            else _joined(view.answer, event.text, event.lang)
        )
        return replace(view, answer=answer, screen="conversation", lang=event.lang)
    if isinstance(event, AnswerReady):
        return replace(
            view,
            heard=event.question or view.heard,
            sources=event.sources,
            handoff=event.handoff,
            near=event.near,
            answer=event.text,
            lang=event.lang,
            screen="conversation",
        )
    if isinstance(event, SpeakingStarted):
        return _speaking(view, event, now)
    if isinstance(event, SpeakingStopped):
        first, length = view.sentence
        spoken = view.spoken_chars(now) if event.interrupted else first + length
        return replace(view, speaking=False, spoken_before=spoken)
    if isinstance(event, TicketIssued):
        return replace(view, ticket=event, screen="ticket")
    if isinstance(event, StaffCalled):
        # a handoff answer already says staff were called; show the staff screen otherwise
        screen: Screen = (
            "conversation" if view.handoff and view.screen == "conversation" else "staff"
        )
        return replace(view, staff_reason=event.reason, screen=screen)
    if isinstance(event, DeviceStatus):
        others = tuple(f for f in view.faults if f.device != event.device)
        return replace(view, faults=others if event.status == "ok" else (*others, event))
    return view


def _speaking(view: View, event: SpeakingStarted, now: float) -> View:
    answer = view.answer
    first = answer.find(event.text, max(0, view.spoken_before - 1))
    if first < 0:
        first = answer.find(event.text)
    if first < 0:
        answer = _joined(answer, event.text, view.lang)
        first = len(answer) - len(event.text)
    timeline: VisemeTimeline = event.timeline
    duration = timeline.end - timeline.offset
    return replace(
        view,
        answer=answer,
        speaking=True,
        spoken_before=first,
        sentence=(first, len(event.text)),
        speech=(event.t, event.t + duration),
        screen="conversation",
    )


def tapped(view: View, question: str) -> View:
    """The visitor tapped a question: show it as what they asked, before the core answers."""
    return replace(
        view,
        screen="conversation",
        heard=question,
        answer="",
        sources=(),
        handoff=False,
        speaking=False,
        spoken_before=0,
        state="thinking",
    )


def show(view: View, screen: Screen) -> View:
    """Switch screens by touch (home, browse, services)."""
    return replace(view, screen=screen)
