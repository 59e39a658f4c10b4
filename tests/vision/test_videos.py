"""Synthetic hall videos through the real detector and tracker, and `kiosk presence` on them.

Each video is written into tmp_path with OpenCV's VideoWriter, read back as a camera would
be, and every frame goes through mediapipe: the tests check that the face really is found
(else "no greeting" would prove nothing) and that only the visitor who stops is greeted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import pytest
from synthetic import FPS, Placement, grace_hopper, hall, render, scene, walker, write_video

from kiosk.config import PresenceConfig
from kiosk.events import FaceSeen, VisitorApproached, VisitorLeft
from kiosk.vision.detector import MediapipeFaceDetector
from kiosk.vision.frames import VideoFileSource
from kiosk.vision.tracker import ApproachTracker, PresenceEvent

pytestmark = pytest.mark.slow


@dataclass
class Run:
    """What the pipeline saw in one video."""

    events: list[PresenceEvent] = field(default_factory=list)
    found: dict[int, int] = field(default_factory=dict)
    """Frame index → number of faces the detector found."""

    def approaches(self) -> list[VisitorApproached]:
        return [e for e in self.events if isinstance(e, VisitorApproached)]

    def leaves(self) -> list[VisitorLeft]:
        return [e for e in self.events if isinstance(e, VisitorLeft)]

    def found_share(self, placement: Placement, seconds: float) -> float:
        """Share of the frames with someone (fully) in view in which a face was found."""
        frames = [i for i in range(round(seconds * FPS))
                  if any(0.05 < p.x < 0.95 for p in placement(i / FPS))]
        return sum(1 for i in frames if self.found.get(i, 0)) / max(len(frames), 1)


def track(path: Path, detector: MediapipeFaceDetector, config: PresenceConfig) -> Run:
    run, tracker = Run(), ApproachTracker(config)
    with VideoFileSource(path) as source:
        while (frame := source.read()) is not None:
            faces = detector.detect(frame)
            run.found[frame.index] = len(faces)
            run.events.extend(tracker.update(frame.t, frame.index, faces))
    return run


VideoMaker = Callable[[str, Placement, float], Path]


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> VideoMaker:
    """Renders a scene into a video once per module (two tests may read the same one)."""
    folder, made = tmp_path_factory.mktemp("videos"), dict[str, Path]()

    def get(name: str, placement: Placement, seconds: float) -> Path:
        if name not in made:
            made[name] = write_video(folder / f"{name}.avi", placement, seconds)
        return made[name]

    return get


APPROACHES = {
    "from the left, stops at 4.0 s": ((1.0, 0.25, 0.07), (4.0, 0.5, 0.40), (7.0, 0.5, 0.40)),
    "from the right, stops at 3.2 s": ((0.3, 0.8, 0.08), (3.2, 0.6, 0.30), (6.0, 0.6, 0.30)),
    "straight on, slowly, stops at 5.0 s": ((0.5, 0.45, 0.06), (5.0, 0.5, 0.45), (7.5, 0.5, 0.45)),
}


@pytest.mark.parametrize("keys", APPROACHES.values(), ids=APPROACHES.keys())
def test_visitor_walking_up_and_stopping_is_greeted_once_within_a_second(
    video: VideoMaker, detector: MediapipeFaceDetector, keys: tuple[tuple[float, float, float], ...]
) -> None:
    placement = scene(walker(*keys))
    seconds, stopped = keys[-1][0], keys[-2][0]
    run = track(video(f"approach-{keys[-2][0]}", placement, seconds), detector,
                PresenceConfig())
    assert run.found_share(placement, seconds) >= 0.9
    (approach,) = run.approaches()
    assert stopped <= approach.t <= stopped + 1.0
    assert run.leaves() == []


def test_passer_by_crossing_the_hall_far_away_is_not_greeted(
    video: VideoMaker, detector: MediapipeFaceDetector
) -> None:
    placement = scene(walker((0.5, -0.05, 0.1), (5.5, 1.05, 0.1), y=0.35))
    run = track(video("far", placement, 6.0), detector, PresenceConfig())
    assert run.found_share(placement, 6.0) >= 0.8
    assert [e for e in run.events if not isinstance(e, FaceSeen)] == []


def test_someone_who_stops_to_look_around_far_away_is_not_greeted(
    video: VideoMaker, detector: MediapipeFaceDetector
) -> None:
    placement = scene(walker((0.0, 0.1, 0.08), (1.5, 0.3, 0.12), (5.0, 0.3, 0.12), y=0.36))
    run = track(video("stands", placement, 5.0), detector, PresenceConfig())
    assert run.found_share(placement, 5.0) >= 0.9
    assert run.approaches() == []


def test_someone_crossing_close_to_the_kiosk_is_not_greeted(
    video: VideoMaker, detector: MediapipeFaceDetector
) -> None:
    placement = scene(walker((0.2, 1.05, 0.26), (3.0, -0.05, 0.26)))
    run = track(video("near", placement, 3.5), detector, PresenceConfig())
    assert run.found_share(placement, 3.5) >= 0.8
    assert run.approaches() == []


def test_empty_hall_has_no_face_and_no_event(
    video: VideoMaker, detector: MediapipeFaceDetector
) -> None:
    run = track(video("empty", scene(), 4.0), detector, PresenceConfig())
    assert sum(run.found.values()) == 0 and len(run.found) == 60
    assert run.events == []


def test_with_several_people_the_nearest_is_greeted_and_looked_at(
    video: VideoMaker, detector: MediapipeFaceDetector
) -> None:
    visitor = walker((0.5, 0.75, 0.08), (3.0, 0.65, 0.35), (6.0, 0.65, 0.35))
    passer_by = walker((0.0, -0.05, 0.11), (6.0, 1.05, 0.11), y=0.33)
    run = track(video("two", scene(visitor, passer_by), 6.0), detector,
                PresenceConfig())
    assert max(run.found.values()) == 2
    (approach,) = run.approaches()
    assert 3.0 <= approach.t <= 4.0
    gaze = [e for e in run.events if isinstance(e, FaceSeen) and e.t >= 3.0]
    assert len(gaze) >= 40 and all(abs(e.x - 0.65) < 0.05 for e in gaze)


def test_visitor_leaves_and_the_next_visit_is_greeted_again(
    video: VideoMaker, detector: MediapipeFaceDetector
) -> None:
    config = replace(PresenceConfig(), absence_s=2.0)
    first = walker((0.0, 0.3, 0.08), (2.0, 0.5, 0.35), (4.0, 0.5, 0.35), (5.0, 0.9, 0.09))
    back = walker((8.0, 0.2, 0.08), (10.0, 0.45, 0.35), (12.0, 0.45, 0.35))
    run = track(video("twice", scene(first, back), 12.0), detector, config)
    kinds = [type(e) for e in run.events if not isinstance(e, FaceSeen)]
    assert kinds == [VisitorApproached, VisitorLeft, VisitorApproached]
    greeted, left, again = (e for e in run.events if not isinstance(e, FaceSeen))
    assert 2.0 <= greeted.t <= 3.0
    assert 6.0 <= left.t <= 7.5  # near until ~4.5 s, then 2 s absence
    assert 10.0 <= again.t <= 11.0


def _kiosk(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # HOME in the working folder too, so a frame written under ~ would be seen; matplotlib
    # (imported by mediapipe) keeps its font cache elsewhere.
    env = dict(os.environ, HOME=str(cwd), MPLCONFIGDIR=str(cwd.parent / "mpl")) if cwd else None
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True,
                          text=True, timeout=120, check=False, cwd=cwd, env=env)


def test_kiosk_presence_prints_the_json_contract(video: VideoMaker) -> None:
    keys = APPROACHES["from the left, stops at 4.0 s"]
    path = video(f"approach-{keys[-2][0]}", scene(walker(*keys)), keys[-1][0])
    done = _kiosk("presence", "--video", str(path), "--json")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 1
    (line,) = lines
    assert list(line) == ["event", "frame", "t"]
    assert line["event"] == "approach" and 4.0 <= line["t"] <= 5.0
    assert line["t"] == pytest.approx(line["frame"] / FPS, abs=1e-3)
    assert "fps), model sha256 2c3728e6" in done.stderr
    assert "Sparsity" not in done.stderr  # LiteRT's load-time chatter is filtered


def test_kiosk_presence_on_an_empty_hall_prints_nothing(video: VideoMaker) -> None:
    path = video("empty", scene(), 4.0)
    done = _kiosk("presence", "--video", str(path), "--json")
    assert (done.returncode, done.stdout) == (0, "")


def test_kiosk_presence_with_a_missing_video_is_a_clear_error(tmp_path: Path) -> None:
    done = _kiosk("presence", "--video", str(tmp_path / "nope.mp4"))
    assert done.returncode == 2
    assert "does not exist" in done.stderr and "Traceback" not in done.stderr


def test_kiosk_presence_on_images_in_words_and_nothing_written(tmp_path: Path) -> None:
    """Frames never reach the disk: the run leaves its working and home folders untouched."""
    frames, work = tmp_path / "frames", tmp_path / "work"
    frames.mkdir()
    work.mkdir()
    placement = scene(walker((0.0, 0.4, 0.1), (2.0, 0.5, 0.35), (4.0, 0.5, 0.35)))
    background, photo = hall(), grace_hopper()
    for index in range(40):
        image = render(placement(index / 10), background, photo, index)
        cv2.imwrite(str(frames / f"frame{index:04}.jpg"), image)
    done = _kiosk("presence", "--images", str(frames), "--fps", "10", cwd=work)
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    assert line.split()[:2] == ["approach", "frame"]
    assert 2.0 <= float(line.split()[-2]) <= 3.0
    assert list(work.rglob("*")) == [] and len(list(frames.iterdir())) == 40
