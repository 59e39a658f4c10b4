"""Frame sources: a camera through OpenCV, and a video file or an image folder standing in for it.

Every source yields RGB frames with an index and a time; none of them keeps or writes a frame.
A camera that is missing or stops is a `CameraError`, which the presence runner turns into a
`DeviceStatus` event and retries; the file sources are the simulators `kiosk run --simulate`
and the tests use.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from kiosk.errors import CameraError
from kiosk.vision.opencv import load_cv2

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp"})


@dataclass(frozen=True, slots=True)
class Frame:
    """One picture from a source; lives only as long as the detector needs it."""

    index: int
    """0 for the first frame the source delivered."""
    t: float
    """Seconds: the frame's time in a video or image folder, the monotonic clock for a camera."""
    image: NDArray[np.uint8]
    """RGB pixels, height × width × 3, C-contiguous."""


class FrameSource(Protocol):
    """Where frames come from. `read()` blocks until the next frame (a camera's own pace)."""

    name: str
    """For messages: "camera 0", the file name, the folder."""
    live: bool
    """True for a camera: frames arrive in real time and the source may drop out and return."""
    fps: float
    """Nominal frames per second (what a file source's times are based on)."""

    def open(self) -> None:
        """Start delivering frames; raises `CameraError` when the source is not there."""

    def read(self) -> Frame | None:
        """The next frame; None at the end of a file. Raises `CameraError` if a camera stops."""

    def close(self) -> None:
        """Let go of the device or file."""


class _Source:
    """Context-manager plumbing shared by the sources."""

    def open(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> _Source:
        self.open()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class CameraSource(_Source):
    """A camera by index (/dev/video<N> on Linux), read through OpenCV."""

    live = True

    def __init__(self, index: int = 0, width: int = 640, height: int = 480, fps: float = 15.0):
        self.index, self.width, self.height, self.fps = index, width, height, fps
        self.name = f"camera {index}"
        self._capture: Any = None
        self._count = 0

    def open(self) -> None:
        cv2 = load_cv2()
        quiet, level = cv2.utils.logging, cv2.utils.logging.getLogLevel()
        quiet.setLogLevel(quiet.LOG_LEVEL_SILENT)  # its backend-by-backend complaints: ours says it
        try:
            capture = cv2.VideoCapture(self.index)
        finally:
            quiet.setLogLevel(level)
        if not capture.isOpened():
            capture.release()
            raise CameraError(
                f"{self.name} cannot be opened (no /dev/video{self.index}, or it is busy)",
                hint="plug the camera in, check that this user is in the 'video' group, "
                "or set [presence] camera to the right index",
            )
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        capture.set(cv2.CAP_PROP_FPS, self.fps)
        self._capture = capture

    def read(self) -> Frame | None:
        if self._capture is None:
            self.open()
        ok, bgr = self._capture.read()
        if not ok or bgr is None:
            raise CameraError(
                f"{self.name} stopped delivering frames",
                hint="check the camera's cable; the kiosk keeps trying to reopen it",
            )
        frame = Frame(self._count, time.monotonic(), _to_rgb(bgr))
        self._count += 1
        return frame

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class VideoFileSource(_Source):
    """A video file as a camera: frame N is at N / fps seconds."""

    live = False

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self.fps = 0.0
        self._capture: Any = None
        self._count = 0

    def open(self) -> None:
        if not self.path.is_file():
            raise CameraError(
                f"video file {self.path} does not exist", hint="check the --video path"
            )
        cv2 = load_cv2()
        capture = cv2.VideoCapture(str(self.path))
        if not capture.isOpened():
            capture.release()
            raise CameraError(
                f"video file {self.path} cannot be decoded",
                hint="use a common format OpenCV's FFmpeg reads (MP4/H.264, AVI/MJPEG, WebM)",
            )
        fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = fps if 0.0 < fps < 1000.0 else 30.0
        self._capture, self._count = capture, 0

    def read(self) -> Frame | None:
        if self._capture is None:
            self.open()
        ok, bgr = self._capture.read()
        if not ok or bgr is None:
            return None
        frame = Frame(self._count, self._count / self.fps, _to_rgb(bgr))
        self._count += 1
        return frame

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class ImageFolderSource(_Source):
    """The images of a folder, in name order, as frames `1 / fps` seconds apart."""

    live = False

    def __init__(self, folder: Path | str, fps: float = 10.0) -> None:
        self.folder = Path(folder)
        self.name = str(self.folder)
        self.fps = fps
        self._files: list[Path] = []
        self._count = 0

    def open(self) -> None:
        if not self.folder.is_dir():
            raise CameraError(f"image folder {self.folder} does not exist", hint="check the path")
        self._files = sorted(
            path for path in self.folder.iterdir() if path.suffix.lower() in IMAGE_SUFFIXES
        )
        if not self._files:
            raise CameraError(
                f"image folder {self.folder} holds no images",
                hint=f"put {', '.join(sorted(IMAGE_SUFFIXES))} files there",
            )
        self._count = 0

    def read(self) -> Frame | None:
        if not self._files:
            self.open()
        if self._count >= len(self._files):
            return None
        path = self._files[self._count]
        bgr = load_cv2().imread(str(path))
        if bgr is None:
            raise CameraError(f"{path} is not an image OpenCV can read", hint="remove or fix it")
        frame = Frame(self._count, self._count / self.fps, _to_rgb(bgr))
        self._count += 1
        return frame

    def close(self) -> None:
        self._files = []


def _to_rgb(bgr: NDArray[np.uint8]) -> NDArray[np.uint8]:
    rgb: NDArray[np.uint8] = np.ascontiguousarray(bgr[:, :, ::-1])
    return rgb
