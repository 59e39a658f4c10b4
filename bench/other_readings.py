"""Spoken questions the likeliest reading leaves unanswered: what Whisper's other readings add.

Each English question of a pack's question file (bench/questions/) is spoken by piper's joe
voice (its natural variation on) and read by the kiosk's Whisper recogniser as the listener
reads it (`finish`, then `more_readings`). The engine then answers the transcript twice: on the
likeliest reading alone, and with the other readings offered (`[answer] agreeing_readings`,
docs/voice.md, "Other readings"). Prints, per pack, in-scope questions answered from the right
entry, from a wrong one, and off-topic or injection questions answered (they should be handed
off), each both ways, and the time the other readings cost on the questions that asked for them.

    .venv/bin/python bench/other_readings.py                 # the held-out packs, ~6 minutes
    .venv/bin/python bench/other_readings.py --packs metro bank expo hotel --show
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from answer_quality import DECLINE, HELD_OUT, IN_SCOPE, PACKS

from kiosk.answer.engine import Session
from kiosk.assemble import build_engine, open_knowledge
from kiosk.config import KioskConfig, settle
from kiosk.knowledge.embed import make_embedder
from kiosk.speech.audio import resample, to_int16
from kiosk.speech.tts import joe_voice
from kiosk.speech.whisper import WhisperRecognizer, load_whisper, packaged_model

BENCH = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packs", nargs="*", default=list(HELD_OUT), choices=list(PACKS))
    parser.add_argument("--show", action="store_true",
                        help="print every question whose reply the other readings change")
    args = parser.parse_args()
    config = settle(KioskConfig(), [])
    embedder = make_embedder(config.retrieval.embedder)
    data_dir = tempfile.mkdtemp(prefix="kiosk-bench-")
    voice = joe_voice()
    whisper = WhisperRecognizer(load_whisper(packaged_model()), "en", 16000)
    print(f"{'pack':8}{'n':>5}{'right':>12}{'wrong':>12}{'off-topic':>12}{'asked':>7}"
          f"{'p50 ms':>8}{'p95 ms':>8}")
    totals = np.zeros(7, dtype=int)
    for name in args.packs:
        engine = build_engine(config, open_knowledge(config, str(PACKS[name]), data_dir,
                                                     embedder=embedder))
        items = [q for q in yaml.safe_load((BENCH / "questions" / f"{name}.yaml").read_text(
            encoding="utf-8")) if q["lang"] == "en"]
        # right/wrong answered in scope, off-topic answered: likeliest alone, then with others
        counts = np.zeros(6, dtype=int)
        asked: list[float] = []
        for item in items:
            utterance = voice.synthesize(item["q"])
            audio = (resample(utterance.audio, utterance.rate, 16000) * 0.6).astype(np.float32)
            whisper.begin()
            whisper.feed(to_int16(audio))
            heard = whisper.finish()
            more = whisper.more_readings()
            seen: list[Sequence[str]] = []

            def readings(more: Callable[[], list[str]] | None = more,
                         seen: list[Sequence[str]] = seen,
                         asked: list[float] = asked) -> Sequence[str]:
                started = time.perf_counter()
                found = more() if more is not None else []
                asked.append((time.perf_counter() - started) * 1000)
                seen.append(found)
                return found

            for arm, offered in enumerate((None, readings)):
                answer = engine.ask(heard, Session(), offered)
                top = answer.sources[0] if answer.sources and not answer.handoff else None
                if item["kind"] in IN_SCOPE and top is not None:
                    counts[2 * arm + (top != item["expect"])] += 1
                elif item["kind"] in DECLINE and top is not None:
                    counts[4 + arm] += 1
                if arm and args.show and seen and answer.sources[:1] != (item.get("expect"),):
                    print(f"  [{item['kind']}] {item['q']!r}\n    heard {heard!r} -> {top}"
                          f"\n    readings {list(seen[0])}")
                elif arm and args.show and seen and top is not None:
                    print(f"  rescued {item['q']!r}: heard {heard!r}, took {list(seen[0])}")
        in_scope = sum(q["kind"] in IN_SCOPE for q in items)
        print(f"{name:8}{len(items):5d}{_pair(counts[0], counts[2], in_scope):>12}"
              f"{_pair(counts[1], counts[3], in_scope):>12}"
              f"{_pair(counts[4], counts[5], len(items) - in_scope):>12}{len(asked):7d}"
              + _quantiles(asked))
        totals += [*counts, len(asked)]
    print(f"{'all':8}{'':5}{totals[0]:>5} → {totals[2]:<4}{totals[1]:>5} → {totals[3]:<4}"
          f"{totals[4]:>5} → {totals[5]:<4}{totals[6]:7d}")
    print("right / wrong: in-scope questions answered from that entry; off-topic: off-topic and"
          " injection questions answered; each as 'likeliest reading alone → with the others'")
    return 0


def _pair(before: int, after: int, of: int) -> str:
    return f"{before}→{after}/{of}"


def _quantiles(ms: list[float]) -> str:
    if not ms:
        return f"{'-':>8}{'-':>8}"
    ms = sorted(ms)
    return f"{statistics.median(ms):8.0f}{ms[int(0.95 * (len(ms) - 1))]:8.0f}"


if __name__ == "__main__":
    raise SystemExit(main())
