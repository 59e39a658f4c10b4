"""Config: defaults work, TOML overrides them, mistakes name the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import REPO_ROOT, AnswerConfig, KioskConfig, load_config, settle
from kiosk.errors import ConfigError


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_need_no_file(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, ""))
    assert config == settle(KioskConfig())  # the defaults, the embedder made concrete
    assert config.retrieval.embedder != "auto"
    assert config.answer.mode == "grounded"
    assert config.pack_path() == REPO_ROOT / "knowledge" / "metro"


def test_values_are_read_and_typed(tmp_path: Path) -> None:
    config = load_config(
        _write(
            tmp_path,
            """
pack = "bank"
data_dir = "/var/lib/kiosk"
[answer]
mode = "generative"
[retrieval]
threshold = 1
[llm]
backend = "openai"
url = "http://127.0.0.1:8080/v1"
""",
        )
    )
    assert config.pack_path() == REPO_ROOT / "knowledge" / "bank"
    assert config.data_path() == Path("/var/lib/kiosk")
    assert config.answer.mode == "generative"
    assert config.retrieval.threshold == 1.0 and isinstance(config.retrieval.threshold, float)
    assert config.llm.backend == "openai"
    with pytest.raises(AttributeError):
        config.pack = "hotel"  # type: ignore[misc]


def test_overrides_win(tmp_path: Path) -> None:
    config = KioskConfig()
    assert config.pack_path("hotel") == REPO_ROOT / "knowledge" / "hotel"
    assert config.pack_path(str(tmp_path)) == tmp_path
    assert config.data_path(str(tmp_path)) == tmp_path


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("[retreival]\nthreshold = 0.4", "unknown key 'retreival'", "did you mean 'retrieval'?"),
        ("[answer]\nmode = 'creative'", "answer.mode = 'creative' is not allowed", "'grounded'"),
        (
            "[llm]\ncontext = 'big'",
            "llm.context = 'big' should be a whole number",
            "write llm.context as a whole number",
        ),
        ("answer = 3", "answer must be a table", "[answer]"),
        ("pack = ", "bad TOML", "fix the TOML syntax"),
        ("[voice]\nnoise_suppression = 9", "noise_suppression = 9 is not 0…4", "0 to turn it off"),
    ],
)
def test_mistakes_name_key_and_fix(tmp_path: Path, text: str, message: str, hint: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, text))
    assert message in caught.value.message and str(tmp_path) in caught.value.message
    assert hint in str(caught.value)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize("name", ["near_share", "offer_share"])
def test_answer_shares_stay_within_the_threshold(name: str) -> None:
    with pytest.raises(ConfigError) as caught:
        AnswerConfig(**{name: 1.5})
    assert f"[answer] {name} = 1.5 is outside 0…1" in caught.value.message
    assert "1 turns it off" in str(caught.value)
