"""English ASR accuracy and cost: pocketsphinx (en-us) against Whisper base, on the same audio.

The held-out English questions of packs outside `knowledge/` (clinic and library), spoken by
piper's joe voice (its natural variation on), each recogniser given the whole utterance. Prints
the word error rate (jiwer, lower-cased, punctuation dropped), the share of questions heard
word for word, and the read time per question (median and p95) — plus Whisper's time on the
full 30 s window, the cost the short window saves.

    .venv/bin/python bench/asr_accuracy.py              # 50 questions, about 2 minutes
    .venv/bin/python bench/asr_accuracy.py --limit 10 --show
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

import jiwer
import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.speech.audio import resample, to_int16
from kiosk.speech.recognizers import PocketsphinxRecognizer
from kiosk.speech.tts import joe_voice
from kiosk.speech.whisper import FULL_WINDOW_S, WhisperRecognizer, load_whisper, packaged_model

BENCH = Path(__file__).resolve().parent


def words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text.lower().replace("-", " ")).split())


def questions(limit: int) -> list[str]:
    found: list[str] = []
    for pack in ("clinic", "library"):
        items = yaml.safe_load((BENCH / "questions" / f"{pack}.yaml").read_text("utf-8"))
        found += [q["q"] for q in items if q["lang"] == "en" and q["kind"] in ("paraphrase", "asr")
                  ][: limit // 2]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--show", action="store_true", help="print every transcript")
    args = parser.parse_args()
    voice = joe_voice()
    whisper = WhisperRecognizer(load_whisper(packaged_model()), "en", 16000)
    sphinx = PocketsphinxRecognizer(16000)
    said = questions(args.limit)
    results: dict[str, tuple[list[str], list[float]]] = {
        "pocketsphinx": ([], []), "whisper": ([], []), "whisper 30 s": ([], [])}
    for text in said:
        utterance = voice.synthesize(text)
        audio = (resample(utterance.audio, utterance.rate, 16000) * 0.6).astype(np.float32)
        start = time.perf_counter()
        sphinx.begin()
        sphinx.feed(to_int16(audio))
        heard = sphinx.finish()
        results["pocketsphinx"][0].append(heard)
        results["pocketsphinx"][1].append(time.perf_counter() - start)
        start = time.perf_counter()
        results["whisper"][0].append(whisper.transcribe(audio))
        results["whisper"][1].append(time.perf_counter() - start)
        start = time.perf_counter()
        results["whisper 30 s"][0].append(whisper.transcribe(audio, FULL_WINDOW_S))
        results["whisper 30 s"][1].append(time.perf_counter() - start)
        if args.show:
            print(f"{text}\n  ps: {heard}\n  wh: {results['whisper'][0][-1]}")
    reference = [words(t) for t in said]
    print(f"{len(said)} held-out English questions (clinic, library), piper joe voice")
    print(f"{'recogniser':14} {'WER':>6} {'exact':>6} {'p50 ms':>7} {'p95 ms':>7}")
    for name, (heard, seconds) in results.items():
        hypotheses = [words(h) or "-" for h in heard]
        wer = jiwer.wer(reference, hypotheses)
        exact = sum(r == h for r, h in zip(reference, hypotheses, strict=True)) / len(said)
        ordered = sorted(seconds)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        print(f"{name:14} {wer:6.1%} {exact:6.0%} {statistics.median(seconds) * 1000:7.0f} "
              f"{p95 * 1000:7.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
