"""The [presence] config section: defaults, TOML, and values that cannot work."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import PresenceConfig, load_config
from kiosk.errors import ConfigError


def test_presence_section_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("[presence]\ncamera = 2\nabsence_s = 5\nnear_size = 0.25\n", encoding="utf-8")
    presence = load_config(path).presence
    assert (presence.camera, presence.absence_s, presence.near_size) == (2, 5.0, 0.25)
    assert presence.leave_size == PresenceConfig().leave_size


def test_unknown_presence_key_names_the_close_one(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("[presence]\nabsense_s = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"presence\.absense_s") as caught:
        load_config(path)
    assert "absence_s" in caught.value.hint


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"leave_size": 0.3}, "leave_size"),
        ({"near_size": 1.5}, "near_size"),
        ({"still_move": 0.0}, "still_move"),
        ({"dwell_s": 0.0}, "dwell_s"),
        ({"absence_s": -1.0}, "absence_s"),
        ({"fps": 0.0}, "fps"),
    ],
)
def test_values_that_cannot_work_are_refused(values: dict[str, float], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        PresenceConfig(**values)
