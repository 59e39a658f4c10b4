"""Avatar folders: what ships loads; a broken avatar.toml is an error naming file and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.errors import AvatarError
from kiosk.ui.avatar.spec import avatar_names, load_avatar

LAYERED = """\
kind = "layered"
canvas = [64, 64]
[head]
pivot = [32, 32]
radius = 20
[[layers]]
name = "face"
image = "face.png"
[[layers]]
name = "mouth"
part = "mouth"
images = {{ {shapes} }}
"""


def write(folder: Path, shapes: str, images: tuple[str, ...]) -> Path:
    folder.mkdir()
    (folder / "avatar.toml").write_text(LAYERED.format(shapes=shapes), encoding="utf-8")
    for name in images:
        (folder / name).write_bytes(b"")
    return folder


def test_the_shipped_avatars_load() -> None:
    assert {"xiaojiang", "lumi"} <= set(avatar_names())
    layered, mesh = load_avatar("xiaojiang"), load_avatar("lumi")
    assert layered.kind == "layered" and len(layered.layers) >= 8
    mouth = next(layer for layer in layered.layers if layer.part == "mouth")
    assert len(mouth.images) >= 9  # at least 8 visemes and the closed mouth
    assert mesh.kind == "mesh" and mesh.model is not None and mesh.model.is_file()


def test_missing_mouth_shapes_are_named(tmp_path: Path) -> None:
    folder = write(tmp_path / "mascot", 'sil = "face.png", aa = "face.png"', ("face.png",))
    with pytest.raises(AvatarError, match="missing") as error:
        load_avatar(str(folder))
    assert "avatar.toml" in str(error.value) and "PP" in str(error.value)


def test_unknown_avatar_and_missing_image(tmp_path: Path) -> None:
    with pytest.raises(AvatarError, match="xiaojiang"):
        load_avatar("no-such-avatar")  # the hint lists what exists
    shapes = ", ".join(f'{v} = "m.png"' for v in ("sil", "PP", "FF", "DD", "SS", "aa", "E", "ou"))
    folder = write(tmp_path / "mascot", shapes, ("m.png",))  # face.png is not there
    with pytest.raises(AvatarError, match=r"face\.png does not exist"):
        load_avatar(str(folder))


def test_the_avatar_is_chosen_in_config(tmp_path: Path) -> None:
    from kiosk.config import load_config
    from kiosk.errors import ConfigError

    path = tmp_path / "kiosk.toml"
    path.write_text('[screen]\navatar = "lumi"\nfps = 30\n', encoding="utf-8")
    config = load_config(path)
    assert (config.screen.avatar, config.screen.fps) == ("lumi", 30)
    path.write_text('[screen]\navatr = "lumi"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean 'avatar'"):
        load_config(path)
