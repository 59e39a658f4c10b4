"""Audio buffers: mic frames, WAV files, resampling, and the playback buffer with its clock."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kiosk.errors import AudioError

Samples = npt.NDArray[np.float32]
"""Mono audio, float32 in -1 … 1."""


@dataclass(frozen=True, slots=True)
class Frame:
    """A short block of microphone audio at the recognisers' rate."""

    samples: Samples
    t_end: float
    """Source-clock time of the frame's last sample (monotonic, or simulated time)."""


def resample(samples: Samples, rate_in: int, rate_out: int) -> Samples:
    """`samples` at `rate_out` (soxr, high quality); unchanged when the rates are equal."""
    if rate_in == rate_out or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    import soxr

    return np.asarray(soxr.resample(samples, rate_in, rate_out), dtype=np.float32)


def to_int16(samples: Samples) -> bytes:
    """16-bit PCM bytes, the format the recognisers take."""
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def read_wav(path: Path | str, rate: int) -> Samples:
    """A WAV (or FLAC, OGG) file as mono float32 at `rate`: channels mixed, rate converted."""
    import soundfile

    try:
        data, file_rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, OSError) as exc:
        raise AudioError(
            f"cannot read audio file {path}: {exc}",
            hint="give a mono or stereo WAV file (16-bit PCM at any common rate is fine)",
        ) from exc
    mono: Samples = data.mean(axis=1).astype(np.float32)
    return resample(mono, int(file_rate), rate)


def write_wav(path: Path | str, samples: Samples, rate: int) -> None:
    """Write mono 16-bit PCM."""
    import soundfile

    soundfile.write(str(path), np.clip(samples, -1.0, 1.0), rate, subtype="PCM_16")


class PlaybackBuffer:
    """Audio queued for the speaker, pulled block by block by whoever plays it.

    The sounddevice callback (or the simulated room) calls `pull`; the core `push`es sentences
    and `flush`es on barge-in. `clock` counts the seconds of audio pulled so far: the playback
    sample clock that lip sync reads. Thread-safe; `pull` only copies buffers.
    """

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._lock = threading.Lock()
        self._chunks: deque[Samples] = deque()
        self._played = 0
        self._queued = 0

    def push(self, samples: Samples) -> float:
        """Queue audio after what is already queued; returns the clock time it will start at."""
        with self._lock:
            start = (self._played + self._queued) / self.rate
            if len(samples):
                self._chunks.append(samples.astype(np.float32, copy=False))
                self._queued += len(samples)
            return start

    def pull(self, count: int) -> Samples:
        """The next `count` samples to play (zeros where nothing is queued); advances the clock."""
        out = np.zeros(count, dtype=np.float32)
        with self._lock:
            filled = 0
            while filled < count and self._chunks:
                chunk = self._chunks[0]
                take = min(count - filled, len(chunk))
                out[filled : filled + take] = chunk[:take]
                filled += take
                if take == len(chunk):
                    self._chunks.popleft()
                else:
                    self._chunks[0] = chunk[take:]
            self._queued -= filled
            self._played += count
        return out

    def flush(self) -> None:
        """Drop everything queued: the speaker goes silent at its next block."""
        with self._lock:
            self._chunks.clear()
            self._queued = 0

    @property
    def clock(self) -> float:
        """Seconds of audio played (silence included) since the buffer was made."""
        with self._lock:
            return self._played / self.rate

    @property
    def pending(self) -> float:
        """Seconds of audio still queued."""
        with self._lock:
            return self._queued / self.rate
