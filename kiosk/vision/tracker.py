"""The approach tracker: from the faces in each frame to "someone stopped here" and "they left".

Pure and clock-free: the caller passes each frame's time and detections, so a test can feed
made-up faces and a video can feed its own frame times. Rules (docs/vision.md explains them):

- only the nearest face counts (the biggest box): it is the gaze target, every frame;
- *approach*: that face is near (`near_size`) and has held still — size within `still_size`,
  centre within `still_move` — for `dwell_s`. Walking up makes the face grow too fast to be
  still, crossing the hall moves it too far, and a passer-by far away is never near;
- one approach per visitor: the tracker is then engaged until *leave*, when no face has been
  at least `leave_size` for `absence_s`; after that it is armed again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.config import PresenceConfig
from kiosk.events import FaceSeen, VisitorApproached, VisitorLeft
from kiosk.vision.detector import Face

PresenceEvent = FaceSeen | VisitorApproached | VisitorLeft
"""What the tracker reports."""


@dataclass(frozen=True, slots=True)
class _Sample:
    t: float
    face: Face


class ApproachTracker:
    """Turns per-frame detections into FaceSeen / VisitorApproached / VisitorLeft events."""

    def __init__(self, config: PresenceConfig) -> None:
        self.config = config
        self._window: deque[_Sample] = deque()
        self._engaged = False
        self._last_near = float("-inf")
        self._last_t = float("-inf")

    @property
    def engaged(self) -> bool:
        """True from a visitor's approach until they leave (no second greeting meanwhile)."""
        return self._engaged

    def reset(self) -> None:
        """Forget everything (a new video, a camera that came back)."""
        self._window.clear()
        self._engaged = False
        self._last_near = self._last_t = float("-inf")

    def update(self, t: float, frame: int, faces: Sequence[Face]) -> tuple[PresenceEvent, ...]:
        """Feed one frame's detections (taken at `t` seconds); returns the events it causes."""
        if t < self._last_t:  # the source started over: a looped video, a reopened camera
            self.reset()
        self._last_t = t
        events: list[PresenceEvent] = []
        nearest = max(faces, key=lambda face: face.height, default=None)
        if nearest is not None:
            events.append(FaceSeen(t=t, x=nearest.x, y=nearest.y, size=nearest.height))
            if nearest.height >= self.config.leave_size:
                self._last_near = t
        self._remember(t, nearest)
        if not self._engaged and self._still_and_near(t):
            self._engaged = True
            events.append(VisitorApproached(t=t, frame=frame))
        elif self._engaged and t - self._last_near >= self.config.absence_s:
            self._engaged = False
            self._window.clear()
            events.append(VisitorLeft(t=t, frame=frame))
        return tuple(events)

    def _remember(self, t: float, nearest: Face | None) -> None:
        """Keep the nearest face's samples of the last `dwell_s` (plus the one just before)."""
        window = self._window
        if nearest is None:
            if window and t - window[-1].t > self.config.max_gap_s:
                window.clear()  # gone, not just missed by the detector for a frame or two
            return
        if window and t - window[-1].t > self.config.max_gap_s:
            window.clear()
        window.append(_Sample(t, nearest))
        while len(window) > 1 and window[1].t <= t - self.config.dwell_s:
            window.popleft()

    def _still_and_near(self, t: float) -> bool:
        window, config = self._window, self.config
        if not window or t - window[0].t < config.dwell_s - 1e-6:
            return False
        sizes = [sample.face.height for sample in window]
        if min(sizes) < config.near_size:
            return False
        if max(sizes) - min(sizes) > config.still_size * max(sizes):
            return False
        xs = [sample.face.x for sample in window]
        ys = [sample.face.y for sample in window]
        return max(xs) - min(xs) <= config.still_move and max(ys) - min(ys) <= config.still_move
