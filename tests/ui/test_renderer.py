"""Golden-image tests of both avatar renderers (real GL: Mesa llvmpipe), compared by tolerance.

Regions are found from the pictures themselves: what a viseme changes is the mouth, what a
blink changes is the eyes. The goldens are small PNGs in golden/; after a deliberate change to
the art, rewrite them with KIOSK_UPDATE_GOLDEN=1 and look at them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kiosk.ui.avatar.animation import Pose

GOLDEN = Path(__file__).parent / "golden"
WIDTH, HEIGHT = 270, 300
Array = np.ndarray[Any, Any]


@pytest.fixture(scope="module", params=["xiaojiang", "lumi"])
def draw(request: pytest.FixtureRequest, qapp: object) -> Iterator[Any]:
    """Renders poses of one avatar into RGB arrays."""
    from kiosk.ui.avatar.offscreen import OffscreenTarget, make_renderer
    from kiosk.ui.avatar.spec import load_avatar

    target = OffscreenTarget(WIDTH, HEIGHT)
    renderer = make_renderer(load_avatar(request.param))
    renderer.initialize()

    def render(pose: Pose) -> Array:
        target.draw(renderer, pose)
        return target.pixels().astype(np.int16)

    render.name = request.param  # type: ignore[attr-defined]
    yield render
    target.close()


def changed(a: Array, b: Array, level: int = 40) -> Array:
    return np.abs(a - b).max(axis=2) > level


def box(mask: Array) -> tuple[int, int, int, int]:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])


def centroid(mask: Array) -> tuple[float, float]:
    ys, xs = np.nonzero(mask)
    return float(ys.mean()), float(xs.mean())


def test_neutral_pose_matches_the_golden_image(draw: Any) -> None:
    from PIL import Image

    image = draw(Pose()).astype(np.uint8)
    path = GOLDEN / f"{draw.name}_neutral.png"
    if os.environ.get("KIOSK_UPDATE_GOLDEN") or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        Image.fromarray(image).save(path, optimize=True)
    golden = np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)
    assert golden.shape == image.shape
    difference = np.abs(golden - image.astype(np.int16))
    assert difference.mean() < 2.0, "the avatar looks different from its golden image"
    assert (difference.max(axis=2) > 60).mean() < 0.01


def test_a_viseme_changes_the_mouth_and_a_blink_the_eyes(draw: Any) -> None:
    neutral = draw(Pose())
    mouth = changed(neutral, draw(Pose(visemes=(("aa", 1.0),))))
    eyes = changed(neutral, draw(Pose(blink=1.0)))
    assert mouth.sum() > 100 and eyes.sum() > 100
    mouth_top, _, _, _ = box(mouth)
    _, eyes_bottom, _, _ = box(eyes)
    assert eyes_bottom < mouth_top, "the eyes are above the mouth, and apart from it"
    assert not (mouth & eyes).any()
    assert changed(neutral, draw(Pose(visemes=(("sil", 1.0),)))).sum() == 0
    # different shapes are different pictures, and each only touches the mouth
    for shape in ("PP", "FF", "E", "ou"):
        other = changed(neutral, draw(Pose(visemes=((shape, 1.0),))))
        if shape != "PP":
            assert other.sum() > 30, shape
        assert not (other & eyes).any(), shape


def test_a_blink_closes_the_eyes(draw: Any) -> None:
    neutral, closed = draw(Pose()), draw(Pose(blink=1.0))
    top, bottom, left, right = box(changed(neutral, closed))
    region = (slice(top, bottom + 1), slice(left, right + 1))
    # open eyes are a busy picture (white, iris, pupil, glow); closed lids are nearly flat
    assert closed[region].std() < 0.75 * neutral[region].std()
    half = draw(Pose(blink=0.5))
    assert 0 < changed(neutral, half).sum() < changed(neutral, closed).sum() * 1.5


def test_turning_the_head_moves_the_face(draw: Any) -> None:
    def mouth_at(yaw: float) -> tuple[float, float]:
        still, talking = draw(Pose(yaw=yaw)), draw(Pose(yaw=yaw, visemes=(("aa", 1.0),)))
        return centroid(changed(still, talking))

    _, centre = mouth_at(0.0)
    _, turned = mouth_at(0.3)
    assert turned - centre > 0.03 * WIDTH, "positive yaw turns the face to the viewer's right"
    _, back = mouth_at(-0.3)
    assert centre - back > 0.03 * WIDTH


def test_breathing_moves_the_body_a_little(draw: Any) -> None:
    assert 0 < changed(draw(Pose(breath=-1.0)), draw(Pose(breath=1.0)), 25).mean() < 0.2
