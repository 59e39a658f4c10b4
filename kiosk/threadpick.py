"""How many threads a native engine's next call should use, learned from its recent calls."""

from __future__ import annotations

from collections.abc import Sequence


class ThreadChooser:
    """Picks, per call, the thread count that has lately run a unit of work fastest.

    A second thread halves the embedding of a question when the other core is free, and makes
    it slower when the other core is busy (the avatar, the microphone, TTS): measured on a
    2-core box, EmbeddingGemma took ~40 ms a question with two threads and ~65-85 ms with one
    on a quiet machine, and ~100 against ~65-75 ms with a core-burning process beside it
    (docs/retrieval.md). Which case holds changes from minute to minute, so it is measured,
    not configured: each call's time per unit of work (a token, say) is recorded under its
    thread count, smoothed; the next call takes the fastest, and every `explore`-th call tries
    the one tried least recently, so a change in load is noticed. Pure: times are passed in.
    """

    def __init__(self, choices: Sequence[int], *, explore: int = 8, smoothing: float = 0.3) -> None:
        if not choices or any(count < 1 for count in choices):
            raise ValueError(f"thread counts must be positive, not {list(choices)}")
        self._choices = sorted(set(choices))
        self._explore = explore
        self._smoothing = smoothing
        self._cost: dict[int, float] = {}
        self._last_tried: dict[int, int] = {}
        self._calls = 0

    @property
    def choices(self) -> list[int]:
        return list(self._choices)

    def pick(self) -> int:
        """The thread count for the next call."""
        untried = [count for count in self._choices if count not in self._cost]
        if untried:
            return untried[0]
        if self._explore and self._calls % self._explore == self._explore - 1:
            return min(self._choices, key=lambda count: self._last_tried[count])
        return min(self._choices, key=lambda count: self._cost[count])

    def record(self, threads: int, seconds: float, units: int) -> None:
        """A call with `threads` threads took `seconds` for `units` units of work."""
        if threads not in self._choices or units < 1:
            return
        cost = seconds / units
        previous = self._cost.get(threads)
        self._cost[threads] = cost if previous is None else (
            previous + self._smoothing * (cost - previous))
        self._last_tried[threads] = self._calls
        self._calls += 1
