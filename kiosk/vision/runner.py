"""The presence thread: it owns the face detector, reads a frame source, reports events.

One native engine, one thread: the detector is created, used and closed on the runner's
thread, and only frozen events leave it (through the callback). A camera that is missing or
unplugged becomes `DeviceStatus(camera, fail)` and is retried every `reconnect_s`; when it
delivers again, `DeviceStatus(camera, ok)`. Frames are dropped as soon as they are detected.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from kiosk.config import PresenceConfig
from kiosk.errors import CameraError, KioskError
from kiosk.events import DeviceStatus
from kiosk.vision.detector import FaceDetector, MediapipeFaceDetector
from kiosk.vision.frames import FrameSource
from kiosk.vision.tracker import ApproachTracker, PresenceEvent

RunnerEvent = PresenceEvent | DeviceStatus
"""What the runner reports."""

DetectorFactory = Callable[[], FaceDetector]

log = logging.getLogger(__name__)


def packaged_detector(config: PresenceConfig) -> Callable[[], MediapipeFaceDetector]:
    """A factory for the configured detector (the packaged model unless `model` is set)."""
    model = Path(config.model).expanduser() if config.model else None
    return lambda: MediapipeFaceDetector(model, config.sha256, config.min_confidence)


def track_source(
    source: FrameSource,
    detector: FaceDetector,
    tracker: ApproachTracker,
    emit: Callable[[RunnerEvent], None],
    *,
    stop: threading.Event | None = None,
    realtime: bool = False,
    time_base: float = 0.0,
) -> int:
    """Detect and track every frame of an open source until it ends or `stop` is set.

    `realtime` paces a file source at its own frame rate (a camera paces itself);
    `time_base` is added to frame times (the monotonic start time, for a paced file).
    Returns the number of frames read. A live camera that stops raises `CameraError`.
    """
    started, count = time.monotonic(), 0
    while stop is None or not stop.is_set():
        frame = source.read()
        if frame is None:
            break
        count += 1
        if realtime and not source.live:
            delay = started + frame.t - time.monotonic()
            if delay > 0 and stop is not None and stop.wait(delay):
                break
            if delay > 0 and stop is None:
                time.sleep(delay)
        t = frame.t if source.live else time_base + frame.t
        for event in tracker.update(t, frame.index, detector.detect(frame)):
            emit(event)
        del frame  # never kept: not in the tracker, not in the events, not in a log
    return count


class PresenceRunner:
    """Runs detection + tracking on its own thread and calls `callback` with each event."""

    def __init__(
        self,
        config: PresenceConfig,
        source: FrameSource,
        callback: Callable[[RunnerEvent], None],
        *,
        detector: DetectorFactory | None = None,
        realtime: bool = True,
        loop: bool = False,
    ) -> None:
        self.config = config
        self.source = source
        self.callback = callback
        self.realtime = realtime
        """Pace a video file at its frame rate, as a camera would deliver it, with event times
        on the monotonic clock; unpaced, event times are the frames' times in the file."""
        self.loop = loop
        """Start a video file over when it ends (`kiosk run --simulate`)."""
        self._make_detector = detector or packaged_detector(config)
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._load_error: KioskError | None = None
        self.frames = 0
        """Frames processed so far."""

    def start(self) -> None:
        """Start the thread; returns once the detector is loaded (raises its `ModelError`)."""
        self._thread = threading.Thread(target=self._run, name="presence", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._load_error is not None:
            self._thread.join()
            raise self._load_error

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to finish and wait for it (the current frame completes first)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def join(self, timeout: float | None = None) -> None:
        """Wait until the source has ended (file sources without `loop`)."""
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        try:
            detector = self._make_detector()
        except KioskError as error:
            self._load_error = error
            self._ready.set()
            return
        self._ready.set()
        tracker = ApproachTracker(self.config)
        failing = False
        try:
            while not self._stop.is_set():
                try:
                    self.source.open()
                    if failing:
                        self._status("ok", f"{self.source.name} is back")
                        failing = False
                    self.frames += track_source(
                        self.source, detector, tracker, self.callback, stop=self._stop,
                        realtime=self.realtime,
                        time_base=time.monotonic() if self.realtime else 0.0,
                    )
                except CameraError as error:
                    if not failing:  # once per outage, not once per retry
                        log.warning("%s", error)
                        self._status("fail", error.message)
                        failing = True
                    if not self.source.live:
                        return  # a missing or broken file does not come back by waiting
                    tracker.reset()
                    self._stop.wait(self.config.reconnect_s)
                    continue
                finally:
                    self.source.close()
                if not (self.loop and not self.source.live):
                    return
        except Exception as error:  # a bug or an engine failure: say so, never die silently
            log.exception("presence stopped")
            self._status("fail", f"presence stopped: {error}")
        finally:
            detector.close()

    def _status(self, status: Literal["ok", "warn", "fail"], detail: str) -> None:
        event = DeviceStatus(t=time.monotonic(), device="camera", status=status, detail=detail)
        self.callback(event)
