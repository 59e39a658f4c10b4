"""WebRTC noise suppression in front of the listener, on real audio."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from speech.voicekit import RATE, VOICE, recording, speech

from kiosk.config import VoiceConfig
from kiosk.errors import ConfigError
from kiosk.events import InputEvent, WakeHeard
from kiosk.speech.audio import Frame, Samples, to_int16
from kiosk.speech.build import make_ears
from kiosk.speech.denoise import Denoiser
from kiosk.speech.listener import Listener
from kiosk.speech.recognizers import PocketsphinxRecognizer


def pink(seconds: float) -> Samples:
    """Steady 1/f noise at unit RMS, like a ventilation fan or traffic through a door."""
    count = int(seconds * RATE)
    spectrum = np.fft.rfft(np.random.default_rng(7).standard_normal(count))
    spectrum /= np.sqrt(np.maximum(np.fft.rfftfreq(count, 1 / RATE), 20.0))
    noise = np.fft.irfft(spectrum, count)
    return (noise / np.sqrt(np.mean(noise**2))).astype(np.float32)


def denoised(pcm: bytes, denoiser: Denoiser) -> bytes:
    """`pcm` through `denoiser` in the listener's 30 ms frames."""
    return b"".join(denoiser(pcm[i : i + 960]) for i in range(0, len(pcm), 960))


def rms(pcm: bytes) -> float:
    return float(np.sqrt(np.mean(np.frombuffer(pcm, dtype=np.int16).astype(np.float64) ** 2)))


def test_steady_noise_is_taken_out_and_the_length_kept() -> None:
    noisy = to_int16(0.05 * pink(4.0))
    out = denoised(noisy, Denoiser(2, RATE))
    assert len(out) == len(noisy)
    settled = RATE * 2  # after the first second, once it has learnt the noise
    assert rms(out[settled:]) < 0.3 * rms(noisy[settled:])


def test_clean_speech_is_left_alone_once_the_room_is_known() -> None:
    denoiser = Denoiser(2, RATE)
    denoised(to_int16(0.0003 * pink(2.0)), denoiser)  # a quiet room, heard before anyone speaks
    said = to_int16(recording(0.3, speech("Where are the toilets?"), 0.3))
    said = said[: len(said) // 960 * 960]
    out = denoised(said, denoiser)
    assert rms(out) > 0.9 * rms(said)
    recognizer = PocketsphinxRecognizer(RATE)
    recognizer.begin()
    recognizer.feed(out)
    assert recognizer.finish() == "where are the toilets"


@pytest.mark.slow
def test_the_second_ear_hears_the_wake_phrase_through_steady_noise() -> None:
    said = recording(1.0, speech("Hello kiosk."), 1.0)
    level = float(np.sqrt(np.mean(said[np.abs(said) > 1e-3] ** 2)))
    noisy = np.clip(said + level / 10 ** (15 / 20) * pink(len(said) / RATE), -1, 1)  # 15 dB SNR

    def wakes(config: VoiceConfig) -> int:
        events: list[InputEvent] = []
        heard = make_ears(replace(config, whisper=""))
        listener = Listener(config, heard.spotters, heard.recognizers, events.append)
        size = listener.frame_samples
        for index in range(len(noisy) // size):
            listener.process(Frame(noisy[index * size : (index + 1) * size], (index + 1) * 0.03))
        return sum(isinstance(event, WakeHeard) for event in events)

    assert wakes(VOICE) == 1  # one wake, though both ears may have heard it
    assert wakes(replace(VOICE, noise_suppression=0)) == 0  # the plain spotter misses this one


def test_bad_settings_are_refused_with_the_fix() -> None:
    with pytest.raises(ConfigError, match="noise_suppression = 5") as caught:
        VoiceConfig(noise_suppression=5)
    assert "0 to turn it off" in caught.value.hint
    with pytest.raises(ConfigError, match="16000"):
        Denoiser(2, 8000)
    assert replace(VOICE, noise_suppression=0).noise_suppression == 0
    odd = to_int16(0.01 * pink(0.025))  # not a whole number of 10 ms pieces
    assert len(Denoiser(2, RATE)(odd)) == len(odd) and Denoiser(2, RATE)(odd)[-80:] == odd[-80:]
