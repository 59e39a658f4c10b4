"""Would EmbeddingGemma's space answer better once whitened within entries?

The phrasings of one entry differ along directions that say nothing about what is asked
(the language, the register, "can I" against "is it possible to"). Within-class whitening
(WCCN) scales those directions down: with S the scatter of every phrasing around its entry's
mean (trace-normalised), each vector v becomes v·(S + λI)^-½, L2-normalised again, before
the classifier is trained and before the dense similarity. S can come from other packs'
phrasings (a prior shipped with the model), from the pack's own, or from both
((α·S_others + (1 − α)·S_own); λ keeps the map near the identity.

Offline, on cached embeddings (bench/embed_cache.py): every pack is opened once with the
real retriever for its BM25 signal and the questions' vectors, then the classifier and the
centred dense similarity are recomputed from the (mapped) vectors as kiosk/knowledge builds
them, and fused with EmbeddingGemma's gate (docs/retrieval.md). The map itself is learned
only from FAQ phrasings, answers and doc sentences, never from the bench's questions.

Leave one dev pack out: S_others from the other three, the threshold from the other three
too (the tuner's measure, top-1 + 1.2 × declined, or the best top-1 at ≥ 85 % declined).
`--held-out A L T` then runs clinic, library, civic and telecom once, with S_others from the
four dev packs, α = A, λ = L and threshold T fixed beforehand. Measured and not adopted
(docs/retrieval.md, "Tried, not kept: whitening within entries"):

    .venv/bin/python bench/whitening_probe.py
    .venv/bin/python bench/whitening_probe.py --held-out 0.75 1 0.24
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from answer_quality import HELD_OUT, PACKS, with_overrides
from embed_cache import CachedEmbedder
from ensemble_probe import DEV, GEMMA, GEMMA_WEIGHTS, THRESHOLDS, PackSignals, collect

from kiosk.config import KioskConfig, RetrievalConfig
from kiosk.knowledge.classifier import EntryClassifier
from kiosk.knowledge.embed import make_embedder
from kiosk.knowledge.index import CLASSIFIER_C, OUT_OF_SCOPE, indexed_texts
from kiosk.knowledge.loader import load_pack
from kiosk.models.registry import resolve_model_refs

Array = NDArray[np.float64]
Map = Callable[[Array], Array]
Sweep = tuple[Array, Array, float]
"""(top-1 per threshold, declined per threshold, ungated top-1)."""


class Pack:
    """One pack's gate questions and everything needed to redo its classifier offline."""

    def __init__(self, signals: PackSignals, kinds: list[str]) -> None:
        self.s = signals
        self.items = _unit(signals.vectors["g"]["items"])
        self.oos = _unit(signals.vectors["g"]["oos"])
        self.questions = _unit(signals.vectors["g"]["questions"])
        self.labels = np.asarray(signals.labels)
        self.answer = np.asarray([kind == "answer" for kind in kinds])

    def scatter(self) -> Array:
        """Within-entry scatter of the pack's indexed texts, trace-normalised."""
        parts = [g - g.mean(axis=0) for s in np.unique(self.labels)
                 if len(g := self.items[self.labels == s]) > 1]
        rows = np.vstack(parts)
        scatter = rows.T @ rows / len(rows)
        return np.asarray(scatter / (np.trace(scatter) / len(scatter)))

    def sweep(self, mapping: Map, retrieval: RetrievalConfig) -> Sweep:
        """Classifier and dense signal from the mapped vectors, fused at gemma's gate."""
        items, oos, questions = (_unit(mapping(v)) for v in (self.items, self.oos,
                                                              self.questions))
        model = EntryClassifier.train(list(self.labels) + [OUT_OF_SCOPE] * len(oos),
                                      np.vstack([items, oos]).astype(np.float32), CLASSIFIER_C)
        logits = questions @ model.weights.T.astype(np.float64) + model.bias
        logits -= logits.max(axis=1, keepdims=True)
        odds = np.exp(logits)
        odds /= odds.sum(axis=1, keepdims=True)
        prob = odds[:, [model.classes.index(s) for s in self.s.sources]]
        centre = np.vstack([items, oos]).mean(axis=0)
        cosine = _unit(questions - centre) @ _unit(items - centre).T - 0.03 * self.answer
        dense = np.stack([cosine[:, self.labels == s].max(axis=1) for s in self.s.sources], 1)
        wp, wd, floor, ceiling = GEMMA_WEIGHTS
        ratio = min(max(len(self.s.sources) / retrieval.classifier_reference_sources, 0.5), 2.0)
        adjusted = np.minimum(prob * ratio**retrieval.classifier_size_exponent, 1.0)
        fused = (wp * adjusted
                 + wd * np.clip((dense - floor) / (ceiling - floor), 0.0, 1.0)
                 + (1 - wp - wd) * self.s.lexical)
        fused = np.where(self.s.valid, fused, -9.0)
        best = fused.argmax(axis=1)
        rows = np.arange(len(best))
        answered = fused[rows, best][None, :] >= THRESHOLDS[:, None]
        right = self.s.right[rows, best]
        return ((answered & right)[:, self.s.in_scope].mean(axis=1),
                (~answered)[:, self.s.decline].mean(axis=1), float(right[self.s.in_scope].mean()))


def _unit(v: Array) -> Array:
    return np.asarray(v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9))


