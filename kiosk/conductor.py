"""The kiosk's one state machine (DESIGN.md §2): pure, time passed in, events in, commands out.

`Conductor.handle(event)` takes an input event from kiosk/events.py, or feedback from the core
about the turn it is running (`PlaybackStarted`, `TurnAnswered`, …), or a `Tick`, and returns a
`Step`: output events for the screen and the logs, and commands for the stages. It never calls
an engine, reads a clock or sleeps, so every test is a list of events and the expected steps.

Turns are numbered. Feedback about a turn that was cancelled (a barge-in) carries the old
number and is ignored, so a late "playback ended" can never move the new turn along.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kiosk.config import VoiceConfig
from kiosk.events import (
    ButtonPressed,
    FinalTranscript,
    InputEvent,
    KioskState,
    OutputEvent,
    QuestionTapped,
    SpeechStarted,
    StaffCalled,
    StateChanged,
    TicketIssued,
    Touched,
    VisitorApproached,
    VisitorLeft,
    WakeHeard,
)
from kiosk.lang import LANGS, Lang

MicMode = Literal["wake", "ask", "barge"]
"""What the microphone is for: `wake` (idle) listens for the wake phrase — the spotter, and a
second look at a short utterance it did not fire on; `ask` transcribes the next utterance (the
wake phrase still counts); `barge` (the kiosk is thinking or speaking) runs the spotter only,
so nothing the kiosk says is transcribed."""


# ---- commands (conductor → core) -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetMic:
    """Switch the microphone's job."""

    mode: MicMode


@dataclass(frozen=True, slots=True)
class Greet:
    """Speak the pack's greeting as turn `turn`."""

    turn: int
    lang: Lang


@dataclass(frozen=True, slots=True)
class Answer:
    """Answer `question` aloud as turn `turn`: answer engine → TTS → speaker."""

    turn: int
    question: str
    lang: Lang


@dataclass(frozen=True, slots=True)
class Cancel:
    """Barge-in: cancel turn `turn` (its whole task tree) and silence the speaker now."""

    turn: int


@dataclass(frozen=True, slots=True)
class TakeTicket:
    """Commit a ticket for `service` to the queue (the core reports back `TicketTaken`)."""

    service: str
    lang: Lang


@dataclass(frozen=True, slots=True)
class SetLanguage:
    """The visitor's language changed: recognise and speak `lang` from now on."""

    lang: Lang


@dataclass(frozen=True, slots=True)
class SetElderMode:
    """Big text and slow speech on or off."""

    on: bool


@dataclass(frozen=True, slots=True)
class EndSession:
    """The visitor is gone: forget their language and their last answer."""


Command = SetMic | Greet | Answer | Cancel | TakeTicket | SetLanguage | SetElderMode | EndSession
"""What the conductor asks the core to do."""


# ---- feedback (core → conductor) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tick:
    """Time passed; lets windows and timeouts expire."""

    t: float


@dataclass(frozen=True, slots=True)
class PlaybackStarted:
    """The first audio of turn `turn` reached the speaker."""

    t: float
    turn: int


@dataclass(frozen=True, slots=True)
class PlaybackEnded:
    """Turn `turn` is over: everything was played (or there was nothing to say)."""

    t: float
    turn: int


@dataclass(frozen=True, slots=True)
class TurnAnswered:
    """The answer of turn `turn` is known (its audio may still be playing)."""

    t: float
    turn: int
    action: str | None
    """The answer's action: `ticket:<code>`, `call_staff`, …"""
    handoff: bool


@dataclass(frozen=True, slots=True)
class TicketTaken:
    """The queue committed a ticket asked for by `TakeTicket`."""

    t: float
    ticket: str
    service: str
    waiting: int


Feedback = Tick | PlaybackStarted | PlaybackEnded | TurnAnswered | TicketTaken
"""What the core tells the conductor about the work it was asked to do."""


@dataclass(frozen=True, slots=True)
class Step:
    """What one event led to."""

    events: tuple[OutputEvent, ...] = ()
    commands: tuple[Command, ...] = ()


