"""The keyphrase search is restarted now and then; never in the middle of a wake phrase."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from speech.voicekit import RATE, VOICE, recording, silence, speech

from kiosk.events import InputEvent, WakeHeard
from kiosk.lang import Lang
from kiosk.speech.audio import Frame, Samples
from kiosk.speech.build import make_ears
from kiosk.speech.listener import RESTART_QUIET_S, SPOTTER_RESTART_S, Listener
from kiosk.speech.recognizers import WakeSpotter


class Watched:
    """A real spotter whose restarts are noted, with the time of the audio fed so far."""

    def __init__(self, spotter: WakeSpotter) -> None:
        self.phrase: str = spotter.phrase
        self.lang: Lang = spotter.lang
        self._spotter = spotter
        self.fed_s = 0.0
        self.restarts: list[float] = []

    def feed(self, pcm: bytes) -> bool:
        self.fed_s += len(pcm) / 2 / RATE
        return self._spotter.feed(pcm)

    def reset(self) -> None:
        self.restarts.append(self.fed_s)
        self._spotter.reset()


def talk(seconds: float) -> Samples:
    """Front-desk talk without the wake phrase, short gaps between sentences, `seconds` long."""
    said = np.concatenate([recording(speech(text), 0.15) for text in (
        "The lifts are to the left of the main entrance.",
        "Please take a number and wait to be called.",
        "Our pharmacy closes at eight tonight.",
    )])  # fmt: skip
    return np.tile(said, int(seconds * RATE / len(said)) + 1)[: int(seconds * RATE)]


def listen(audio: Samples) -> tuple[int, Watched]:
    """Wakes heard in `audio` by one plain spotter behind a listener, and that spotter."""
    events: list[InputEvent] = []
    heard = make_ears(replace(VOICE, whisper="", noise_suppression=0))
    spotter = Watched(heard.spotters[0])
    listener = Listener(VOICE, [spotter], heard.recognizers, events.append)
    size = listener.frame_samples
    for index in range(len(audio) // size):
        listener.process(Frame(audio[index * size : (index + 1) * size], (index + 1) * 0.03))
    return sum(isinstance(event, WakeHeard) for event in events), spotter


@pytest.mark.slow
def test_a_wake_phrase_at_the_minute_mark_is_heard() -> None:
    # A restart every minute of audio, wherever it fell, lost this phrase.
    wakes, _ = listen(recording(talk(SPOTTER_RESTART_S - 0.5), speech("Hello kiosk."), 1.0))
    assert wakes == 1


@pytest.mark.slow
def test_the_search_restarts_at_the_first_pause_after_a_minute() -> None:
    pause_at = SPOTTER_RESTART_S + 2.0
    wakes, spotter = listen(recording(talk(pause_at), silence(1.0), talk(3.0)))
    assert wakes == 0
    first = spotter.restarts[1]  # restarts[0]: the listener starting
    assert pause_at + RESTART_QUIET_S <= first < pause_at + RESTART_QUIET_S + 0.2, spotter.restarts
    assert len(spotter.restarts) == 2
