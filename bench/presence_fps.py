"""Presence speed: frames per second of detection + tracking on a 640×480 video.

By default a synthetic hall video (tests/vision/synthetic.py: a visitor walks up and stops, a
passer-by crosses) is rendered once into a temporary folder; `--video FILE` measures any file.
Each round decodes every frame, runs the real detector (packaged BlazeFace full-range model)
and the tracker; the median of the rounds is printed, with per-frame detection times and, for
the synthetic video, how long after stopping the visitor was greeted.

    .venv/bin/python bench/presence_fps.py
    .venv/bin/python bench/presence_fps.py --video hall.mp4 --rounds 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "vision"))

from kiosk.config import PresenceConfig  # noqa: E402
from kiosk.events import VisitorApproached  # noqa: E402
from kiosk.vision.detector import MediapipeFaceDetector  # noqa: E402
from kiosk.vision.frames import VideoFileSource  # noqa: E402
from kiosk.vision.tracker import ApproachTracker  # noqa: E402

STOP = 4.0
"""When the synthetic visitor stops walking (seconds)."""


def synthetic_video(folder: Path) -> Path:
    from synthetic import scene, walker, write_video

    visitor = walker((1.0, 0.25, 0.07), (STOP, 0.5, 0.40), (10.0, 0.5, 0.40))
    passer_by = walker((0.0, -0.05, 0.1), (8.0, 1.05, 0.1), y=0.33)
    return write_video(folder / "hall.avi", scene(visitor, passer_by), 10.0)


def one_round(path: Path, detector: MediapipeFaceDetector) -> tuple[float, list[float], float]:
    """(frames per second overall, ms per detection, greeting time or nan)."""
    tracker, detect_ms, greeted = ApproachTracker(PresenceConfig()), [], float("nan")
    started, frames = time.perf_counter(), 0
    with VideoFileSource(path) as source:
        while (frame := source.read()) is not None:
            frames += 1
            before = time.perf_counter()
            faces = detector.detect(frame)
            detect_ms.append((time.perf_counter() - before) * 1000)
            for event in tracker.update(frame.t, frame.index, faces):
                if isinstance(event, VisitorApproached) and greeted != greeted:
                    greeted = event.t
    return frames / (time.perf_counter() - started), detect_ms, greeted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", type=Path, help="measure this file instead")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    detector = MediapipeFaceDetector()
    with tempfile.TemporaryDirectory() as folder:
        path = args.video or synthetic_video(Path(folder))
        one_round(path, detector)  # warm-up: caches, XNNPACK
        rounds = [one_round(path, detector) for _ in range(args.rounds)]
    fps = [r[0] for r in rounds]
    detect = sorted(ms for r in rounds for ms in r[1])
    print(f"video: {path.name if args.video else 'synthetic hall, 640×480, 150 frames'}")
    print(f"decode + detect + track: median {statistics.median(fps):.1f} fps "
          f"(rounds: {', '.join(f'{v:.1f}' for v in fps)})")
    print(f"detection per frame: p50 {detect[len(detect) // 2]:.1f} ms, "
          f"p95 {detect[int(0.95 * (len(detect) - 1))]:.1f} ms")
    if not args.video:
        greeted = rounds[0][2]
        print(f"greeting: {greeted - STOP:.2f} s after the visitor stopped (target ≤ 1 s)")


if __name__ == "__main__":
    main()
