"""Presence fixtures: the real face detector (packaged model) and the test photo."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from synthetic import grace_hopper

from kiosk.vision.detector import MediapipeFaceDetector
from kiosk.vision.frames import Frame


@pytest.fixture(scope="session")
def detector() -> Iterator[MediapipeFaceDetector]:
    """mediapipe's FaceDetector on the BlazeFace full-range model kept in the repo."""
    engine = MediapipeFaceDetector()
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def hopper_frame() -> Frame:
    """The photo itself, as an RGB frame."""
    return Frame(0, 0.0, np.ascontiguousarray(grace_hopper()[:, :, ::-1]))
