"""The approach tracker on scripted detections: who gets greeted, when, and how often."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
import pytest

from kiosk.config import PresenceConfig
from kiosk.events import FaceSeen, VisitorApproached, VisitorLeft
from kiosk.vision.detector import Face
from kiosk.vision.tracker import ApproachTracker, PresenceEvent

FPS = 15.0
Script = Callable[[float], Sequence[Face]]


def face(x: float, y: float, size: float) -> Face:
    return Face(x=x, y=y, width=size * 0.75, height=size, score=0.9)


def run(script: Script, seconds: float, config: PresenceConfig | None = None,
        jitter: float = 0.02, drop_every: int = 0) -> list[PresenceEvent]:
    """Feed the tracker `seconds` of frames, with detector-like jitter and dropped frames."""
    tracker = ApproachTracker(config or PresenceConfig())
    rng = np.random.default_rng(7)
    events: list[PresenceEvent] = []
    for index in range(round(seconds * FPS)):
        t = index / FPS
        faces = [
            Face(f.x + rng.normal(0, 0.003), f.y + rng.normal(0, 0.003), f.width,
                 f.height * (1 + rng.uniform(-jitter, jitter)), f.score)
            for f in script(t)
        ]
        if drop_every and index % drop_every == 0:
            faces = []
        events.extend(tracker.update(t, index, faces))
    return events


def greetings(events: Sequence[PresenceEvent]) -> list[VisitorApproached]:
    return [e for e in events if isinstance(e, VisitorApproached)]


def leaves(events: Sequence[PresenceEvent]) -> list[VisitorLeft]:
    return [e for e in events if isinstance(e, VisitorLeft)]


def walker(start: float, stop: float, leave_at: float = float("inf"),
           far: float = 0.08, near: float = 0.4, x: float = 0.5) -> Script:
    """Walks straight up from `start` to `stop` (face grows as 1/distance), stays, goes."""
    def at(t: float) -> Sequence[Face]:
        if t < start or t >= leave_at:
            return []
        k = min((t - start) / (stop - start), 1.0)
        return [face(x, 0.4, 1.0 / (1.0 / far + k * (1.0 / near - 1.0 / far)))]

    return at


def crosser(size: float, seconds: float, start: float = 0.0, y: float = 0.35) -> Script:
    def at(t: float) -> Sequence[Face]:
        k = (t - start) / seconds
        return [face(0.05 + 0.9 * k, y, size)] if 0.0 <= k <= 1.0 else []

    return at


def together(*scripts: Script) -> Script:
    return lambda t: [f for script in scripts for f in script(t)]


def test_walk_up_and_stop_greets_once_within_a_second() -> None:
    events = run(walker(start=1.0, stop=4.0), seconds=10.0)
    (greeting,) = greetings(events)
    assert 4.0 <= greeting.t <= 5.0
    assert greeting.frame == round(greeting.t * FPS)
    assert leaves(events) == []


def test_no_greeting_while_still_walking() -> None:
    events = run(walker(start=0.0, stop=6.0), seconds=5.9)
    assert greetings(events) == []


def test_passer_by_far_away_is_never_greeted() -> None:
    assert greetings(run(crosser(size=0.09, seconds=5.0), seconds=6.0)) == []


def test_someone_who_stops_far_away_is_not_greeted() -> None:
    events = run(lambda t: [face(0.3, 0.35, 0.1)], seconds=10.0)
    assert greetings(events) == []
    assert len([e for e in events if isinstance(e, FaceSeen)]) == 150  # still a gaze target


def test_crossing_close_to_the_kiosk_is_not_an_approach() -> None:
    assert greetings(run(crosser(size=0.3, seconds=2.0), seconds=3.0)) == []
    assert greetings(run(crosser(size=0.3, seconds=5.0), seconds=6.0)) == []


def test_empty_hall_says_nothing() -> None:
    assert run(lambda t: [], seconds=10.0) == []


def test_the_nearest_face_is_the_gaze_target_and_the_one_greeted() -> None:
    script = together(crosser(size=0.1, seconds=6.0), walker(start=0.5, stop=3.0, x=0.7))
    events = run(script, seconds=8.0)
    (greeting,) = greetings(events)
    assert 3.0 <= greeting.t <= 4.0
    gaze = [e for e in events if isinstance(e, FaceSeen) and e.t > 2.0]
    assert gaze and all(abs(e.x - 0.7) < 0.02 and e.size > 0.15 for e in gaze)


def test_dropped_detections_do_not_stop_the_greeting() -> None:
    events = run(walker(start=1.0, stop=4.0), seconds=8.0, drop_every=4)
    (greeting,) = greetings(events)
    assert 4.0 <= greeting.t <= 5.0


def test_leave_after_the_configured_absence_then_greet_the_next_visitor() -> None:
    config = replace(PresenceConfig(), absence_s=2.0)
    script = together(walker(start=0.0, stop=2.0, leave_at=6.0),
                      walker(start=10.0, stop=12.0))
    events = run(script, seconds=15.0, config=config)
    first, second = greetings(events)
    (left,) = leaves(events)
    assert 2.0 <= first.t <= 3.0
    assert 8.0 - 1 / FPS <= left.t <= 8.0 + 1 / FPS  # last seen 6 s minus a frame, + 2 s
    assert 12.0 <= second.t <= 13.0
    assert [type(e) for e in events if not isinstance(e, FaceSeen)] == [
        VisitorApproached, VisitorLeft, VisitorApproached,
    ]


@pytest.mark.parametrize("absence", [1.0, 5.0])
def test_absence_is_configurable(absence: float) -> None:
    config = replace(PresenceConfig(), absence_s=absence)
    events = run(walker(start=0.0, stop=2.0, leave_at=4.0), seconds=12.0, config=config)
    (left,) = leaves(events)
    assert left.t == pytest.approx(4.0 - 1 / FPS + absence, abs=1.01 / FPS)


def test_one_greeting_for_a_long_stay_with_glances_away() -> None:
    def visitor(t: float) -> Sequence[Face]:
        if 0.0 <= t % 10.0 < 1.2 and t > 5.0:  # looks away (no face) for 1.2 s every 10 s
            return []
        return walker(start=0.0, stop=2.0)(t)

    events = run(visitor, seconds=60.0)
    assert len(greetings(events)) == 1
    assert leaves(events) == []


def test_stepping_back_a_little_is_not_leaving() -> None:
    def visitor(t: float) -> Sequence[Face]:
        return walker(start=0.0, stop=2.0)(t) if t < 5.0 else [face(0.5, 0.4, 0.14)]

    events = run(visitor, seconds=15.0)
    assert len(greetings(events)) == 1
    assert leaves(events) == []


def test_video_starting_over_re_arms() -> None:
    tracker = ApproachTracker(PresenceConfig())
    near = [face(0.5, 0.4, 0.3)]
    first = [e for i in range(15) for e in tracker.update(i / FPS, i, near)]
    again = [e for i in range(15) for e in tracker.update(i / FPS, i, near)]
    assert len(greetings(first)) == 1 and len(greetings(again)) == 1
