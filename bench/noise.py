"""A noisy lobby for the voice benches: a noise bed mixed into a recording at a given SNR.

- `pink`: stationary 1/f noise, like ventilation, escalators and traffic through a door;
- `babble`: four other people talking at once, some way off (espeak-ng voices reading the
  pack's own answers, so it is speech about the same things, and never the wake phrase).

The level is set against the visitor's speech: its RMS over the samples where it is not
silent, so the pauses around a sentence do not make the noise quieter.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence

import numpy as np

from kiosk.speech.audio import Samples, read_wav

RATE = 16000
KINDS = ("pink", "babble")
BABBLE_VOICES = ("en-us", "en+f3", "en+m3", "en-gb-x-rp")


def pink(seconds: float, seed: int = 0) -> Samples:
    """1/f noise: white noise shaped in the frequency domain, unit RMS."""
    rng = np.random.default_rng(seed)
    count = int(seconds * RATE)
    spectrum = np.fft.rfft(rng.standard_normal(count))
    freqs = np.fft.rfftfreq(count, 1 / RATE)
    spectrum /= np.sqrt(np.maximum(freqs, 20.0))  # flat below 20 Hz
    noise = np.fft.irfft(spectrum, count)
    return (noise / np.sqrt(np.mean(noise**2))).astype(np.float32)


def _espeak(voice: str, text: str) -> Samples:
    with tempfile.NamedTemporaryFile(suffix=".wav") as wav:
        subprocess.run(["espeak-ng", "-v", voice, "-w", wav.name, text], check=True)
        return read_wav(wav.name, RATE)


def babble(sentences: Sequence[str], seconds: float, seed: int = 0) -> Samples:
    """Four talkers, each reading `sentences` in their own order without pause, summed."""
    rng = np.random.default_rng(seed)
    count = int(seconds * RATE)
    bed = np.zeros(count, dtype=np.float32)
    for voice in BABBLE_VOICES:
        stream: list[Samples] = []
        length = 0
        for index in rng.permutation(len(sentences)):
            if length >= count:
                break
            said = _espeak(voice, sentences[index])
            stream.append(said)
            length += len(said)
        talker = np.concatenate(stream)[:count]
        bed[: len(talker)] += talker / max(float(np.sqrt(np.mean(talker**2))), 1e-6)
    return (bed / np.sqrt(np.mean(bed**2))).astype(np.float32)


def speech_rms(audio: Samples) -> float:
    """The RMS of the audio where it is not silent."""
    loud = audio[np.abs(audio) > 1e-3]
    return float(np.sqrt(np.mean(loud**2))) if len(loud) else 0.0


class Lobby:
    """Mixes a slice of one noise bed into each recording, at `snr_db` below its speech."""

    def __init__(self, bed: Samples, snr_db: float, seed: int = 0) -> None:
        self._bed = bed
        self._snr_db = snr_db
        self._rng = np.random.default_rng(seed)

    def __call__(self, audio: Samples) -> Samples:
        level = speech_rms(audio) / 10 ** (self._snr_db / 20)
        start = int(self._rng.integers(0, max(1, len(self._bed) - len(audio))))
        noise = np.resize(self._bed[start:], len(audio))
        return np.clip(audio + level * noise, -1.0, 1.0).astype(np.float32)


def lobby(kind: str, snr_db: float, sentences: Sequence[str]) -> Lobby:
    """The noise bed of `kind` (two minutes of it), ready to mix at `snr_db`."""
    if kind == "pink":
        return Lobby(pink(120.0), snr_db)
    if kind == "babble":
        return Lobby(babble(sentences, 120.0), snr_db)
    raise ValueError(f"unknown noise {kind!r}: one of {', '.join(KINDS)}")
