"""`kiosk screenshot` as the issue asks: no DISPLAY, a real 1080x1920 PNG, the mouth moves."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
from packdata import write_tiny_pack
from PIL import Image


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("shot")
    pack = root / "tiny"
    write_tiny_pack(pack)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    images = {}
    for state in ("idle", "speaking"):
        out = root / f"{state}.png"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "kiosk",
                "screenshot",
                "--pack",
                str(pack),
                "--data-dir",
                str(root / "data"),
                "--out",
                str(out),
                "--state",
                state,
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        images[state] = np.asarray(Image.open(out).convert("RGB"), dtype=np.int16)
    return images


@pytest.mark.slow
def test_headless_screenshots_are_full_size(shots: dict[str, Any]) -> None:
    for image in shots.values():
        assert image.shape == (1920, 1080, 3)
        assert image.std() > 20  # a drawn screen, not a blank one


@pytest.mark.slow
def test_idle_and_speaking_differ_where_the_mouth_is(shots: dict[str, Any]) -> None:
    avatar = slice(160, 880)  # below the header, above the panel (portrait layout)
    changed = np.abs(shots["idle"] - shots["speaking"]).max(axis=2)[avatar] > 40
    assert changed.sum() > 200, "the mouth should be open while speaking"
    rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
    assert cols[-1] - cols[0] < 0.2 * 1080 and rows[-1] - rows[0] < 0.1 * 1920
    assert 0.4 * 1080 < (cols[0] + cols[-1]) / 2 < 0.6 * 1080
    # below the avatar the screens differ: suggestions on one, the answer on the other
    assert (np.abs(shots["idle"] - shots["speaking"])[900:1700] > 40).mean() > 0.01
