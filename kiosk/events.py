"""Every event that crosses a thread: small, immutable, typed (no dict payloads).

The conductor (kiosk/conductor.py) consumes the input events and emits the output ones; the
screen, the logs and the tests all read the same stream. Times are seconds on the monotonic
clock of the process (`time.monotonic()`), or on the playback clock where a field says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from kiosk.lang import Lang

KioskState = Literal["idle", "engaged", "listening", "thinking", "speaking"]
"""The conductor's states (DESIGN.md §2)."""

Viseme = Literal[
    "sil", "PP", "FF", "TH", "DD", "kk", "CH", "SS", "nn", "RR", "aa", "E", "ih", "oh", "ou"
]
"""Mouth shapes: the 15 Oculus/MPEG-4 style visemes; `sil` is the closed, neutral mouth."""

VISEMES: tuple[Viseme, ...] = (
    "sil", "PP", "FF", "TH", "DD", "kk", "CH", "SS", "nn", "RR", "aa", "E", "ih", "oh", "ou",
)  # fmt: skip


# ---- presence (vision thread → core) -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FaceSeen:
    """The nearest face in the latest frame, as a gaze target for the avatar."""

    t: float
    """When the frame was taken."""
    x: float
    """Face centre, 0 (left edge of the camera image) … 1 (right edge)."""
    y: float
    """Face centre, 0 (top) … 1 (bottom)."""
    size: float
    """Face height as a share of the frame height: bigger is nearer."""


@dataclass(frozen=True, slots=True)
class VisitorApproached:
    """Someone walked up and stopped in front of the kiosk: greet them, once."""

    t: float
    frame: int
    """Index of the frame that completed the approach."""


@dataclass(frozen=True, slots=True)
class VisitorLeft:
    """The visitor in front of the kiosk has been gone for the configured absence."""

    t: float
    frame: int


# ---- touch and buttons (GUI thread → core) ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Touched:
    """Any touch on the screen: wakes the kiosk, and interrupts speech (barge-in)."""

    t: float


@dataclass(frozen=True, slots=True)
class QuestionTapped:
    """A question chosen by touch; answered exactly as if it had been asked aloud."""

    t: float
    text: str
    lang: Lang


@dataclass(frozen=True, slots=True)
class ButtonPressed:
    """A fixed button on the screen."""

    t: float
    button: Literal["take_ticket", "call_staff", "switch_language", "elder_mode", "stop"]
    service: str = ""
    """The service code, for take_ticket."""


# ---- listening (audio thread → core) ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WakeHeard:
    """The wake phrase was spotted in the microphone."""

    t: float
    phrase: str
    lang: Lang


@dataclass(frozen=True, slots=True)
class SpeechStarted:
    """The endpointer heard the visitor start speaking."""

    t: float


@dataclass(frozen=True, slots=True)
class PartialTranscript:
    """What the recogniser has heard so far: live captions."""

    t: float
    text: str


@dataclass(frozen=True, slots=True)
class FinalTranscript:
    """The recogniser's result for one utterance (empty text: nothing understood)."""

    t: float
    text: str
    lang: Lang
    speech_end_t: float
    """When the visitor stopped speaking (for latency)."""
    readings: Callable[[], Sequence[str]] | None = field(default=None, compare=False)
    """The utterance's other likely readings, worked out only if called (on any thread):
    tried when `text` is not answered. None when the recogniser has only the one."""


# ---- answering and speaking (core → screen) --------------------------------------------------


@dataclass(frozen=True, slots=True)
class StateChanged:
    """The conductor moved to another state."""

    t: float
    state: KioskState
    previous: KioskState


@dataclass(frozen=True, slots=True)
class AnswerSentence:
    """One sentence of the answer, about to be spoken."""

    t: float
    text: str
    index: int
    lang: Lang


@dataclass(frozen=True, slots=True)
class AnswerReady:
    """The turn's whole answer, with its sources."""

    t: float
    question: str
    text: str
    sources: tuple[str, ...]
    handoff: bool
    lang: Lang
    action: str | None = None
    near: tuple[str, ...] = ()
    """On a handoff: FAQ entries that came close ("did you mean"), for the screen."""
    offer: str | None = None
    """On a handoff: the entry the kiosk asked about aloud; the visitor's "yes" answers it."""


