"""The echo gate: tells a visitor's wake phrase from the kiosk hearing itself say it.

While the kiosk speaks, the microphone is only spotting the wake phrase (for barge-in); nothing
is transcribed. The one thing it could still wake on is its own voice saying the phrase ("say
hello kiosk to ask me"). The core tells the gate what is playing and when; a wake heard while a
sentence containing the phrase plays (or its echo dies away) is the kiosk's own. Pure: times
are passed in, on the microphone's clock.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable

_WORDS = re.compile(r"[\w']+")


def _words(text: str) -> str:
    return " " + " ".join(_WORDS.findall(text.lower())) + " "


class EchoGate:
    """Remembers the recent sentences that contain a wake phrase, with their playing times."""

    def __init__(self, phrases: Iterable[str], tail_s: float) -> None:
        self._phrases = [_words(p) for p in phrases if p.strip()]
        self._tail_s = tail_s
        self._spans: deque[tuple[float, float]] = deque(maxlen=16)

    def playing(self, text: str, start: float, end: float) -> None:
        """`text` is played from `start` to `end`."""
        spoken = _words(text)
        if any(phrase in spoken for phrase in self._phrases):
            self._spans.append((start, end))

    def silenced(self, t: float) -> None:
        """The speaker was cut at `t` (barge-in): nothing queued will play."""
        self._spans = deque(((s, min(e, t)) for s, e in self._spans if s < t), maxlen=16)

    def is_echo(self, t: float) -> bool:
        """True when a wake heard at `t` is most likely the kiosk's own voice."""
        return any(start <= t <= end + self._tail_s for start, end in self._spans)