def whitening(prior: Array | None, own: Array, alpha: float, lam: float) -> Map:
    """v ↦ v·(α·prior + (1 − α)·own + λI)^-½ (own alone when there is no prior)."""
    scatter = own if prior is None else alpha * prior + (1 - alpha) * own
    values, vectors = np.linalg.eigh(scatter + lam * np.eye(len(scatter)))
    matrix = vectors @ np.diag(values**-0.5) @ vectors.T
    return lambda v: np.asarray(v @ matrix)


def load(names: list[str]) -> dict[str, Pack]:
    config = resolve_model_refs(with_overrides(KioskConfig(), [f"retrieval.embedder={GEMMA}"]))
    embedder = CachedEmbedder(make_embedder(config.retrieval.embedder))
    data_dir = tempfile.mkdtemp(prefix="kiosk-whitening-")
    packs = {}
    for name in names:
        signals = collect(name, {"g": embedder}, {"g": config}, data_dir)
        kinds = [item.kind for item in indexed_texts(load_pack(PACKS[name]))]
        packs[name] = Pack(signals, kinds)
        print(f"{name}: {len(signals.right)} gate questions", flush=True)
    return packs


VARIANTS = [("identity", 0.0, 0.0)] + [
    (kind, alpha, lam) for kind, alpha in (("others", 1.0), ("own", 0.0), ("both", 0.75))
    for lam in (1.0, 2.0, 3.0)
]


def mapping_for(kind: str, alpha: float, lam: float, pack: Pack, others: list[Pack]) -> Map:
    if kind == "identity":
        return lambda v: v
    prior = (np.mean([p.scatter() for p in others], axis=0)
             if kind != "own" else None)
    return whitening(prior, pack.scatter(), alpha, lam)


def leave_one_out(dev: dict[str, Pack], retrieval: RetrievalConfig) -> None:
    print("\nleave one dev pack out: top-1 / declined (tuner's measure) | at >= 85 % | "
          "ungated | best top-1 at >= 85 / 88 % declined, one threshold for all four")
    for kind, alpha, lam in VARIANTS:
        sweeps: dict[str, dict[str, Sweep]] = {}
        for k in dev:
            train = [n for n in dev if n != k]
            sweeps[k] = {n: dev[n].sweep(mapping_for(kind, alpha, lam, dev[n],
                                                     [dev[m] for m in train]), retrieval)
                         for n in [*train, k]}
        cells = []
        for target in (None, 0.85):
            folds = []
            for k in dev:
                train = [n for n in dev if n != k]
                top = np.mean([sweeps[k][n][0] for n in train], axis=0)
                dec = np.mean([sweeps[k][n][1] for n in train], axis=0)
                if target is None:
                    t = int((top + 1.2 * dec).argmax())
                else:
                    ok = dec >= target - 1e-9
                    t = int(np.flatnonzero(ok)[top[ok].argmax()])
                folds.append((sweeps[k][k][0][t], sweeps[k][k][1][t]))
            cells.append(f"{np.mean([f[0] for f in folds]):6.1%} / "
                         f"{np.mean([f[1] for f in folds]):6.1%}")
        own = [sweeps[k][k] for k in dev]
        top = np.mean([s[0] for s in own], axis=0)
        dec = np.mean([s[1] for s in own], axis=0)
        curve = [f"{top[dec >= lv - 1e-9].max():6.1%}" for lv in (0.85, 0.88)]
        print(f"{kind:8} α {alpha:4.2f} λ {lam:3.1f} | {cells[0]} | {cells[1]} | "
              f"{np.mean([s[2] for s in own]):6.1%} | {' '.join(curve)}", flush=True)


def held_out(dev: dict[str, Pack], alpha: float, lam: float, threshold: float,
             retrieval: RetrievalConfig) -> None:
    packs = load(list(HELD_OUT))
    t = int(np.flatnonzero(np.isclose(THRESHOLDS, threshold))[0])
    base = int(np.flatnonzero(np.isclose(THRESHOLDS, 0.39))[0])
    for label, kind, at in (("identity (kiosk today, 0.39)", "identity", base),
                            (f"both α {alpha} λ {lam} at {threshold}", "both", t)):
        runs = {n: p.sweep(mapping_for(kind, alpha, lam, p, list(dev.values())), retrieval)
                for n, p in packs.items()}
        cells = " ".join(f"{n} {s[0][at]:6.1%} / {s[1][at]:6.1%} ({s[2]:5.1%})"
                         for n, s in runs.items())
        top = np.mean([s[0] for s in runs.values()], axis=0)
        dec = np.mean([s[1] for s in runs.values()], axis=0)
        print(f"{label:34} {cells} | mean {top[at]:6.1%} / {dec[at]:6.1%}, "
              f"ungated {np.mean([s[2] for s in runs.values()]):6.1%}, best top-1 at >= 85 % "
              f"declined {top[dec >= 0.85 - 1e-9].max():6.1%}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--held-out", nargs=3, type=float, metavar=("ALPHA", "LAMBDA", "T"),
                        help="run the held-out packs once with this setting fixed")
    args = parser.parse_args()
    retrieval = KioskConfig().retrieval
    dev = load(DEV)
    leave_one_out(dev, retrieval)
    if args.held_out:
        held_out(dev, *args.held_out, retrieval)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
