"""Face detection: the `FaceDetector` protocol and mediapipe's Tasks FaceDetector behind it."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kiosk.errors import ModelError
from kiosk.vision.native import quiet_native_stderr
from kiosk.vision.opencv import keep_qt_environment

if TYPE_CHECKING:
    from kiosk.vision.frames import Frame

MODEL_DIR = Path(__file__).resolve().parent / "models"
PACKAGED_MODEL = MODEL_DIR / "face_detection_full_range_sparse.tflite"
"""BlazeFace full range (sparse), from the mediapipe 0.10.21 wheel; Apache-2.0 (see models/)."""
PACKAGED_SHA256 = "2c3728e6da56f21e21a320433396fb06d40d9088f2247c05e5635a688d45dfe1"

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Face:
    """One detected face; coordinates are shares of the frame (0…1), so resolution drops out."""

    x: float
    """Centre of the box, 0 (left edge) … 1 (right edge)."""
    y: float
    """Centre of the box, 0 (top) … 1 (bottom)."""
    width: float
    """Box width as a share of the frame width."""
    height: float
    """Box height as a share of the frame height: the distance cue (bigger is nearer)."""
    score: float
    """The detector's confidence, 0…1."""


class FaceDetector(Protocol):
    """Finds the faces in one frame. Owned by one thread (it wraps a native engine)."""

    def detect(self, frame: Frame) -> tuple[Face, ...]:
        """The faces in `frame`, in no particular order."""

    def close(self) -> None:
        """Release the engine."""


def read_model(path: Path, expected_sha256: str) -> tuple[bytes, str]:
    """The model's bytes and sha256; a missing or altered file is a `ModelError`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(
            f"face detection model {path} cannot be read ({exc.strerror or exc})",
            hint="reinstall the kiosk (the packaged model lives in kiosk/vision/models/), "
            "or set [presence] model to an existing .tflite file",
        ) from exc
    digest = hashlib.sha256(data).hexdigest()
    if expected_sha256 and digest != expected_sha256.lower():
        raise ModelError(
            f"face detection model {path} has sha256 {digest}, expected {expected_sha256}",
            hint="the file is damaged or a different model: restore it, or update "
            "[presence] sha256 if you replaced it on purpose",
        )
    return data, digest


class MediapipeFaceDetector:
    """mediapipe's Tasks FaceDetector (CPU, image mode) on a sha256-checked model file."""

    def __init__(
        self, model: Path | None = None, sha256: str = "", min_confidence: float = 0.5
    ) -> None:
        path = model or PACKAGED_MODEL
        expected = sha256 or (PACKAGED_SHA256 if model is None else "")
        data, self.model_sha256 = read_model(path, expected)
        """The sha256 of the model actually loaded (recorded in the log and in `kiosk presence`)."""
        self.model_path = path
        try:
            with keep_qt_environment():
                from mediapipe.tasks.python.core.base_options import BaseOptions
                from mediapipe.tasks.python.vision import face_detector
        except ImportError as exc:
            raise ModelError(
                "mediapipe is not installed", hint="pip install 'mediapipe>=1.2.3,<2'"
            ) from exc
        options = face_detector.FaceDetectorOptions(
            base_options=BaseOptions(model_asset_buffer=data),
            min_detection_confidence=min_confidence,
        )
        try:
            with quiet_native_stderr(log):
                self._engine: Any = face_detector.FaceDetector.create_from_options(options)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(
                f"mediapipe cannot load face detection model {path}: {exc}",
                hint="use a BlazeFace .tflite model (the packaged one is the default)",
            ) from exc
        self._first = True
        log.info("face detector: %s (sha256 %s)", path.name, self.model_sha256)

    def detect(self, frame: Frame) -> tuple[Face, ...]:
        """The faces in `frame` (an RGB image), boxes as shares of the frame size."""
        from mediapipe.tasks.python.vision.core.image import Image, ImageFormat

        height, width = frame.image.shape[:2]
        image = Image(image_format=ImageFormat.SRGB, data=frame.image)
        if self._first:  # the engine's first run logs its memory set-up
            self._first = False
            with quiet_native_stderr(log):
                result = self._engine.detect(image)
        else:
            result = self._engine.detect(image)
        faces = []
        for detection in result.detections:
            box = detection.bounding_box
            faces.append(
                Face(
                    x=(box.origin_x + box.width / 2) / width,
                    y=(box.origin_y + box.height / 2) / height,
                    width=box.width / width,
                    height=box.height / height,
                    score=float(detection.categories[0].score) if detection.categories else 0.0,
                )
            )
        return tuple(faces)

    def close(self) -> None:
        """Release the native engine."""
        with quiet_native_stderr(log):
            self._engine.close()

