"""The simulated room: a recording for the microphone, a track for the speaker, and the air.

Each 30 ms step takes the next block of the recording, pulls the same span of audio from the
playback buffer (what the speaker plays now), writes it to the speaker track, mixes it into the
microphone block at `echo_gain` (so the kiosk hears itself, as in a real lobby), and hands the
block to the listener. With `realtime` the steps follow the wall clock; otherwise they run as
fast as the kiosk allows: after every step the core settles, so simulated time stands still
while the kiosk thinks, and runs are repeatable.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from kiosk.speech.audio import Frame, PlaybackBuffer, Samples
from kiosk.speech.listener import FRAME_S, Listener


class SimulatedRoom:
    """Runs a recording through the kiosk; `now` is the microphone's clock."""

    def __init__(
        self,
        recording: Samples,
        listener: Listener,
        playback: PlaybackBuffer,
        *,
        realtime: bool,
        echo_gain: float = 0.0,
        keep_track: bool = True,
    ) -> None:
        import soxr

        self._recording = recording
        self._listener = listener
        self._playback = playback
        self._realtime = realtime
        self._echo_gain = echo_gain
        self._echo = soxr.ResampleStream(playback.rate, listener.rate, 1, dtype="float32")
        self._start = time.monotonic()
        self._steps = 0
        self._walls: list[float] = []
        self.speaker: list[Samples] = []
        """The speaker track so far, block by block, at the playback rate (empty unless
        `keep_track`: a kiosk that runs for days keeps none)."""
        self._keep_track = keep_track

    def now(self) -> float:
        """The microphone clock: wall time in real time, else simulated (recording position)."""
        if self._realtime:
            return time.monotonic()
        return self._start + self._steps * FRAME_S

    def wall_at(self, t: float) -> float:
        """The `time.monotonic()` at which the block ending at microphone time `t` was fed."""
        if self._realtime or not self._walls:
            return t
        index = round((t - self._start) / FRAME_S) - 1
        return self._walls[min(max(index, 0), len(self._walls) - 1)]

    def run(
        self,
        settle: Callable[[], None] | None,
        quiet: Callable[[], bool],
        tail_s: float = 1.5,
        limit_s: float = 120.0,
    ) -> Samples:
        """Play the whole recording, then silence until `quiet()` (after at least `tail_s`, at
        most `limit_s`); returns the speaker track."""
        size = self._listener.frame_samples
        blocks = -(-len(self._recording) // size)
        extra = 0
        while True:
            if self._steps >= blocks:
                extra += 1
                waited = extra * FRAME_S
                if (waited >= tail_s and quiet()) or waited >= limit_s:
                    break
            self.step(self._recording[self._steps * size : (self._steps + 1) * size], size)
            if settle is not None and not self._realtime:
                settle()
        return np.concatenate(self.speaker) if self.speaker else np.zeros(0, np.float32)

    def step(self, block: Samples, size: int) -> None:
        """One 30 ms step of microphone and speaker."""
        mic = np.zeros(size, dtype=np.float32)
        mic[: len(block)] = block
        rate = self._playback.rate
        count = round((self._steps + 1) * FRAME_S * rate) - round(self._steps * FRAME_S * rate)
        if self._realtime:
            delay = self._start + (self._steps + 1) * FRAME_S - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        played = self._playback.pull(count)
        if self._keep_track:
            self.speaker.append(played)
        if self._echo_gain:
            heard = self._echo.resample_chunk(played)[:size]
            mic[size - len(heard) :] += self._echo_gain * heard  # the resampler lags a little
        self._steps += 1
        self._walls.append(time.monotonic())
        self._listener.process(Frame(np.clip(mic, -1.0, 1.0), self.now()))
