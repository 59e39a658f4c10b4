"""A spoken conversation from a recording: the kiosk assembled on a simulated room, and the
turns it had, as `kiosk converse` reports them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kiosk.answer.engine import AnswerEngine
from kiosk.config import VoiceConfig
from kiosk.core import Core, TicketDesk
from kiosk.events import AnswerReady, Heard, OutputEvent, SpeakingStopped, TurnTimings
from kiosk.lang import Lang
from kiosk.speech.audio import PlaybackBuffer, Samples
from kiosk.speech.build import Ears
from kiosk.speech.listener import Listener
from kiosk.speech.room import SimulatedRoom
from kiosk.speech.speaking import SpeakingStage
from kiosk.speech.tts import Synthesizer

PLAYBACK_RATE = 22050
"""The speaker's rate (piper's voices are 22.05 kHz); other voices are resampled to it."""


@dataclass(slots=True)
class TurnRecord:
    """One turn of `kiosk converse --json`."""

    wake: bool
    """True when the kiosk was awake for it (the wake phrase, or the window after an answer)."""
    transcript: str = ""
    answer: str | None = None
    sources: tuple[str, ...] = ()
    handoff: bool = False
    offer: str | None = None
    """On a handoff: the entry asked about aloud ("Did you mean …?")."""
    latency_ms: float | None = None
    """Wall time from feeding the end of the question's speech to the first answer audio."""
    interrupted: bool = False
    """True when barge-in cut the spoken answer."""
    timings: TurnTimings | None = None
    speech_end_wall: float | None = None
    """`time.monotonic()` when the end of the question's speech was fed."""
    heard_wall: float | None = None
    """`time.monotonic()` when the audio that closed the utterance was fed."""

    def to_json(self) -> dict[str, Any]:
        """The contract's fields, plus `offer` and `interrupted`."""
        return {
            "wake": self.wake,
            "transcript": self.transcript,
            "answer": self.answer,
            "sources": list(self.sources),
            "handoff": self.handoff,
            "offer": self.offer,
            "latency_ms": None if self.latency_ms is None else round(self.latency_ms, 1),
            "interrupted": self.interrupted,
        }


@dataclass(slots=True)
class Conversation:
    """What happened: the turns, every output event, and the speaker track."""

    turns: list[TurnRecord] = field(default_factory=list)
    events: list[OutputEvent] = field(default_factory=list)
    speaker: Samples | None = None
    speaker_rate: int = PLAYBACK_RATE
    origin: float = 0.0
    """The microphone clock at the start of the recording: event time − origin is the
    position in the recording (and in the speaker track)."""

    def records(self) -> list[TurnRecord]:
        """The turns; a recording in which the kiosk never woke is one `wake: false` record."""
        return self.turns or [TurnRecord(wake=False)]


class _Collector:
    """Builds turn records from the core's output events."""

    def __init__(self, conversation: Conversation, wall_at: Callable[[float], float]) -> None:
        self._conversation = conversation
        self._wall_at = wall_at
        self._awake_unused = False

    def __call__(self, event: OutputEvent) -> None:
        self._conversation.events.append(event)
        turns = self._conversation.turns
        match event:
            case Heard(kind="wake"):
                self._awake_unused = True
            case Heard(kind="final", text=text):
                turns.append(TurnRecord(wake=True, transcript=text))
                self._awake_unused = False
            case AnswerReady() if turns and turns[-1].answer is None:
                turns[-1].answer = event.text
                turns[-1].sources = event.sources
                turns[-1].handoff = event.handoff
                turns[-1].offer = event.offer
            case TurnTimings() if turns and turns[-1].transcript == event.question:
                turns[-1].timings = event
                if event.speech_end_t is not None and event.heard_t is not None:
                    turns[-1].speech_end_wall = self._wall_at(event.speech_end_t)
                    turns[-1].heard_wall = self._wall_at(event.heard_t)
                    if event.audio_wall is not None:
                        fed = turns[-1].speech_end_wall
                        turns[-1].latency_ms = (event.audio_wall - fed) * 1000
            case SpeakingStopped(interrupted=True) if turns and turns[-1].answer is not None:
                turns[-1].interrupted = True
            case _:
                pass

    def finish(self) -> None:
        if self._awake_unused:  # woke, but no question followed
            self._conversation.turns.append(TurnRecord(wake=True))


def converse(
    config: VoiceConfig,
    engine: AnswerEngine,
    ears: Ears,
    voices: dict[Lang, Synthesizer],
    recording: Samples,
    *,
    realtime: bool = False,
    echo_gain: float = 0.0,
    desk: TicketDesk | None = None,
    gate_own_voice: bool = True,
    stop_at_first_audio: bool = False,
) -> Conversation:
    """Run `recording` (mono, at `config.sample_rate`) through the kiosk as its microphone.

    `stop_at_first_audio` ends the run once the recording is over and an answer has started
    to play (benchmarks measure latency, not the whole answer)."""
    conversation = Conversation()
    playback = PlaybackBuffer(PLAYBACK_RATE)
    speaking = SpeakingStage(voices, playback)
    speaking.warm_up()
    core_box: list[Core] = []
    listener = Listener(config, ears.spotters, ears.recognizers, lambda e: core_box[0].post(e))
    room = SimulatedRoom(recording, listener, playback, realtime=realtime, echo_gain=echo_gain)
    conversation.origin = room.now()
    core = Core(
        config,
        engine,
        speaking,
        microphone=listener,
        desk=desk,
        clock=room.now,
        lang=listener.languages[0] if listener.languages else "en",
        wake_phrases=ears.phrases if gate_own_voice else (),
        tick_s=0.02 if realtime else None,
    )
    core_box.append(core)
    collector = _Collector(conversation, room.wall_at)
    core.subscribe(collector)
    core.start()
    try:

        def quiet() -> bool:
            if stop_at_first_audio and any(t.timings for t in conversation.turns):
                return True
            return core.conductor.state in ("idle", "engaged") and playback.pending == 0

        conversation.speaker = room.run(core.settle, quiet, tail_s=config.silence_end_s + 1.0)
        core.settle()
    finally:
        core.stop()
    collector.finish()
    return conversation
