"""How the gate holds when a pack has fewer phrasings per entry, and the adjustment for it.

A new institution's first pack may well have one or two phrasings per entry and language
instead of the four or five of the packs in this repository. The entry classifier is then
less sure of every question, so the fused score falls and the gate hands off questions it
would answer. This probe thins each pack to its entries' first 1, 2 and 3 phrasings per
language (`answer_quality.thin_out`), runs every question once through the real retriever
with the gate open (embeddings cached, bench/embed_cache.py), and re-scores offline with the
classifier's probability scaled by (reference / phrasings) ** exponent (phrasings: question
texts per FAQ entry, both languages; reference 8, the dev packs' 8.1–8.6; never scaled down)
for a grid of exponents, at the embedder's tuned gate. Exponent 0 is the kiosk as it is. The
adjustment was measured and not adopted (docs/retrieval.md, "Packs with few phrasings"):

    .venv/bin/python bench/density_probe.py                       # dev packs, the grid
    .venv/bin/python bench/density_probe.py --packs clinic library --exponents 0 0.6
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from answer_quality import DECLINE, IN_SCOPE, PACKS, thin_out
from embed_cache import CachedEmbedder
from tune_gate import gate_rows

from kiosk.assemble import open_knowledge
from kiosk.config import KioskConfig, RetrievalConfig, settle
from kiosk.knowledge.embed import make_embedder

LEVELS = (1, 2, 3, 0)
"""Phrasings kept per entry and language; 0: all of them."""
REFERENCE = 8.0
"""Question texts per FAQ entry the gate was tuned at (the dev packs have 8.1–8.6)."""
RATIO_FLOOR = 0.125
"""One phrasing per entry and language in a bilingual pack: 2 of 8."""


def collect(name: str, phrasings: int, config: KioskConfig, embedder: Any, data_dir: str
            ) -> tuple[float, list[dict[str, Any]]]:
    """The pack's phrasings per entry, and every gate question's candidates with raw signals."""
    pack_dir = PACKS[name]
    if phrasings:
        pack_dir = thin_out(pack_dir, phrasings, Path(tempfile.mkdtemp(prefix="kiosk-thin-")))
    knowledge = open_knowledge(config, str(pack_dir), data_dir, embedder=embedder)
    entries = knowledge.pack.entries
    density = sum(len(entry.questions.get(lang)) for entry in entries
                  for lang in knowledge.pack.languages) / len(entries)
    return density, gate_rows(name, knowledge, config.retrieval)


def rates(rows: list[dict[str, Any]], gate: RetrievalConfig, scale: float
          ) -> tuple[float, float]:
    """(top-1 of in-scope questions, declined of off-topic ones) with the probability scaled."""
    right = declined = in_scope = off = 0
    span = gate.dense_ceiling - gate.dense_floor
    lexical_weight = 1.0 - gate.classifier_weight - gate.dense_weight
    for row in rows:
        best, top = None, -1.0
        for source, probability, cosine, lexical in row["cands"]:
            dense = min(max((cosine - gate.dense_floor) / span, 0.0), 1.0)
            score = (gate.classifier_weight * min(probability * scale, 1.0)
                     + gate.dense_weight * dense + lexical_weight * lexical)
            if score > top:
                best, top = source, score
        answered = top >= gate.threshold
        if row["kind"] in IN_SCOPE:
            in_scope += 1
            right += answered and best == row["expect"]
        elif row["kind"] in DECLINE:
            off += 1
            declined += not answered
    return right / in_scope, declined / off


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--packs", nargs="*", default=["metro", "bank", "expo", "hotel"])
    parser.add_argument("--exponents", nargs="*", type=float,
                        default=[0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.2])
    args = parser.parse_args()
    config = settle(KioskConfig())
    gate = config.retrieval
    embedder = CachedEmbedder(make_embedder(gate.embedder))
    data_dir = tempfile.mkdtemp(prefix="kiosk-density-")
    collected = {(name, level): collect(name, level, config, embedder, data_dir)
                 for name in args.packs for level in LEVELS}
    embedder.save()
    print(f"embedder {gate.embedder}; gate {gate.classifier_weight}/{gate.dense_weight} "
          f"threshold {gate.threshold}; reference {REFERENCE} phrasings per entry")
    print("top-1 / declined (gate questions), mean over the packs, per phrasings kept")
    print("exponent " + "".join(f"{('all' if lv == 0 else str(lv)):>15}" for lv in LEVELS)
          + "     mean")
    for exponent in args.exponents:
        cells = []
        for level in LEVELS:
            pairs = []
            for name in args.packs:
                density, rows = collected[(name, level)]
                ratio = max(min(density / REFERENCE, 1.0), RATIO_FLOOR)
                pairs.append(rates(rows, gate, ratio ** -exponent))
            cells.append((statistics.mean(p[0] for p in pairs),
                          statistics.mean(p[1] for p in pairs)))
        mean = np.mean(cells, axis=0)
        print(f"{exponent:8.2f} " + "".join(f"{a:7.1%}/{d:6.1%} " for a, d in cells)
              + f"{mean[0]:6.1%}/{mean[1]:6.1%}")
    for name in args.packs:
        print(name, "phrasings per entry:",
              " ".join(f"{collected[(name, lv)][0]:.1f}" for lv in LEVELS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
