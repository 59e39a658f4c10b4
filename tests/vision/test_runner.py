"""The presence thread: owns the detector, reports events, survives a missing camera."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from synthetic import scene, walker, write_video

from kiosk.config import PresenceConfig
from kiosk.errors import CameraError, ModelError
from kiosk.events import DeviceStatus, FaceSeen, VisitorApproached
from kiosk.vision.detector import MediapipeFaceDetector
from kiosk.vision.frames import CameraSource, Frame, VideoFileSource
from kiosk.vision.runner import PresenceRunner, RunnerEvent

pytestmark = pytest.mark.slow

APPROACH = ((0.5, 0.3, 0.08), (2.5, 0.5, 0.35), (4.0, 0.5, 0.35))


class Collector:
    """The callback: records each event and the thread it came from."""

    def __init__(self) -> None:
        self.events: list[RunnerEvent] = []
        self.threads: set[str] = set()
        self.changed = threading.Condition()

    def __call__(self, event: RunnerEvent) -> None:
        with self.changed:
            self.events.append(event)
            self.threads.add(threading.current_thread().name)
            self.changed.notify_all()

    def wait_for(self, test: Callable[[list[RunnerEvent]], bool], timeout: float = 30.0) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: test(self.events), timeout)


def statuses(events: list[RunnerEvent]) -> list[DeviceStatus]:
    return [e for e in events if isinstance(e, DeviceStatus)]


@pytest.fixture(scope="module")
def approach_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("runner")
    return write_video(folder / "approach.avi", scene(walker(*APPROACH)), 4.0)


def test_runner_greets_from_its_own_thread_with_its_own_detector(approach_video: Path) -> None:
    made_on: list[str] = []

    def detector() -> MediapipeFaceDetector:
        made_on.append(threading.current_thread().name)
        return MediapipeFaceDetector()

    events = Collector()
    runner = PresenceRunner(PresenceConfig(), VideoFileSource(approach_video), events,
                            detector=detector, realtime=False)
    runner.start()
    runner.join(60)
    assert not runner.running
    assert made_on == ["presence"] and events.threads == {"presence"}
    assert runner.frames == 60
    greetings = [e for e in events.events if isinstance(e, VisitorApproached)]
    assert len(greetings) == 1 and 2.5 <= greetings[0].t <= 3.5
    assert sum(isinstance(e, FaceSeen) for e in events.events) >= 50


def test_paced_video_is_on_the_monotonic_clock(tmp_path: Path) -> None:
    video = write_video(tmp_path / "short.avi", scene(walker((0.0, 0.5, 0.3), (1.0, 0.5, 0.3))),
                        1.0)
    events = Collector()
    before = time.monotonic()
    runner = PresenceRunner(PresenceConfig(), VideoFileSource(video), events, realtime=True)
    runner.start()
    runner.join(30)
    after = time.monotonic()
    seen = [e.t for e in events.events if isinstance(e, FaceSeen)]
    assert len(seen) >= 14 and before <= seen[0] < seen[-1] <= after
    assert seen[-1] - seen[0] == pytest.approx(14 / 15, abs=0.01)


def test_missing_camera_is_a_device_status_and_is_retried() -> None:
    config = replace(PresenceConfig(), reconnect_s=0.1)
    events = Collector()
    runner = PresenceRunner(config, CameraSource(index=63), events)
    runner.start()
    try:
        assert events.wait_for(lambda got: len(statuses(got)) >= 1, timeout=10)
        time.sleep(0.5)  # several retries happen meanwhile
        assert runner.running
    finally:
        runner.stop()
    assert not runner.running
    (status,) = statuses(events.events)  # reported once per outage, not per retry
    assert (status.device, status.status) == ("camera", "fail")
    assert "camera 63 cannot be opened" in status.detail


class UnpluggedOnce(VideoFileSource):
    """A camera (live) that goes away after 20 frames, the first time only: the unplug test.

    There is no camera on this machine; the frames are a real video's, the fault is scripted.
    """

    live = True

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.opened = 0

    def open(self) -> None:
        self.opened += 1
        super().open()

    def read(self) -> Frame | None:
        frame = super().read()
        if self.opened == 1 and frame is not None and frame.index == 20:
            raise CameraError("camera 0 stopped delivering frames", hint="check the cable")
        return frame


def test_unplugged_camera_reports_fail_then_ok_and_keeps_tracking(approach_video: Path) -> None:
    config = replace(PresenceConfig(), reconnect_s=0.05)
    events, source = Collector(), UnpluggedOnce(approach_video)
    runner = PresenceRunner(config, source, events)
    runner.start()
    try:
        assert events.wait_for(
            lambda got: any(isinstance(e, VisitorApproached) for e in got), timeout=60
        )
    finally:
        runner.stop()
    kinds = [(e.status, e.detail) for e in statuses(events.events)]
    assert kinds == [("fail", "camera 0 stopped delivering frames"),
                     ("ok", "approach.avi is back")]
    assert source.opened == 2


def test_a_missing_video_ends_the_runner_with_a_status(tmp_path: Path) -> None:
    events = Collector()
    runner = PresenceRunner(PresenceConfig(), VideoFileSource(tmp_path / "gone.mp4"), events)
    runner.start()
    runner.join(10)
    assert not runner.running
    (status,) = statuses(events.events)
    assert status.status == "fail" and "does not exist" in status.detail


def test_a_bad_model_fails_start_not_the_thread(tmp_path: Path) -> None:
    config = replace(PresenceConfig(), model=str(tmp_path / "missing.tflite"))
    runner = PresenceRunner(config, VideoFileSource(tmp_path / "any.avi"), Collector())
    with pytest.raises(ModelError, match="cannot be read"):
        runner.start()
    assert not runner.running


def test_looping_video_runs_until_stopped(tmp_path: Path) -> None:
    video = write_video(tmp_path / "loop.avi", scene(), 0.4)
    runner = PresenceRunner(PresenceConfig(), VideoFileSource(video), Collector(),
                            realtime=False, loop=True)
    runner.start()
    deadline = time.monotonic() + 30
    while runner.frames < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    runner.stop()
    assert not runner.running and runner.frames >= 20
