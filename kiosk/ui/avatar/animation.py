"""The avatar's motion as pure functions of time: visemes, blinks, breathing, gaze, smile.

Nothing here touches Qt or OpenGL, and time is always passed in, so the same inputs give the
same pose; the renderers only draw a `Pose`.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from kiosk.events import FaceSeen, Viseme, VisemeTimeline

COARTICULATION_S = 0.06
"""Half-width of the window over which neighbouring visemes blend into each other."""
ANTICIPATION_S = 0.02
"""Lips move slightly ahead of the sound, as they do in speech."""
DOMINANCE: dict[Viseme, float] = {"PP": 3.0, "FF": 2.0, "sil": 0.6}
"""How strongly a viseme resists its neighbours (lips must close fully for p/b/m)."""


@dataclass(frozen=True, slots=True)
class Pose:
    """Everything a renderer needs to draw one frame."""

    visemes: tuple[tuple[Viseme, float], ...] = (("sil", 1.0),)
    """Mouth shapes with weights summing to 1, heaviest first."""
    blink: float = 0.0
    """0 eyes open … 1 eyes closed."""
    breath: float = 0.0
    """-1 … 1, the phase of the breathing cycle (chest and head rise)."""
    yaw: float = 0.0
    """Head turn in radians, positive to the avatar's left (the viewer's right)."""
    pitch: float = 0.0
    """Head tilt in radians, positive looking down."""
    gaze_x: float = 0.0
    """Eyes left/right, -1 … 1 (viewer's right is positive)."""
    gaze_y: float = 0.0
    """Eyes up/down, -1 … 1 (down is positive)."""
    smile: float = 0.0
    """0 neutral … 1 a full smile."""

    def weight(self, viseme: Viseme) -> float:
        """The weight of one viseme in this pose."""
        return sum(w for v, w in self.visemes if v == viseme)


def mouth_weights(
    timeline: VisemeTimeline | None, clock: float
) -> tuple[tuple[Viseme, float], ...]:
    """Coarticulated viseme weights at playback time `clock`.

    Each key contributes the overlap of its interval with a triangular window centred on the
    (slightly anticipated) clock, scaled by its dominance, so a shape fades in before its sound
    and out after it, and short keys borrow from their neighbours.
    """
    if timeline is None or not timeline.keys:
        return (("sil", 1.0),)
    centre = clock - timeline.offset + ANTICIPATION_S
    low, high = centre - COARTICULATION_S, centre + COARTICULATION_S
    totals: dict[Viseme, float] = {}
    for key in timeline.keys:
        if key.end <= low or key.start >= high:
            continue
        share = _triangle_overlap(key.start, key.end, centre, COARTICULATION_S)
        if share > 0.0:
            totals[key.viseme] = totals.get(key.viseme, 0.0) + share * DOMINANCE.get(
                key.viseme, 1.0
            )
    covered = sum(
        _triangle_overlap(k.start, k.end, centre, COARTICULATION_S)
        for k in timeline.keys
        if not (k.end <= low or k.start >= high)
    )
    if covered < 1.0:  # before the first key, after the last, or in a gap: closed mouth
        totals["sil"] = totals.get("sil", 0.0) + (1.0 - covered) * DOMINANCE["sil"]
    total = sum(totals.values())
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    return tuple((viseme, weight / total) for viseme, weight in ranked if weight / total > 0.01)


def _triangle_overlap(start: float, end: float, centre: float, half: float) -> float:
    """Integral of a unit-area triangle of half-width `half` at `centre` over [start, end]."""

    def cdf(x: float) -> float:
        u = max(-1.0, min(1.0, (x - centre) / half))
        return 0.5 + u - 0.5 * u * abs(u)

    return max(0.0, cdf(end) - cdf(start))


@dataclass(slots=True)
class Animator:
    """Turns the events the screen receives into a `Pose` at any moment.

    Blinks come at random intervals (seeded, so tests can reproduce them), breathing is a slow
    sine, gaze eases toward the visitor's face, and the head follows the eyes a little.
    """

    seed: int = 7
    timeline: VisemeTimeline | None = None
    speech_anchor: tuple[float, float] = (0.0, 0.0)
    """(monotonic time, playback time) of the last SpeakingStarted: maps one clock to the other."""
    smile_until: float = -1.0
    face: FaceSeen | None = None
    forced_blink: float | None = None
    """Tests and screenshots pin the blink amount here."""
    forced_yaw: float | None = None
    still: bool = False
    """Screenshots: no breathing, idle sway or smile, so two stills differ only where they must."""
    _blinks: list[float] = field(default_factory=list)
    _gaze: tuple[float, float, float] = (0.0, 0.0, -1.0)
    """(x, y, time of last update) of the smoothed gaze."""

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        t, blinks = 0.8, []
        while t < 3600.0:  # an hour of blinks, then the pattern repeats
            blinks.append(t)
            t += rng.uniform(2.0, 5.5) if rng.random() > 0.15 else 0.35  # sometimes a double
        self._blinks = blinks

    def speak(self, timeline: VisemeTimeline, started_at: float) -> None:
        """Audio of `timeline` started playing at monotonic time `started_at`."""
        self.timeline = timeline
        self.speech_anchor = (started_at, timeline.offset)

    def stop_speaking(self) -> None:
        """Barge-in or the end of speech: the mouth closes."""
        self.timeline = None

    def greet(self, now: float, seconds: float = 3.0) -> None:
        """Smile for a while (a visitor was greeted)."""
        self.smile_until = now + seconds

    def look_at(self, face: FaceSeen | None) -> None:
        """Set the gaze target (None: look ahead)."""
        self.face = face

    def playback_clock(self, now: float) -> float:
        """The playback-clock time corresponding to monotonic `now`."""
        started, offset = self.speech_anchor
        return offset + (now - started)

    def pose(self, now: float) -> Pose:
        """The pose at monotonic time `now`."""
        visemes = mouth_weights(self.timeline, self.playback_clock(now))
        breath = 0.0 if self.still else math.sin(now * 2.0 * math.pi / 4.2)
        gaze_x, gaze_y = self._eased_gaze(now)
        idle_yaw = 0.0 if self.still else 0.05 * math.sin(now * 0.37) + 0.02 * math.sin(now * 0.91)
        yaw = self.forced_yaw if self.forced_yaw is not None else 0.35 * gaze_x + idle_yaw
        smile = 0.0 if self.still else _envelope(self.smile_until - now, 3.0)
        return Pose(
            visemes=visemes,
            blink=self.forced_blink if self.forced_blink is not None else self._blink(now),
            breath=breath,
            yaw=yaw,
            pitch=0.12 * gaze_y + 0.015 * breath,
            gaze_x=gaze_x,
            gaze_y=gaze_y,
            smile=smile,
        )

    def _blink(self, now: float) -> float:
        t = now % 3600.0
        for start in self._blinks:
            if start > t:
                break
            phase = (t - start) / 0.16  # a blink takes about 160 ms
            if phase < 1.0:
                return math.sin(math.pi * phase)
        return 0.0

    def _eased_gaze(self, now: float) -> tuple[float, float]:
        # Camera x=0 is the visitor's right as seen by the kiosk; the avatar mirrors it.
        target = (
            (0.0, 0.0)
            if self.face is None
            else (
                max(-1.0, min(1.0, (0.5 - self.face.x) * 2.0)),
                max(-1.0, min(1.0, (self.face.y - 0.45) * 2.0)),
            )
        )
        x, y, last = self._gaze
        step = 1.0 if last < 0 else 1.0 - math.exp(-max(0.0, now - last) / 0.25)
        x += (target[0] - x) * step
        y += (target[1] - y) * step
        self._gaze = (x, y, now)
        return x, y


def _envelope(remaining: float, length: float) -> float:
    """1 while a timed expression lasts, easing in and out over 0.4 s."""
    if remaining <= 0.0:
        return 0.0
    elapsed = length - remaining
    return min(1.0, remaining / 0.4, max(0.0, elapsed) / 0.4 + 0.0001)
