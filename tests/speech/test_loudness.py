"""The noise floor: speech counts only when it rises above the room."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from speech.voicekit import RATE, VOICE, espeak, recording, speech

from kiosk.config import VoiceConfig
from kiosk.events import FinalTranscript, InputEvent
from kiosk.speech.audio import Frame
from kiosk.speech.build import make_ears
from kiosk.speech.listener import Listener
from kiosk.speech.loudness import SILENCE_DB, NoiseFloor, level_db


def pcm(amplitude: float, count: int = 480) -> bytes:
    return (np.full(count, amplitude * 32767)).astype(np.int16).tobytes()


def test_levels_are_in_db_below_full_scale() -> None:
    assert level_db(pcm(1.0)) > -0.01
    assert abs(level_db(pcm(0.1)) + 20.0) < 0.01
    assert level_db(pcm(0.0)) == SILENCE_DB == level_db(b"")


def test_a_frame_must_rise_above_the_room_by_the_margin() -> None:
    floor = NoiseFloor(9.0, frames=100)
    for _ in range(100):
        floor.hear(-40.0)  # babble, all the time
    assert floor.floor == -40.0
    assert not floor.loud(-35.0)  # another voice in the babble
    assert floor.loud(-30.0)  # the visitor at the kiosk


def test_the_floor_is_the_quiet_part_of_the_last_seconds() -> None:
    floor = NoiseFloor(9.0, frames=100)
    for index in range(300):  # a visitor talking: loud frames with pauses in the babble between
        floor.hear(-20.0 if index % 4 else -45.0)
    assert floor.floor == -45.0 and floor.loud(-20.0)
    for _ in range(100):  # the room grows quieter: only the last 100 frames count
        floor.hear(-60.0)
    assert floor.floor == -60.0


def test_before_anything_is_heard_every_frame_is_loud_enough() -> None:
    quiet = NoiseFloor(9.0, frames=10)
    assert quiet.floor == SILENCE_DB and quiet.loud(-60.0)


@pytest.mark.slow
def test_a_question_asked_in_a_lobby_full_of_talk_still_ends(tmp_path: Path) -> None:
    talk = [
        espeak(text, voice, tmp_path)
        for voice, text in (
            ("en-us", "The train was late again this morning, so I missed the meeting."),
            ("en+f3", "She said the museum is closed on Mondays but open late on Fridays."),
            ("en+m3", "We could have lunch downstairs, there is a noodle place by the exit."),
        )
    ]
    said = recording(3.0, speech("Where are the toilets?"), 2.0)
    babble = np.zeros(len(said), dtype=np.float32)
    for voice in talk:  # three people talking at once, over and over
        babble += np.resize(voice / np.sqrt(np.mean(voice**2)), len(said))
    level = float(np.sqrt(np.mean(said[np.abs(said) > 1e-3] ** 2)))
    noisy = np.clip(said + level / 10 ** (15 / 20) * babble / np.sqrt(np.mean(babble**2)), -1, 1)
    speech_end = len(said) / RATE - 2.0

    def ends(config: VoiceConfig) -> list[FinalTranscript]:
        events: list[InputEvent] = []
        heard = make_ears(config)
        listener = Listener(config, heard.spotters, heard.recognizers, events.append)
        listener.set_mode("barge")  # the kiosk is speaking its greeting: it hears the room
        size = listener.frame_samples
        for index in range(len(noisy) // size):
            if index == round(2.5 * RATE / size):
                listener.set_mode("ask")  # greeted: the visitor may now speak
            listener.process(Frame(noisy[index * size : (index + 1) * size], (index + 1) * 0.03))
        return [event for event in events if isinstance(event, FinalTranscript)]

    (final,) = ends(replace(VOICE, speech_above_noise_db=9.0))
    assert abs(final.speech_end_t - speech_end) < 0.4
    assert final.text == "Where are the toilets?"  # Whisper, through the babble
    assert not ends(replace(VOICE, whisper=""))  # off, as by default: it never ends
