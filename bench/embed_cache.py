"""An embedder wrapper for the benches that keeps every vector it computed in an .npz file.

Tuning the gate re-embeds the same ~5,000 texts (the packs, the out-of-scope set, the
questions) on every run; with EmbeddingGemma that is minutes. The cache is keyed by the wrapped
model's `model_id`, the side (query or passage) and the text, so a changed model or prompt
misses it. Benches only: the kiosk itself never uses it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kiosk.knowledge.embed import Embedder, Vectors

CACHE_DIR = Path(os.environ.get("KIOSK_BENCH_CACHE", Path.home() / ".cache" / "kiosk-bench"))
"""Where the vectors are kept (KIOSK_BENCH_CACHE overrides); delete it to start afresh."""


class CachedEmbedder:
    """The wrapped embedder's vectors, computed once per text and side."""

    def __init__(self, inner: Embedder, folder: Path = CACHE_DIR) -> None:
        self._inner = inner
        digest = hashlib.sha256(inner.model_id.encode()).hexdigest()[:16]
        self._path = folder / f"vectors-{digest}.npz"
        self._vectors: dict[str, Vectors] = {}
        self._dirty = False
        if self._path.is_file():
            with np.load(self._path, allow_pickle=False) as data:
                self._vectors = dict(zip((str(k) for k in data["keys"]), data["vectors"],
                                         strict=True))

    @property
    def model_id(self) -> str:
        return self._inner.model_id

    @property
    def inner(self) -> Embedder:
        """The embedder the vectors come from (for timing it without the cache)."""
        return self._inner

    def embed(self, texts: Sequence[str], *, query: bool) -> Vectors:
        keys = [("q|" if query else "p|") + text for text in texts]
        missing = list(dict.fromkeys(key for key in keys if key not in self._vectors))
        if missing:
            fresh = self._inner.embed([key[2:] for key in missing], query=query)
            self._vectors.update(zip(missing, fresh, strict=True))
            self._dirty = True
        if not keys:
            return self._inner.embed([], query=query)
        return np.asarray(np.stack([self._vectors[key] for key in keys]), dtype=np.float32)

    def save(self) -> None:
        """Write the vectors computed so far (atomically)."""
        if not self._dirty:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_name(self._path.stem + ".tmp.npz")
        keys = list(self._vectors)
        np.savez(tmp, keys=np.asarray(keys), vectors=np.stack([self._vectors[k] for k in keys]))
        tmp.replace(self._path)
        self._dirty = False
