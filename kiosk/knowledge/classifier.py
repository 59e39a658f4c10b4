"""A per-pack linear classifier over sentence embeddings: which entry does a question ask for?

Nearest-neighbour matching against the FAQ's phrasings is thrown off by one accidental close
phrasing of another entry; a logistic regression trained on all phrasings (both languages)
and the answers learns which directions of the embedding space mark each entry. On the
held-out questions of the embedded packs it ranks the right entry first far more often
(docs/retrieval.md has the numbers). Trained with scikit-learn when the index is built, kept
as plain arrays next to it, and applied with numpy at question time.

It also keeps the centre of the pack's embedding space. e5 embeddings all point roughly the
same way (any two texts have a cosine near 0.8); measured from the centre of the pack's texts
and the out-of-scope set, similarities spread out, and an off-topic question stands apart from
the pack far more clearly (docs/retrieval.md). chromadb stores the centred vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from kiosk.knowledge.embed import Vectors


@dataclass(frozen=True, slots=True)
class EntryClassifier:
    """Softmax regression from an embedding to the pack's sources."""

    classes: tuple[str, ...]
    """Source ids, in the order of the weight rows."""
    weights: NDArray[np.float32]
    """(classes, dimensions)."""
    bias: NDArray[np.float32]
    """(classes,)."""
    center: NDArray[np.float32]
    """Mean embedding of the texts it was trained on; see `centred`."""

    @staticmethod
    def train(sources: Sequence[str], vectors: Vectors, strength: float) -> EntryClassifier:
        """Fit on one labelled vector per indexed text; `strength` is the inverse
        regularisation C (high: trust the phrasings, there are few per entry)."""
        classes = sorted(set(sources))
        center = np.asarray(vectors.mean(axis=0), dtype=np.float32)
        if len(classes) == 1:
            dim = vectors.shape[1]
            return EntryClassifier(
                tuple(classes), np.zeros((1, dim), np.float32), np.zeros(1, np.float32), center
            )
        from sklearn.linear_model import LogisticRegression

        # Balanced: the out-of-scope class has ~320 examples and an entry ~10; unweighted, it
        # drowned the entries' probabilities (+5 points top-1 on the dev packs when balanced).
        model = LogisticRegression(C=strength, max_iter=5000, class_weight="balanced")
        model.fit(vectors, np.asarray(sources))
        order = [list(model.classes_).index(name) for name in classes]
        return EntryClassifier(
            tuple(classes),
            np.asarray(model.coef_[order], dtype=np.float32),
            np.asarray(model.intercept_[order], dtype=np.float32),
            center,
        )

    def centred(self, vectors: Vectors) -> Vectors:
        """Vectors seen from the centre of the pack's space, L2-normalised again."""
        shifted = np.atleast_2d(vectors) - self.center
        norms = np.linalg.norm(shifted, axis=1, keepdims=True)
        return np.asarray(shifted / np.maximum(norms, 1e-9), dtype=np.float32)

    def probabilities(self, vector: NDArray[np.float32]) -> dict[str, float]:
        """P(source | question) for every source."""
        logits = self.weights @ vector + self.bias
        logits -= logits.max()
        odds = np.exp(logits)
        odds /= odds.sum()
        return {name: float(p) for name, p in zip(self.classes, odds, strict=True)}

    def save(self, path: Path) -> None:
        """Write the arrays to an .npz file (no pickles)."""
        tmp = path.with_name(path.stem + ".tmp.npz")
        np.savez(tmp, classes=np.asarray(self.classes), weights=self.weights, bias=self.bias,
                 center=self.center)
        tmp.replace(path)

    @staticmethod
    def load(path: Path) -> EntryClassifier | None:
        """Read a saved classifier; None when absent or unreadable."""
        try:
            with np.load(path, allow_pickle=False) as data:
                return EntryClassifier(
                    tuple(str(c) for c in data["classes"]),
                    data["weights"],
                    data["bias"],
                    data["center"],
                )
        except (OSError, KeyError, ValueError):
            return None
