"""The real EmbeddingGemma-300M GGUF in llama.cpp: the same vectors as sentence-transformers,
its task prompts chosen by architecture, and a tiny pack answered through it.

Skipped unless the model is provisioned: installed from a bundle as `model:embeddinggemma-300m`
(installer/embeddinggemma_gguf.py, then bench/dev_bundle.py and `kiosk models install`), or a GGUF
path in KIOSK_EMBEDDINGGEMMA. The reference vectors were computed once with sentence-transformers
from the original model folder (tests/answer/data/embeddinggemma_reference.json).
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import numpy as np
import pytest
from packdata import write_tiny_pack

from kiosk.assemble import open_knowledge
from kiosk.config import KioskConfig
from kiosk.knowledge.embed import LlamaCppEmbedder, make_embedder
from kiosk.models.registry import resolve_model_refs

REFERENCE = Path(__file__).parent / "data" / "embeddinggemma_reference.json"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gemma_path() -> Path:
    named = os.environ.get("KIOSK_EMBEDDINGGEMMA")
    if named:
        path = Path(named)
    else:
        base = KioskConfig()
        wanted = dataclasses.replace(base, retrieval=dataclasses.replace(
            base.retrieval, embedder="model:embeddinggemma-300m"))
        path = Path(resolve_model_refs(wanted).retrieval.embedder)
    if not path.is_file():
        pytest.skip(f"EmbeddingGemma is not provisioned ({path} is missing): build it with "
                    "installer/embeddinggemma_gguf.py and install the bundle (docs/retrieval.md), "
                    "or set KIOSK_EMBEDDINGGEMMA to the GGUF")
    return path


@pytest.fixture(scope="module")
def gemma(gemma_path: Path) -> LlamaCppEmbedder:
    embedder = make_embedder(str(gemma_path))
    assert isinstance(embedder, LlamaCppEmbedder)
    return embedder


def test_it_gets_embeddinggemmas_classification_prompts_by_architecture(
        gemma: LlamaCppEmbedder) -> None:
    assert gemma.prompts == "gemma-classification"
    assert "gemma-classification" in gemma.model_id


@pytest.mark.parametrize("prompts", ["gemma-classification", "gemma-search-passage"])
def test_its_vectors_are_sentence_transformers_ones(
        gemma: LlamaCppEmbedder, gemma_path: Path, prompts: str) -> None:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    expected = np.asarray(reference[prompts], dtype=np.float32)
    if prompts == "gemma-classification":
        got = gemma.embed(reference["texts"], query=True)
    else:  # the search prompts embed passages with "title: none | text: "
        got = make_embedder(str(gemma_path), prompts="gemma-search").embed(
            reference["texts"], query=False)
    assert got.shape == expected.shape == (3, 768)
    cosines = (got * expected).sum(axis=1) / np.linalg.norm(expected, axis=1)
    # measured: Q8_0 0.9997, Q4_K_M 0.986-0.991; converted without the two dense projections
    # the GGUF gives -0.1..0.1
    assert cosines.min() > 0.98, cosines


def test_a_paraphrase_in_the_other_language_finds_its_entry(
        gemma_path: Path, tmp_path: Path) -> None:
    root = tmp_path / "tiny"
    write_tiny_pack(root)
    base = KioskConfig()
    config = dataclasses.replace(base, retrieval=dataclasses.replace(
        base.retrieval, embedder=str(gemma_path)))
    knowledge = open_knowledge(config, str(root), str(tmp_path / "data"))
    hits = knowledge.retriever.search("什么时候可以来看书", "zh")
    assert hits[0].source == "opening-hours"
    hits = knowledge.retriever.search("How can I become a member and borrow books?", "en")
    assert hits[0].source == "library-card"
