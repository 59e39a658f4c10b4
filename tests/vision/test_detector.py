"""The packaged BlazeFace model loads (sha256 checked) and finds real faces, small and large."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pytest
from synthetic import HEIGHT, Person, grace_hopper, hall, render

from kiosk.errors import ModelError
from kiosk.vision.detector import PACKAGED_MODEL, PACKAGED_SHA256, MediapipeFaceDetector
from kiosk.vision.frames import Frame
from kiosk.vision.native import quiet_native_stderr

pytestmark = pytest.mark.slow


def _frame(bgr: np.ndarray) -> Frame:
    return Frame(0, 0.0, np.ascontiguousarray(bgr[:, :, ::-1]))


def test_model_hash_is_checked_and_recorded(detector: MediapipeFaceDetector) -> None:
    assert detector.model_sha256 == PACKAGED_SHA256
    assert detector.model_path == PACKAGED_MODEL


def test_finds_grace_hoppers_face(detector: MediapipeFaceDetector, hopper_frame: Frame) -> None:
    faces = detector.detect(hopper_frame)
    assert len(faces) == 1
    face = faces[0]
    assert face.score > 0.7
    # Her face, not her uniform: centre in the upper half, about a third of the photo high.
    assert 0.45 < face.x < 0.6 and 0.3 < face.y < 0.5
    assert 0.25 < face.height < 0.4


@pytest.mark.parametrize("size", [0.08, 0.12, 0.2, 0.3, 0.4])
def test_finds_the_face_across_the_hall_at_every_distance(
    detector: MediapipeFaceDetector, size: float
) -> None:
    background, photo = hall(), grace_hopper()
    found = 0
    for index, x in enumerate(np.linspace(0.15, 0.85, 8)):
        faces = detector.detect(_frame(render([Person(x, 0.4, size)], background, photo, index)))
        if any(abs(f.x - x) < 0.05 and abs(f.height - size) < 0.3 * size for f in faces):
            found += 1
    assert found >= 7, f"face of {size * HEIGHT:.0f} px found in {found}/8 places"


def test_empty_hall_has_no_face(detector: MediapipeFaceDetector) -> None:
    assert detector.detect(_frame(hall())) == ()


def test_two_people_are_two_faces(detector: MediapipeFaceDetector) -> None:
    people = [Person(0.7, 0.45, 0.35), Person(0.2, 0.35, 0.12)]
    faces = detector.detect(_frame(render(people, hall(), grace_hopper(), 0)))
    heights = sorted(f.height for f in faces)
    assert len(heights) == 2
    assert heights[0] == pytest.approx(0.12, rel=0.2) and heights[1] == pytest.approx(0.35, rel=0.2)


def test_a_damaged_model_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "face.tflite"
    broken.write_bytes(PACKAGED_MODEL.read_bytes()[:-10])
    with pytest.raises(ModelError, match="sha256"):
        MediapipeFaceDetector(broken, sha256=PACKAGED_SHA256)


def test_a_missing_model_says_where_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot be read") as caught:
        MediapipeFaceDetector(tmp_path / "nope.tflite")
    assert "kiosk/vision/models" in caught.value.hint


def test_a_file_that_is_no_model_is_a_model_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.tflite"
    junk.write_bytes(b"not a model" * 100)
    with pytest.raises(ModelError, match="cannot load"):
        MediapipeFaceDetector(junk)


def test_native_chatter_is_dropped_and_everything_else_kept(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with quiet_native_stderr(logging.getLogger("test")):
        os.write(2, b"WARNING: [model_load.cc:402] Sparsity tensors may not yet be supported\n")
        os.write(2, b"E0000 something really went wrong\n")
        os.write(2, b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n")
    assert capfd.readouterr().err == "E0000 something really went wrong\n"
