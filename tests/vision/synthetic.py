"""Synthetic hall videos for the presence tests, built from matplotlib's `grace_hopper.jpg`.

A person is the photo (head and shoulders) scaled so that the detector's face box has a given
height, pasted with feathered edges onto a drawn lobby with sensor noise. Scenes are lists of
per-frame placements, so each test states exactly when the visitor stops.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

import cv2
import numpy as np
from matplotlib import cbook
from numpy.typing import NDArray

Image = NDArray[np.uint8]

WIDTH, HEIGHT, FPS = 640, 480, 15.0
FACE_BOX = (171, 146, 194, 194)
"""Where the detector finds the face in the original photo (x, y, w, h, pixels)."""


@dataclass(frozen=True, slots=True)
class Person:
    """Where one person is in one frame: face centre (shares of the frame) and face height."""

    x: float
    y: float
    size: float
    """The face box height as a share of the frame height (the tracker's distance cue)."""


Placement = Callable[[float], Sequence[Person]]
"""Time (s) → the people in the frame at that time."""


def grace_hopper() -> Image:
    """The photo (BGR) from matplotlib's sample data."""
    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    image = cv2.imread(str(path))
    assert image is not None, path
    return image


def hall(seed: int = 0) -> Image:
    """A plausible lobby seen from the kiosk: wall, floor, a door, posters, ceiling lights."""
    rng = np.random.default_rng(seed)
    image = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    rows = np.linspace(0.0, 1.0, HEIGHT)[:, None]
    image[:, :, 0] = (150 + 40 * rows).astype(np.uint8)
    image[:, :, 1] = (160 + 35 * rows).astype(np.uint8)
    image[:, :, 2] = (170 + 30 * rows).astype(np.uint8)
    floor_top = int(HEIGHT * 0.62)
    image[floor_top:] = (95, 105, 115)
    for x in range(0, WIDTH, 80):  # floor tiles
        cv2.line(image, (x, floor_top), (x - 120 + x // 3, HEIGHT), (80, 88, 96), 2)
    cv2.rectangle(image, (430, 120), (540, floor_top), (60, 70, 90), -1)  # door
    cv2.rectangle(image, (60, 140), (170, 230), (40, 120, 200), -1)  # poster
    cv2.rectangle(image, (240, 160), (330, 215), (200, 200, 60), -1)  # sign
    cv2.putText(image, "EXIT", (452, 110), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (40, 160, 40), 2)
    for x in (120, 320, 520):
        cv2.ellipse(image, (x, 20), (50, 10), 0, 0, 360, (245, 250, 250), -1)
    noise = rng.normal(0.0, 3.0, image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8)


def paste(frame: Image, photo: Image, person: Person) -> None:
    """Paste the photo's person so the face box is centred at `person` with its size."""
    fx, fy, fw, fh = FACE_BOX
    scale = person.size * HEIGHT / fh
    scaled = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    alpha = cv2.resize(_silhouette(photo.shape[0], photo.shape[1]), scaled.shape[1::-1])
    height, width = scaled.shape[:2]
    left = round(person.x * WIDTH - (fx + fw / 2) * scale)
    top = round(person.y * HEIGHT - (fy + fh / 2) * scale)
    x0, y0 = max(left, 0), max(top, 0)
    x1, y1 = min(left + width, WIDTH), min(top + height, HEIGHT)
    if x0 >= x1 or y0 >= y1:
        return
    part = scaled[y0 - top : y1 - top, x0 - left : x1 - left].astype(np.float32)
    weight = alpha[y0 - top : y1 - top, x0 - left : x1 - left, None]
    under = frame[y0:y1, x0:x1].astype(np.float32)
    frame[y0:y1, x0:x1] = (part * weight + under * (1.0 - weight)).astype(np.uint8)


@cache
def _silhouette(height: int, width: int) -> NDArray[np.float32]:
    """Head (with the cap) and shoulders of the photo, soft-edged: the flag behind is cut away."""
    fx, fy, fw, fh = FACE_BOX
    mask = np.zeros((height, width), np.float32)
    centre = (fx + fw // 2, fy + fh // 2 - fh // 8)
    cv2.ellipse(mask, centre, (int(0.68 * fw), int(0.78 * fh)), 0, 0, 360, 1.0, -1)
    neck_top = fy + fh
    shoulders = np.array([[fx + fw // 4, neck_top], [fx + 3 * fw // 4, neck_top],
                          [fx + fw + fw // 2, neck_top + fh // 2], [fx + fw + fw // 2, height],
                          [fx - fw // 2, height], [fx - fw // 2, neck_top + fh // 2]])
    cv2.fillPoly(mask, [shoulders.astype(np.int32)], 1.0)
    return cv2.GaussianBlur(mask, (0, 0), fw / 20)


@cache
def _noise(seed: int) -> NDArray[np.int16]:
    """Sensor noise, a few different fields reused in turn (drawing it per frame is slow)."""
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 2.0, (HEIGHT, WIDTH, 3)).round().astype(np.int16)


def render(people: Sequence[Person], background: Image, photo: Image, seed: int) -> Image:
    """One BGR frame: the hall, changing sensor noise, the people (farthest first)."""
    noisy = background.astype(np.int16) + _noise(seed % 7)
    image = np.clip(noisy, 0, 255).astype(np.uint8)
    for person in sorted(people, key=lambda p: p.size):
        paste(image, photo, person)
    return image


def write_video(path: Path, scene: Placement, seconds: float, fps: float = FPS) -> Path:
    """Render the scene into an MJPEG AVI at `path` (as a camera would see it)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (WIDTH, HEIGHT))
    assert writer.isOpened(), path
    background, photo = hall(), grace_hopper()
    for index in range(round(seconds * fps)):
        writer.write(render(scene(index / fps), background, photo, seed=index))
    writer.release()
    return path


# ---- scenes ---------------------------------------------------------------------------------


def walker(*keys: tuple[float, float, float], y: float = 0.4) -> Callable[[float], Person | None]:
    """Someone moving through keyframes `(t, x, size)`; absent before the first, after the last.

    Between keys the distance (1 / size) changes linearly, so a face walking up grows fastest
    just before it stops; while moving the person rocks a little from side to side.
    """
    def at(t: float) -> Person | None:
        if not keys[0][0] <= t <= keys[-1][0]:
            return None
        for (t0, x0, s0), (t1, x1, s1) in pairwise(keys):
            if t0 <= t <= t1:
                k = (t - t0) / (t1 - t0) if t1 > t0 else 1.0
                size = 1.0 / (1.0 / s0 + k * (1.0 / s1 - 1.0 / s0))
                moving = (x0, s0) != (x1, s1)
                sway = 0.01 * float(np.sin(6.0 * t)) if moving else 0.0
                return Person(x0 + k * (x1 - x0) + sway, y, size)
        return None

    return at


def scene(*people: Callable[[float], Person | None]) -> Placement:
    """Everyone who is in the frame at time t."""
    def at(t: float) -> Sequence[Person]:
        return [p for p in (person(t) for person in people) if p is not None]

    return at
