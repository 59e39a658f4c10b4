"""Real microphones and speakers through sounddevice (PortAudio).

Both callbacks only move buffers: the microphone's puts blocks on a queue, the speaker's pulls
from the playback buffer (which advances the playback clock lip sync reads).
"""

from __future__ import annotations

import contextlib
import queue
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from kiosk.errors import AudioError
from kiosk.speech.audio import Frame, PlaybackBuffer


def _sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # the PortAudio library itself is missing
        raise AudioError(
            f"PortAudio is not available: {exc}", hint="apt-get install libportaudio2"
        ) from exc
    return sounddevice


def _device_error(what: str, exc: Exception) -> AudioError:
    return AudioError(
        f"cannot open the {what}: {exc}",
        hint="plug it in, check `python -m sounddevice` lists it, or use --audio-in FILE.wav",
    )


class SoundcardMicrophone:
    """The default input device, delivered as frames at `rate` (resampled when it differs)."""

    def __init__(self, rate: int, frame_samples: int, device: int | str | None = None) -> None:
        sd = _sounddevice()
        self.rate = rate
        self._frame = frame_samples
        self._blocks: queue.Queue[Any] = queue.Queue(maxsize=200)
        try:
            info = sd.query_devices(device, "input")
            self._device_rate = int(info["default_samplerate"])
            self._stream = sd.InputStream(
                samplerate=self._device_rate,
                channels=1,
                dtype="float32",
                device=device,
                callback=self._callback,
            )
        except (sd.PortAudioError, ValueError) as exc:
            raise _device_error("microphone", exc) from exc

    def _callback(self, data: Any, frames: int, when: Any, status: Any) -> None:
        with contextlib.suppress(queue.Full):  # the listener fell behind: drop, never block
            self._blocks.put_nowait(data[:, 0].copy())

    def frames(self) -> Iterator[Frame]:
        """Frames as they are recorded, until the stream is stopped."""
        import soxr

        resampler = soxr.ResampleStream(self._device_rate, self.rate, 1, dtype="float32")
        pending = np.zeros(0, dtype=np.float32)
        with self._stream:
            while self._stream.active:
                try:
                    block = self._blocks.get(timeout=1.0)
                except queue.Empty:
                    continue
                pending = np.concatenate([pending, resampler.resample_chunk(block)])
                while len(pending) >= self._frame:
                    samples, pending = pending[: self._frame], pending[self._frame :]
                    yield Frame(samples, time.monotonic())


class SoundcardSpeaker:
    """The default output device, playing whatever the playback buffer holds."""

    def __init__(self, playback: PlaybackBuffer, device: int | str | None = None) -> None:
        sd = _sounddevice()
        self._playback = playback
        try:
            self._stream = sd.OutputStream(
                samplerate=playback.rate,
                channels=1,
                dtype="float32",
                device=device,
                blocksize=int(playback.rate * 0.02),  # 20 ms: barge-in is heard at once
                callback=self._callback,
            )
        except (sd.PortAudioError, ValueError) as exc:
            raise _device_error("speaker", exc) from exc

    def _callback(self, out: Any, frames: int, when: Any, status: Any) -> None:
        out[:, 0] = self._playback.pull(frames)

    def start(self) -> None:
        self._stream.start()

    def stop(self) -> None:
        self._stream.stop()
        self._stream.close()