@dataclass(frozen=True, slots=True)
class VisemeKey:
    """One mouth shape from `start` to `end`, seconds on the playback clock."""

    viseme: Viseme
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class VisemeTimeline:
    """The mouth shapes of one utterance; the avatar samples it each frame."""

    keys: tuple[VisemeKey, ...]
    """Sorted by start, not overlapping."""
    offset: float = 0.0
    """Playback-clock time at which this utterance's audio starts."""

    def at(self, clock: float) -> Viseme:
        """The viseme showing at playback time `clock` (`sil` outside the utterance)."""
        local = clock - self.offset
        low, high = 0, len(self.keys)
        while low < high:
            middle = (low + high) // 2
            if self.keys[middle].end <= local:
                low = middle + 1
            else:
                high = middle
        if low < len(self.keys) and self.keys[low].start <= local:
            return self.keys[low].viseme
        return "sil"

    @property
    def end(self) -> float:
        """Playback-clock time at which the utterance is over."""
        return self.offset + (self.keys[-1].end if self.keys else 0.0)


@dataclass(frozen=True, slots=True)
class SpeakingStarted:
    """Audio of one sentence starts playing; its visemes are on the playback clock."""

    t: float
    text: str
    timeline: VisemeTimeline


@dataclass(frozen=True, slots=True)
class SpeakingStopped:
    """The speaker went silent: finished, or cut by barge-in (`interrupted`)."""

    t: float
    interrupted: bool


@dataclass(frozen=True, slots=True)
class Heard:
    """What the microphone heard, for captions and logs: the wake phrase, a partial transcript,
    or the final transcript of a question (only while the kiosk is listening)."""

    t: float
    text: str
    kind: Literal["wake", "partial", "final"]
    lang: Lang


@dataclass(frozen=True, slots=True)
class TurnTimings:
    """Where the time of one spoken turn went (bench/voice_latency.py reads these).

    `speech_end_t` and `heard_t` are on the microphone's clock (the process's monotonic clock
    for a real or real-time source; simulated time for a file fed as fast as possible); the
    `*_wall` fields are always `time.monotonic()`.
    """

    t: float
    turn: int
    question: str
    speech_end_t: float | None
    """When the visitor stopped speaking (None for a tapped question)."""
    heard_t: float | None
    """When the endpointer closed the utterance (silence waited for)."""
    received_wall: float
    """When the core had the final transcript (the recogniser finished)."""
    answer_wall: float
    """When the answer's first sentence was ready."""
    audio_wall: float | None
    """When its first audio was handed to the speaker (None: nothing was spoken)."""


# ---- queue and devices ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TicketIssued:
    """A ticket was committed to the queue (and only then printed or shown)."""

    t: float
    ticket: str
    """e.g. "A001"."""
    service: str
    waiting: int
    """People ahead of this ticket in its service."""


@dataclass(frozen=True, slots=True)
class StaffCalled:
    """The visitor asked for a person, or the kiosk handed off."""

    t: float
    reason: str


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    """A device's health changed (printer out of paper, display unplugged, camera gone…)."""

    t: float
    device: Literal["printer", "display", "camera", "microphone", "speaker"]
    status: Literal["ok", "warn", "fail"]
    detail: str
    """Plain words for staff, e.g. "paper out"."""


InputEvent = (
    FaceSeen
    | VisitorApproached
    | VisitorLeft
    | Touched
    | QuestionTapped
    | ButtonPressed
    | WakeHeard
    | SpeechStarted
    | PartialTranscript
    | FinalTranscript
)
"""What the conductor reacts to."""

OutputEvent = (
    StateChanged
    | AnswerSentence
    | AnswerReady
    | SpeakingStarted
    | SpeakingStopped
    | Heard
    | TurnTimings
    | TicketIssued
    | StaffCalled
    | DeviceStatus
)
"""What the conductor and the devices tell the screen and the logs."""


class Core(Protocol):
    """The kiosk's core as the screen sees it (the conductor on its asyncio thread).

    The screen only posts input events and reads output events; it never calls an engine.
    """

    def post(self, event: InputEvent) -> None:
        """Hand an input event to the core; safe to call from any thread."""

    def subscribe(self, callback: Callable[[OutputEvent], None]) -> None:
        """Call `callback` with every output event (from the core's thread)."""
