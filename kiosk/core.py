"""The core: the conductor on one asyncio thread, each visitor turn a cancellable task.

Input events arrive from any thread through `post` (the `Core` protocol of kiosk/events.py);
the conductor decides; the core carries out its commands: a turn (answer engine → TTS sentence
by sentence → speaker), the microphone's job, tickets. Barge-in cancels the turn's task and
flushes the speaker in the same step. Output events go to every `subscribe`d callback, on the
core's thread.

Tickets go through a `TicketDesk`: the queue (kiosk/queue.py) implements it for real;
`MemoryTicketDesk` is the stand-in for tests and demos without a queue database.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Protocol

from kiosk.answer.engine import AnswerEngine, Session
from kiosk.answer.types import Answer as AnswerResult
from kiosk.conductor import (
    Answer,
    Cancel,
    Command,
    Conductor,
    EndSession,
    Feedback,
    Greet,
    MicMode,
    PlaybackEnded,
    PlaybackStarted,
    SetElderMode,
    SetLanguage,
    SetMic,
    TakeTicket,
    Tick,
    TicketTaken,
    TurnAnswered,
)
from kiosk.config import VoiceConfig
from kiosk.errors import KioskError
from kiosk.events import (
    AnswerReady,
    FinalTranscript,
    Heard,
    InputEvent,
    OutputEvent,
    PartialTranscript,
    SpeakingStopped,
    WakeHeard,
)
from kiosk.lang import Lang
from kiosk.speech.gate import EchoGate
from kiosk.speech.speaking import SpeakingStage
from kiosk.speech.turn import Turn, answer_sentences, fixed_sentences

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Ticket:
    """A committed queue ticket."""

    number: str
    """e.g. "A001"."""
    service: str
    waiting: int
    """People ahead of it in its service."""


class TicketDesk(Protocol):
    """Where tickets come from. `issue` commits the ticket durably before it returns (printing
    may follow on the desk's own thread); it raises a `KioskError` when it cannot."""

    def issue(self, service: str) -> Ticket:
        """Take the next ticket for `service`."""


class MemoryTicketDesk:
    """Tickets counted in memory: for tests and demos only (nothing survives a restart)."""

    def __init__(self) -> None:
        self.issued: list[Ticket] = []

    def issue(self, service: str) -> Ticket:
        ahead = sum(1 for ticket in self.issued if ticket.service == service)
        ticket = Ticket(f"{service}{ahead + 1:03d}", service, ahead)
        self.issued.append(ticket)
        return ticket


class Microphone(Protocol):
    """What the core tells the listening stage (kiosk/speech/listener.py)."""

    def set_mode(self, mode: MicMode) -> None: ...
    def set_lang(self, lang: Lang) -> None: ...


class Core:
    """Runs the conductor and the turns; implements the `Core` protocol of kiosk/events.py."""

    def __init__(
        self,
        config: VoiceConfig,
        engine: AnswerEngine,
        speaking: SpeakingStage,
        *,
        microphone: Microphone | None = None,
        desk: TicketDesk | None = None,
        clock: Callable[[], float] = time.monotonic,
        lang: Lang = "en",
        wake_phrases: tuple[str, ...] = (),
        tick_s: float | None = 0.02,
    ) -> None:
        self._config = config
        self._engine = engine
        self._speaking = speaking
        self._mic = microphone
        self._desk = desk or MemoryTicketDesk()
        self._clock = clock
        self._tick_s = tick_s
        self.conductor = Conductor(config, lang)
        self._session = Session(lang)
        self._gate = EchoGate(wake_phrases, config.echo_tail_s)
        self._subscribers: list[Callable[[OutputEvent], None]] = []
        self._turn: Turn | None = None
        self._last_final: tuple[FinalTranscript, float] | None = None
        self._busy = 0
        self._idle = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="kiosk-core", daemon=True)

    # ---- the Core protocol, and running ------------------------------------------------------

    def start(self) -> None:
        """Start the core thread."""
        self._thread.start()

    def stop(self) -> None:
        """Cancel any turn and stop the core thread."""
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        self._speaking.close()

    def post(self, event: InputEvent) -> None:
        """Hand an input event to the core; safe to call from any thread."""
        self._enter(self._handle, event)

    def subscribe(self, callback: Callable[[OutputEvent], None]) -> None:
        """Call `callback` with every output event, on the core's thread."""
        self._subscribers.append(callback)

    def call_soon(self, callback: Callable[[], object]) -> None:
        """Run `callback` on the core's loop (the watchdog checks the loop still turns)."""
        self._loop.call_soon_threadsafe(callback)

    def settle(self, timeout: float = 60.0) -> None:
        """Let time pass (a `Tick` now) and wait until every posted event is handled and no turn
        is still being worked out. The simulated room calls it after each frame when it feeds
        a file as fast as possible, so simulated time stands still while the kiosk thinks."""
        self._enter(self._tick)
        with self._idle:
            if not self._idle.wait_for(lambda: self._busy == 0, timeout):
                raise TimeoutError("the core did not settle")

    def _enter(self, call: Callable[..., None], *args: object) -> None:
        with self._idle:
            self._busy += 1
        self._loop.call_soon_threadsafe(self._guarded, call, *args)

    def _guarded(self, call: Callable[..., None], *args: object) -> None:
        try:
            call(*args)
        except Exception:  # one bad event must not stop the kiosk
            _LOG.exception("core: handling %r failed", args)
        finally:
            self._done()

    def _done(self) -> None:
        with self._idle:
            self._busy -= 1
            self._idle.notify_all()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        if self._tick_s:
            self._loop.call_soon(self._ticker)
        try:
            self._loop.run_forever()
        finally:
            for task in asyncio.all_tasks(self._loop):
                task.cancel()
            self._loop.run_until_complete(asyncio.sleep(0))
            self._loop.close()

    def _ticker(self) -> None:
        self._tick()
        if self._tick_s:
            self._loop.call_later(self._tick_s, self._ticker)

    # ---- events in, commands out -------------------------------------------------------------

    def _emit(self, event: OutputEvent) -> None:
        for callback in self._subscribers:
            try:
                callback(event)
            except Exception:
                _LOG.exception("core: subscriber failed on %r", event)

    def _handle(self, event: InputEvent | Feedback) -> None:
        match event:
            case WakeHeard(t=t) if self._turn is not None and self._gate.is_echo(t):
                _LOG.info("core: ignored the wake phrase in the kiosk's own voice at %.2f", t)
                return
            case WakeHeard(t=t, phrase=phrase, lang=lang):
                self._emit(Heard(t, phrase, "wake", lang))
            case PartialTranscript(t=t, text=text) if self.conductor.mic == "ask":
                self._emit(Heard(t, text, "partial", self.conductor.lang))
            case FinalTranscript(t=t, text=text, lang=lang) if self.conductor.mic == "ask":
                self._emit(Heard(t, text, "final", lang))
                self._last_final = (event, time.monotonic())
        step = self.conductor.handle(event)
        for output in step.events:
            self._emit(output)
        for command in step.commands:
            self._do(command)

    def _do(self, command: Command) -> None:
        match command:
            case SetMic(mode=mode):
                if self._mic is not None:
                    self._mic.set_mode(mode)
            case SetLanguage(lang=lang):
                self._session.lang = lang
                if self._mic is not None:
                    self._mic.set_lang(lang)
            case Greet(turn=number, lang=lang):
                greeting = self._engine.pack.greeting.get(lang)
                self._begin(Turn(number, ""), fixed_sentences(greeting), lang)
            case Answer(turn=number, question=question, lang=lang):
                turn = self._new_turn(number, question)
                answered = functools.partial(self._answered, turn, question)
                sentences = answer_sentences(self._engine, question, self._session, turn, answered)
                self._begin(turn, sentences, lang)
            case Cancel():
                self._silence(interrupted=True)
            case TakeTicket(service=service):
                self._take_ticket(service)
            case SetElderMode(on=on):
                self._speaking.speed = self._config.elder_speed if on else 1.0
            case EndSession():
                self._session = Session(self.conductor.lang)

    def _tick(self) -> None:
        turn = self._turn
        playback = self._speaking.playback
        finished = turn is not None and turn.task is not None and turn.task.done()
        if turn is not None and finished and playback.clock >= self._heard_out(turn):
            self._turn = None
            if turn.spoken.sentences:
                self._emit(SpeakingStopped(self._clock(), interrupted=False))
            self._handle(PlaybackEnded(self._clock(), turn.number))
        self._handle(Tick(self._clock()))

    def _heard_out(self, turn: Turn) -> float:
        """Playback-clock time after which the turn's audio (and its echo) has died away."""
        return turn.spoken.end_clock + self._config.echo_tail_s

    # ---- turns -------------------------------------------------------------------------------

    def _new_turn(self, number: int, question: str) -> Turn:
        turn = Turn(number, question, received_wall=time.monotonic())
        if self._last_final is not None and self._last_final[0].text.strip() == question:
            turn.heard, turn.received_wall = self._last_final
        self._last_final = None
        return turn

    def _begin(self, turn: Turn, sentences: AsyncIterator[str], lang: Lang) -> None:
        self._silence(interrupted=True)  # a new turn always replaces the old one
        self._turn = turn
        with self._idle:
            self._busy += 1
        turn.task = self._loop.create_task(self._speak(turn, sentences, lang))
        turn.task.add_done_callback(lambda _: self._done())

    async def _speak(self, turn: Turn, sentences: AsyncIterator[str], lang: Lang) -> None:
        def playing(text: str, start: float, end: float) -> None:
            if turn.spoken.sentences == 1:
                self._handle(PlaybackStarted(self._clock(), turn.number))
            self._gate.playing(text, start, end)

        try:
            await self._speaking.speak(
                sentences, lang, turn.spoken, self._emit, self._clock, playing
            )
        except asyncio.CancelledError:
            raise
        except Exception:  # a broken voice: say nothing rather than hang the turn
            _LOG.exception("core: speaking turn %d failed", turn.number)
        if turn.question:
            self._emit(turn.timings(self._clock()))

    def _answered(self, turn: Turn, question: str, result: AnswerResult) -> None:
        now = self._clock()
        self._emit(
            AnswerReady(
                now, question, result.text, result.sources, result.handoff, result.lang,
                result.action, result.near, result.offer,
            )
        )  # fmt: skip
        self._handle(TurnAnswered(now, turn.number, result.action, result.handoff))

    def _silence(self, *, interrupted: bool) -> None:
        """Cut the current turn: cancel its task and flush the speaker, in this same step."""
        turn, self._turn = self._turn, None
        if turn is None:
            return
        self._speaking.silence()
        now = self._clock()
        self._gate.silenced(now)
        if turn.task is not None and not turn.task.done():
            turn.task.cancel()
        if turn.spoken.sentences:
            self._emit(SpeakingStopped(now, interrupted=interrupted))

    def _take_ticket(self, service: str) -> None:
        if not service:
            return  # the answer already asked which service
        try:
            ticket = self._desk.issue(service)
        except KioskError as exc:
            _LOG.error("core: no ticket for service %s: %s", service, exc)
            return
        self._handle(TicketTaken(self._clock(), ticket.number, ticket.service, ticket.waiting))
