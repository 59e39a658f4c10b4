"""The screen's demo core: a small stand-in for the conductor, so the screen runs on its own.

It is NOT the kiosk's core (kiosk/conductor.py is): it answers every question with the real
AnswerEngine, but "speaks" in silence with visemes estimated from the text, keeps tickets in
memory only, and has no microphone or camera. `kiosk run --simulate` and `kiosk screenshot`
use it until the real core is wired in (kiosk/commands/screen.py picks the core in one place).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

from kiosk.answer.engine import AnswerEngine, Session
from kiosk.answer.sentences import split_sentences
from kiosk.answer.types import Answer
from kiosk.events import (
    AnswerReady,
    AnswerSentence,
    ButtonPressed,
    FaceSeen,
    FinalTranscript,
    InputEvent,
    KioskState,
    OutputEvent,
    PartialTranscript,
    QuestionTapped,
    SpeakingStarted,
    SpeakingStopped,
    StaffCalled,
    StateChanged,
    TicketIssued,
    Touched,
    VisitorApproached,
    VisitorLeft,
)
from kiosk.lang import Lang
from kiosk.ui.model import ScreenEvent
from kiosk.ui.textvisemes import estimate_timeline

IDLE_AFTER_S = 45.0
"""With nobody touching or talking for this long, the demo core goes back to idle."""
_log = logging.getLogger(__name__)


class ScreenDemoCore:
    """Implements the `Core` protocol on one worker thread (see the module docstring)."""

    def __init__(self, engine: AnswerEngine, clock: Callable[[], float] = time.monotonic) -> None:
        self._engine = engine
        self._pack = engine.pack
        self._clock = clock
        self._inbox: queue.Queue[InputEvent | None] = queue.Queue()
        self._subscribers: list[Callable[[ScreenEvent], None]] = []
        self._state: KioskState = "idle"
        self._session = Session()
        self._rate = 1.0
        self._tickets: dict[str, int] = {}
        self._thread = threading.Thread(target=self._run, name="screen-demo-core", daemon=True)
        self._last_input = clock()

    # ---- the Core protocol -----------------------------------------------------------------

    def post(self, event: InputEvent) -> None:
        """Queue an input event (any thread)."""
        self._inbox.put(event)

    def subscribe(self, callback: Callable[[OutputEvent], None]) -> None:
        """Receive every output event (called from the worker thread)."""
        self._subscribers.append(callback)  # type: ignore[arg-type]

    def start(self) -> None:
        """Start the worker thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop the worker thread and wait for it."""
        self._inbox.put(None)
        self._thread.join(timeout=5)

    # ---- the worker ------------------------------------------------------------------------

    def _emit(self, event: ScreenEvent) -> None:
        for callback in self._subscribers:
            callback(event)

    def _to(self, state: KioskState) -> None:
        if state != self._state:
            self._emit(StateChanged(self._clock(), state, self._state))
            self._state = state

    def _run(self) -> None:
        pending: InputEvent | None = None
        while True:
            try:
                event = pending if pending is not None else self._inbox.get(timeout=1.0)
            except queue.Empty:
                if self._state != "idle" and self._clock() - self._last_input > IDLE_AFTER_S:
                    self._to("idle")
                continue
            pending = None
            if event is None:
                return
            try:
                pending = self._handle(event)
            except Exception:  # a failed turn must not kill the screen's core
                _log.exception("demo core: handling %r failed", event)
                self._to("engaged")

    def _handle(self, event: InputEvent) -> InputEvent | None:
        """React to one event; returns an event that interrupted speech, to handle next."""
        if isinstance(event, FaceSeen):
            self._emit(event)
            return None
        self._last_input = self._clock()
        if isinstance(event, VisitorApproached):
            self._to("engaged")
            return self._say(
                self._pack.greeting.get(self._session.lang or "zh"), self._session.lang or "zh"
            )
        if isinstance(event, VisitorLeft):
            self._session = Session()
            self._to("idle")
        elif isinstance(event, Touched):
            if self._state == "idle":
                self._to("engaged")
        elif isinstance(event, PartialTranscript):
            self._to("listening")
            self._emit(event)
        elif isinstance(event, QuestionTapped | FinalTranscript):
            if isinstance(event, QuestionTapped):
                self._session.lang = event.lang
            return self._answer(event.text)
        elif isinstance(event, ButtonPressed):
            return self._button(event)
        return None

    def _button(self, event: ButtonPressed) -> InputEvent | None:
        if event.button == "take_ticket":
            self._issue(event.service or self._pack.services[0].code)
        elif event.button == "call_staff":
            self._emit(StaffCalled(self._clock(), "button"))
        elif event.button == "elder_mode":
            self._rate = 0.75 if self._rate == 1.0 else 1.0
        elif event.button == "switch_language":
            self._session.lang = "en" if (self._session.lang or "zh") == "zh" else "zh"
        return None

    def _issue(self, code: str) -> None:
        number = self._tickets.get(code, 0) + 1
        self._tickets[code] = number
        service = self._pack.service(code)
        self._emit(
            TicketIssued(
                self._clock(),
                f"{code}{number:03d}",
                service.name.get("en") if service else code,
                (number * 3) % 7,
            )
        )

    def _answer(self, question: str) -> InputEvent | None:
        self._to("thinking")
        answer: Answer = self._engine.ask(question, self._session)
        self._emit(
            AnswerReady(
                self._clock(),
                question,
                answer.text,
                answer.sources,
                answer.handoff,
                answer.lang,
                answer.action,
                answer.near,
                answer.offer,
            )
        )
        interrupted = self._say(answer.text, answer.lang)
        if answer.handoff or answer.action == "call_staff":
            self._emit(StaffCalled(self._clock(), "handoff" if answer.handoff else "asked"))
        elif answer.action and answer.action.startswith("ticket:") and answer.intent:
            self._issue(answer.action.split(":", 1)[1])
        return interrupted

    def _say(self, text: str, lang: Lang) -> InputEvent | None:
        """'Speak' sentence by sentence in real time; a touch or a new question cuts it short."""
        self._to("speaking")
        for index, sentence in enumerate(split_sentences(text) or [text]):
            self._emit(AnswerSentence(self._clock(), sentence, index, lang))
            start = self._clock()
            timeline = estimate_timeline(sentence, lang, offset=start, rate=self._rate)
            self._emit(SpeakingStarted(start, sentence, timeline))
            while self._clock() < timeline.end:
                try:
                    cut = self._inbox.get(timeout=max(0.0, timeline.end - self._clock()))
                except queue.Empty:
                    break
                if isinstance(cut, FaceSeen):
                    self._emit(cut)
                    continue
                if cut is None:  # stop() while speaking
                    self._inbox.put(None)
                    return None
                self._emit(SpeakingStopped(self._clock(), interrupted=True))
                self._to("engaged")
                return None if isinstance(cut, Touched) else cut
        self._emit(SpeakingStopped(self._clock(), interrupted=False))
        self._to("engaged")
        return None
