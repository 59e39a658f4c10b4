"""Presence quality: random synthetic scenes through the real detector and tracker.

Each case renders a fresh hall video (tests/vision/synthetic.py) with random speed, sizes,
positions and frame rate, and checks the outcome the issue asks for:

- walk-ups (three gaits: steady walk, slowing to a stop, face scaled linearly) → exactly one
  approach, at or after the stop and within 1 s of it;
- crossing far away, crossing close, stopping far away → no approach.

    .venv/bin/python bench/presence_quality.py             # 60 cases, seed 1
    .venv/bin/python bench/presence_quality.py --cases 120 --seed 7
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "vision"))

from synthetic import Person, scene, walker, write_video  # noqa: E402

from kiosk.config import PresenceConfig  # noqa: E402
from kiosk.events import FaceSeen  # noqa: E402
from kiosk.vision.detector import MediapipeFaceDetector  # noqa: E402
from kiosk.vision.frames import VideoFileSource  # noqa: E402
from kiosk.vision.tracker import ApproachTracker, PresenceEvent  # noqa: E402

Mover = Callable[[float], Person | None]


def gait(kind: str, t0: float, stop: float, s0: float, s1: float, x0: float, x1: float,
         end: float) -> Mover:
    """A walk-up: `walk` (distance falls linearly), `slowing` (eases out), `scaled` (size)."""
    if kind == "walk":
        return walker((t0, x0, s0), (stop, x1, s1), (end, x1, s1))

    def at(t: float) -> Person | None:
        if not t0 <= t <= end:
            return None
        k = min((t - t0) / (stop - t0), 1.0)
        if kind == "slowing":
            k = 1.0 - (1.0 - k) ** 2
            size = 1.0 / (1.0 / s0 + k * (1.0 / s1 - 1.0 / s0))
        else:
            size = s0 + k * (s1 - s0)
        return Person(x0 + k * (x1 - x0), 0.4, size)

    return at


def case(rng: random.Random) -> tuple[str, Mover, float, float | None]:
    """(kind, the person, video seconds, stop time or None when no greeting is due)."""
    kind = rng.choice(["walk", "slowing", "scaled", "far", "close", "stands far"])
    if kind in ("walk", "slowing", "scaled"):
        t0, walking = rng.uniform(0.3, 1.5), rng.uniform(1.5, 7.0 if kind == "scaled" else 5.0)
        stop = t0 + walking
        person = gait(kind, t0, stop, rng.uniform(0.05, 0.1), rng.uniform(0.22, 0.5),
                      rng.uniform(0.2, 0.8), rng.uniform(0.35, 0.65), stop + 2.5)
        return kind, person, stop + 2.5, stop
    if kind in ("far", "close"):
        size = rng.uniform(0.06, 0.14) if kind == "far" else rng.uniform(0.2, 0.45)
        seconds, leftward = rng.uniform(1.5, 8.0), rng.random() < 0.5
        start, end = (1.05, -0.05) if leftward else (-0.05, 1.05)
        return kind, walker((0.0, start, size), (seconds, end, size), y=rng.uniform(0.3, 0.5)), \
            seconds, None
    size = rng.uniform(0.07, 0.14)
    return kind, walker((0.0, 0.1, 0.06), (1.5, 0.4, size), (5.0, 0.4, size)), 5.0, None


def outcome(events: list[PresenceEvent], stop: float | None) -> tuple[bool, float | None]:
    """(as required?, greeting delay after the stop)."""
    said = [e for e in events if not isinstance(e, FaceSeen)]
    if stop is None:
        return said == [], None
    if len(said) != 1:
        return False, None
    delay = said[0].t - stop
    return 0.0 <= delay <= 1.0, delay


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng, detector, config = random.Random(args.seed), MediapipeFaceDetector(), PresenceConfig()
    passed: dict[str, list[bool]] = defaultdict(list)
    delays: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        for number in range(args.cases):
            kind, person, seconds, stop = case(rng)
            fps = rng.choice([10.0, 15.0, 25.0, 30.0])
            path = write_video(Path(folder) / "case.avi", scene(person), seconds, fps)
            tracker, events = ApproachTracker(config), []
            with VideoFileSource(path) as source:
                while (frame := source.read()) is not None:
                    events.extend(tracker.update(frame.t, frame.index, detector.detect(frame)))
            ok, delay = outcome(events, stop)
            passed[kind].append(ok)
            if delay is not None:
                delays.append(delay)
            if not ok:
                said = [(type(e).__name__, round(e.t, 2)) for e in events
                        if not isinstance(e, FaceSeen)]
                print(f"  case {number}: {kind} at {fps:.0f} fps, stop {stop}: {said}")
    for kind, results in passed.items():
        print(f"{kind:<11} {sum(results):>3}/{len(results):<3} as required")
    total = [ok for results in passed.values() for ok in results]
    print(f"all         {sum(total):>3}/{len(total):<3} ({100 * sum(total) / len(total):.0f} %)")
    if delays:
        ordered = sorted(delays)
        print(f"greeting after the stop: median {statistics.median(ordered):.2f} s, "
              f"min {ordered[0]:.2f} s, max {ordered[-1]:.2f} s")


if __name__ == "__main__":
    main()