class Conductor:
    """IDLE → ENGAGED → LISTENING → THINKING → SPEAKING → ENGAGED …; IDLE when the visitor goes."""

    def __init__(self, config: VoiceConfig, lang: Lang = "zh") -> None:
        self._config = config
        self._default_lang: Lang = lang
        self.state: KioskState = "idle"
        """Where the conductor is now."""
        self.lang: Lang = lang
        """The visitor's language."""
        self.turn = 0
        """The number of the latest turn (0: none yet)."""
        self._turn_live = False
        self._present = False
        self._elder = False
        self._mic: MicMode = "wake"
        self._deadline: float | None = None
        """When the current window (ENGAGED without wake, LISTENING, THINKING) runs out."""

    @property
    def mic(self) -> MicMode:
        """The microphone's current job."""
        return self._mic

    def handle(self, event: InputEvent | Feedback) -> Step:
        """React to one event; the returned step says what to tell and what to do."""
        out = _Out()
        match event:
            case Tick(t=t):
                self._expire(t, out)
            case VisitorApproached(t=t):
                self._present = True
                if self.state == "idle":
                    self.lang = self._default_lang
                    turn = self._next_turn()  # first, so the mic stays deaf while greeting
                    self._move("engaged", t, out, window=self._config.turn_timeout_s)
                    out.commands.append(Greet(turn, self.lang))
            case VisitorLeft(t=t):
                self._present = False
                self._cancel(out)
                self.lang = self._default_lang
                self._move("idle", t, out)
                out.commands.append(EndSession())
            case WakeHeard(t=t, lang=lang):
                self._cancel(out)
                self._set_lang(lang, out)
                self._move("listening", t, out, window=self._config.listen_timeout_s)
            case Touched(t=t):
                self._cancel(out)
                self._move("engaged", t, out, window=self._config.engaged_window_s)
            case QuestionTapped(t=t, text=text, lang=lang):
                self._cancel(out)
                self._set_lang(lang, out)
                self._ask(text, t, out)
            case ButtonPressed():
                self._button(event, out)
            case SpeechStarted(t=t) if self._mic == "ask":
                self._move("listening", t, out, window=self._config.max_utterance_s + 2.0)
            case FinalTranscript(t=t, text=text, lang=lang) if self._mic == "ask":
                if text.strip():
                    self._set_lang(lang, out)
                    self._ask(text.strip(), t, out)
                else:  # nothing understood: keep listening a while, without the wake phrase
                    self._move("engaged", t, out, window=self._config.engaged_window_s)
            case PlaybackStarted(t=t, turn=turn) if self._live(turn):
                self._move("speaking", t, out)
            case PlaybackEnded(t=t, turn=turn) if self._live(turn):
                self._turn_live = False
                self._move("engaged", t, out, window=self._config.engaged_window_s)
            case TurnAnswered(t=t, turn=turn) if self._live(turn):
                self._act(event, out)
            case TicketTaken(t=t):
                out.events.append(TicketIssued(t, event.ticket, event.service, event.waiting))
            case _:
                pass  # partial transcripts, faces, and what the current state does not hear
        return out.step()

    def _button(self, event: ButtonPressed, out: _Out) -> None:
        t = event.t
        match event.button:
            case "stop":
                self._cancel(out)
                self._move("engaged", t, out, window=self._config.engaged_window_s)
            case "take_ticket":
                out.commands.append(TakeTicket(event.service, self.lang))
                self._touch_window(t, out)
            case "call_staff":
                out.events.append(StaffCalled(t, "button"))
                self._touch_window(t, out)
            case "switch_language":
                others = [lang for lang in LANGS if lang != self.lang]
                self._set_lang(others[0], out)
                self._touch_window(t, out)
            case "elder_mode":
                self._elder = not self._elder
                out.commands.append(SetElderMode(self._elder))
                self._touch_window(t, out)

    def _touch_window(self, t: float, out: _Out) -> None:
        """A button outside a turn wakes the kiosk; during a turn it changes nothing else."""
        if self.state in ("idle", "engaged", "listening"):
            self._move("engaged", t, out, window=self._config.engaged_window_s)

    def _act(self, event: TurnAnswered, out: _Out) -> None:
        action = event.action or ""
        if action.startswith("ticket:"):
            out.commands.append(TakeTicket(action.removeprefix("ticket:"), self.lang))
        elif action == "call_staff" or event.handoff:
            out.events.append(StaffCalled(event.t, "handoff" if event.handoff else "asked"))

    def _ask(self, question: str, t: float, out: _Out) -> None:
        turn = self._next_turn()
        self._move("thinking", t, out, window=self._config.turn_timeout_s)
        out.commands.append(Answer(turn, question, self.lang))

    def _expire(self, t: float, out: _Out) -> None:
        if self._deadline is None or t < self._deadline:
            return
        if self._turn_live:  # a stuck turn: give up on it
            self._cancel(out)
            self._move("engaged", t, out, window=self._config.engaged_window_s)
        elif self._present:  # still there: stay engaged, but wait for the wake phrase or a touch
            self._move("engaged", t, out)
        else:
            self.lang = self._default_lang
            self._move("idle", t, out)
            out.commands.append(EndSession())

    def _cancel(self, out: _Out) -> None:
        if self._turn_live:
            self._turn_live = False
            out.commands.append(Cancel(self.turn))

    def _next_turn(self) -> int:
        self.turn += 1
        self._turn_live = True
        return self.turn

    def _live(self, turn: int) -> bool:
        return self._turn_live and turn == self.turn

    def _set_lang(self, lang: Lang, out: _Out) -> None:
        if lang != self.lang:
            self.lang = lang
            out.commands.append(SetLanguage(lang))

    def _move(self, state: KioskState, t: float, out: _Out, window: float | None = None) -> None:
        """Enter `state`; `window` is how long it lasts before `Tick` moves on (None: no end)."""
        self._deadline = None if window is None else t + window
        if state != self.state:
            out.events.append(StateChanged(t, state, self.state))
            self.state = state
        listening = state in ("engaged", "listening") and window and not self._turn_live
        busy = self._turn_live or state in ("thinking", "speaking")
        mic: MicMode = "ask" if listening else "barge" if busy else "wake"
        if mic != self._mic:
            self._mic = mic
            out.commands.append(SetMic(mic))


class _Out:
    """Collects one step's events and commands."""

    def __init__(self) -> None:
        self.events: list[OutputEvent] = []
        self.commands: list[Command] = []

    def step(self) -> Step:
        return Step(tuple(self.events), tuple(self.commands))
