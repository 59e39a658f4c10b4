"""The endpointer: a pure, clock-free segmenter of speech from per-frame VAD decisions.

It only counts seconds of audio it is told about (`process(seconds, is_speech)`), so it is
deterministic and tested without audio. An utterance starts after `speech_start_s` of speech,
ends after `silence_end_s` of silence, and is cut at `max_utterance_s` so a monologue (or a
radio left on) cannot hold a turn open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Boundary:
    """An utterance started or ended."""

    kind: Literal["start", "end"]
    ago: float
    """How many seconds before the end of the current frame the boundary lies: for `start`,
    where the speech began; for `end`, where the last speech stopped (0 when cut)."""
    cut: bool = False
    """True when the utterance was ended by the length limit, not by silence."""


class Endpointer:
    """Speech start, speech end after a silence, and a maximum utterance length."""

    def __init__(self, speech_start_s: float, silence_end_s: float, max_utterance_s: float) -> None:
        self._start_s = speech_start_s
        self._end_s = silence_end_s
        self._max_s = max_utterance_s
        self.reset()

    def reset(self) -> None:
        """Forget everything: the next speech starts a new utterance."""
        self.in_speech = False
        """True between a `start` and its `end`."""
        self._speech = 0.0  # consecutive speech before a start
        self._silence = 0.0  # consecutive silence (inside an utterance, or before a start)
        self._length = 0.0  # length of the current utterance so far

    def process(self, seconds: float, is_speech: bool) -> Boundary | None:
        """Account for one frame of `seconds` classified as speech or not."""
        if not self.in_speech:
            if is_speech:
                self._speech += seconds
                self._silence = 0.0
                if self._speech >= self._start_s:
                    self.in_speech = True
                    self._length = self._speech
                    self._silence = 0.0
                    return Boundary("start", self._speech)
            else:
                self._silence += seconds
                if self._silence >= self._start_s:  # a click or a cough is not speech
                    self._speech = 0.0
            return None
        self._length += seconds
        self._silence = 0.0 if is_speech else self._silence + seconds
        if self._silence >= self._end_s:
            ago = self._silence
            self.reset()
            return Boundary("end", ago)
        if self._length >= self._max_s:
            self.reset()
            return Boundary("end", 0.0, cut=True)
        return None
