"""Speech above the room: in a noisy lobby the VAD hears speech all the time (other people
talking), so a frame only counts as the visitor's speech when it is also louder than the
room's noise floor by a margin. The visitor stands at the kiosk, nearer the microphone than
anyone else, and is louder than the babble behind them; the pauses between their words, where
the babble is all there is, then end the utterance again. Off by default (`[voice]
speech_above_noise_db = 0`): at the margin that ends a question over babble (9 dB) it also cuts
questions short in steady noise, at their soft syllables (docs/voice.md, "A noisy lobby").

Pure and clock-free, like the endpointer: it is told each frame's level.
"""

from __future__ import annotations

from collections import deque

import numpy as np

SILENCE_DB = -100.0
"""The level of a frame of digital silence."""


def level_db(pcm: bytes) -> float:
    """The RMS level of 16-bit PCM in dB below full scale."""
    samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float64) / 32768.0
    power = float(np.mean(samples**2)) if len(samples) else 0.0
    return max(SILENCE_DB, 10.0 * np.log10(power)) if power > 0 else SILENCE_DB


class NoiseFloor:
    """The room's level — a low percentile of the last few seconds of frame levels — and
    whether a frame rises above it by `margin_db`."""

    def __init__(self, margin_db: float, frames: int, share: float = 0.1) -> None:
        self._margin = margin_db
        self._levels: deque[float] = deque(maxlen=frames)
        self._share = share

    def hear(self, level: float) -> None:
        """Take the next frame's level."""
        self._levels.append(level)

    @property
    def floor(self) -> float:
        return float(np.quantile(self._levels, self._share)) if self._levels else SILENCE_DB

    def loud(self, level: float) -> bool:
        """True when `level` is at least the margin above the floor."""
        return level >= self.floor + self._margin
