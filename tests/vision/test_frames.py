"""Frame sources: video files and image folders as cameras, and their errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from synthetic import FPS, HEIGHT, WIDTH, Person, grace_hopper, hall, render, scene, write_video

from kiosk.errors import CameraError
from kiosk.vision.frames import CameraSource, ImageFolderSource, VideoFileSource


def test_video_file_frames_are_rgb_with_video_times(tmp_path: Path) -> None:
    video = write_video(tmp_path / "v.avi", scene(), 1.0)
    with VideoFileSource(video) as source:
        frames = []
        while (frame := source.read()) is not None:
            frames.append((frame.index, frame.t, frame.image.shape, frame.image.flags.c_contiguous))
    assert source.fps == FPS
    assert [f[0] for f in frames] == list(range(15))
    assert frames[3][1] == pytest.approx(3 / FPS)
    assert {f[2] for f in frames} == {(HEIGHT, WIDTH, 3)} and all(f[3] for f in frames)


def test_video_frames_are_rgb_not_bgr(tmp_path: Path) -> None:
    red = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    red[:, :, 2] = 255  # BGR red
    path = tmp_path / "red.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), FPS, (WIDTH, HEIGHT))
    writer.write(red)
    writer.release()
    with VideoFileSource(path) as source:
        frame = source.read()
    assert frame is not None
    assert frame.image[..., 0].mean() > 200 and frame.image[..., 2].mean() < 50


def test_a_file_that_is_not_a_video_is_a_camera_error(tmp_path: Path) -> None:
    junk = tmp_path / "notes.mp4"
    junk.write_text("not a video", encoding="utf-8")
    with pytest.raises(CameraError, match="cannot be decoded"):
        VideoFileSource(junk).open()


def test_image_folder_in_name_order(tmp_path: Path) -> None:
    background, photo = hall(), grace_hopper()
    for index, size in enumerate((0.1, 0.2, 0.3)):
        cv2.imwrite(str(tmp_path / f"{index:03}.png"), render([Person(0.5, 0.4, size)],
                                                             background, photo, index))
    (tmp_path / "readme.txt").write_text("ignored", encoding="utf-8")
    with ImageFolderSource(tmp_path, fps=5.0) as source:
        times = []
        while (frame := source.read()) is not None:
            times.append(frame.t)
    assert times == [0.0, 0.2, 0.4]


def test_empty_or_missing_image_folder_is_a_camera_error(tmp_path: Path) -> None:
    with pytest.raises(CameraError, match="holds no images"):
        ImageFolderSource(tmp_path).open()
    with pytest.raises(CameraError, match="does not exist"):
        ImageFolderSource(tmp_path / "nope").open()


def test_a_broken_image_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "001.jpg").write_bytes(b"\xff\xd8 broken")
    with ImageFolderSource(tmp_path) as source, pytest.raises(CameraError, match=r"001\.jpg"):
        source.read()


def test_no_camera_here_is_a_clear_error() -> None:
    with pytest.raises(CameraError, match="camera 63 cannot be opened") as caught:
        CameraSource(63).open()
    assert "video" in caught.value.hint


def _qt_plugin_path_after(code: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_QPA_")}
    script = f"import os\n{code}\nprint(os.environ.get('QT_QPA_PLATFORM_PLUGIN_PATH'))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, env=env)
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.slow
def test_opencv_and_mediapipe_leave_qt_alone() -> None:
    """opencv-contrib-python points Qt at its own plugins on import; that would break PySide6."""
    assert _qt_plugin_path_after("import cv2").endswith("plugins")  # the wheel does it
    assert _qt_plugin_path_after("from kiosk.vision.opencv import load_cv2; load_cv2()") == "None"
    assert _qt_plugin_path_after(
        "from kiosk.vision.detector import MediapipeFaceDetector; MediapipeFaceDetector()"
    ) == "None"
