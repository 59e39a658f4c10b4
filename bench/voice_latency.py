"""Voice latency and wake-word accuracy on recordings synthesized here with piper's joe voice.

Three sets, each recording run through the whole kiosk (`kiosk converse` in-process):
- questions: "Hello kiosk." then a held-out English question about a pack that is not one of
  the embedded ones (default bench/packs/clinic, questions from bench/questions/clinic.yaml);
- chatter: English speech without the wake phrase (some with "hello" or "kiosk" in it);
- echo: the kiosk's own answers played back into its microphone.

Prints the wake detection rate, false wakes per set, the share of questions answered from the
expected entry (or handed off when none is expected), how many handoffs asked "Did you mean …?"
about the expected entry and were answered from it once the visitor said "Yes." (that
recording is run again, as fast as possible, with the yes after the kiosk's reply), and
end-of-speech → first answer audio
with its parts (endpointing silence, ASR final, answer, first TTS chunk), p50/p95, fed at
real-time pace (`--fast` feeds as fast as possible; then endpointing is not waited for).
`--noise pink|babble [--snr DB]` mixes a noisy lobby into every recording (bench/noise.py).
`--espeak VOICE` has an espeak-ng voice (`en`, `en-us`, `en+m3`…) say the visitor's part
instead of joe — the kiosk still answers in joe's voice. A recording without the wake phrase
that wakes the kiosk is written to a WAV file (`--keep-false-wakes DIR`) and named in the
output, so it can be played and run again (`kiosk converse --audio-in`).

    .venv/bin/python bench/voice_latency.py                # about 7 minutes on 2 cores
    .venv/bin/python bench/voice_latency.py --limit 10 --fast
    .venv/bin/python bench/voice_latency.py --espeak en+m3
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from answer_quality import with_overrides
from noise import KINDS, lobby

from kiosk.assemble import build_engine, open_knowledge
from kiosk.config import KioskConfig, settle
from kiosk.events import VisemeTimeline
from kiosk.speech.audio import Samples, read_wav, resample, write_wav
from kiosk.speech.build import make_ears, make_voices
from kiosk.speech.conversation import Conversation, converse
from kiosk.speech.tts import Synthesizer, Utterance

ROOT = Path(__file__).resolve().parent.parent

CHATTER = (
    "Hello there, how are you today?",
    "The kiosk is over there, next to the stairs.",
    "Can you hold my bag for a second?",
    "Hello, Oscar! Long time no see.",
    "I think the lift is out of order again.",
    "We should ask someone at the counter.",
    "Do you have the tickets, or did I give them to you?",
    "Hold on, my phone is ringing.",
    "Hello? Yes, I'm at the hospital now.",
    "That kiosk looks new. Shall we try it later?",
)


class Espeak:
    """An espeak-ng voice as the visitor (a `synthesize` like a kiosk voice's, no visemes)."""

    def __init__(self, voice: str) -> None:
        self.voice = voice

    def synthesize(self, text: str) -> Utterance:
        with tempfile.NamedTemporaryFile(suffix=".wav") as wav:
            subprocess.run(["espeak-ng", "-v", self.voice, "-w", wav.name, text], check=True)
            audio = read_wav(wav.name, 16000) * 0.8
        return Utterance(text, audio, 16000, VisemeTimeline(()))


def spoken(voice: Synthesizer | Espeak, text: str, gain: float = 0.6) -> Samples:
    utterance = voice.synthesize(text)
    return resample(utterance.audio, utterance.rate, 16000) * gain


def pause(seconds: float) -> Samples:
    return np.zeros(int(16000 * seconds), dtype=np.float32)


def pack_answers(pack: Path) -> list[str]:
    """The pack's English answers: what people near the kiosk talk about."""
    entries = yaml.safe_load((pack / "faq.yaml").read_text(encoding="utf-8"))
    return [entry["answer"]["en"] for entry in entries if entry.get("answer", {}).get("en")]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def barge_in_ms(engine: object, voices: dict[str, Synthesizer], config: KioskConfig) -> list[float]:
    """Touch during a spoken answer → speaker buffer empty, ten times (wall clock)."""
    from kiosk.core import Core
    from kiosk.events import QuestionTapped, SpeakingStarted, Touched
    from kiosk.speech.audio import PlaybackBuffer
    from kiosk.speech.speaking import SpeakingStage

    playback = PlaybackBuffer(22050)
    core = Core(config.voice, engine, SpeakingStage(voices, playback), tick_s=0.02)  # type: ignore[arg-type]
    started = threading.Event()
    core.subscribe(lambda e: started.set() if isinstance(e, SpeakingStarted) else None)
    core.start()
    cuts: list[float] = []
    try:
        for _ in range(10):
            started.clear()
            core.post(QuestionTapped(time.monotonic(), "Where is the pharmacy?", "en"))
            started.wait(30)
            touched = time.monotonic()
            core.post(Touched(touched))
            while playback.pending > 0 and time.monotonic() - touched < 5:
                time.sleep(0.0005)
            cuts.append((time.monotonic() - touched) * 1000)
            time.sleep(0.3)
    finally:
        core.stop()
    return cuts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", default=str(ROOT / "bench" / "packs" / "clinic"))
    parser.add_argument("--questions", default=str(ROOT / "bench" / "questions" / "clinic.yaml"))
    parser.add_argument("--limit", type=int, default=24, help="questions to run")
    parser.add_argument("--fast", action="store_true", help="do not feed at real-time pace")
    parser.add_argument("--espeak", metavar="VOICE", help="espeak-ng says the visitor's part")
    parser.add_argument("--noise", choices=KINDS, help="a noisy lobby: pink noise or babble")
    parser.add_argument("--snr", type=float, default=15.0,
                        help="the visitor's speech above the noise, in dB (default 15)")
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                        help="a config setting to measure (voice.noise_suppression=0)")
    parser.add_argument("--keep-false-wakes", metavar="DIR",
                        help="where a recording that wakes without the phrase is written "
                        "(default: the temporary folder; named in the output)")
    args = parser.parse_args()

    config = settle(with_overrides(KioskConfig(), args.set))  # the embedder the kiosk would use
    data = Path(tempfile.mkdtemp(prefix="kiosk-voice-bench-"))
    knowledge = open_knowledge(config, args.pack, str(data))
    engine = build_engine(config, knowledge)
    voices = make_voices(config.voice, ("en",))
    joe = voices["en"]
    visitor: Synthesizer | Espeak = Espeak(args.espeak) if args.espeak else joe
    questions = [
        q
        for q in yaml.safe_load(Path(args.questions).read_text(encoding="utf-8"))
        if q["lang"] == "en" and q["kind"] in ("paraphrase", "offtopic", "asr")
    ][: args.limit]

    ears = make_ears(config.voice)  # one set for the whole run, as a kiosk listens all day
    room = lobby(args.noise, args.snr, pack_answers(Path(args.pack))) if args.noise else None

    def run(audio: Samples, **options: object) -> Conversation:
        return converse(
            config.voice, engine, ears, voices, room(audio) if room else audio,
            realtime=not args.fast, stop_at_first_audio=True, **options,  # type: ignore[arg-type]
        )  # fmt: skip

    woken = right = 0
    offered: list[tuple[dict[str, str], str, Samples]] = []
    parts: dict[str, list[float]] = {k: [] for k in ("total", "endpoint", "asr", "answer", "tts")}
    answers: list[str] = []
    started = time.perf_counter()
    for item in questions:
        audio = np.concatenate(
            [
                pause(0.5),
                spoken(visitor, "Hello kiosk."),
                pause(0.4),
                spoken(visitor, item["q"]),
                pause(1.0),
            ]
        )
        conversation = run(audio)
        turn = conversation.records()[0]
        woken += turn.wake
        expected = item["expect"]
        ok = (turn.handoff and not turn.sources) if expected is None else expected in turn.sources
        right += ok
        if not ok and expected is not None and turn.handoff and turn.offer == expected:
            offered.append((item, turn.answer or "", audio[: -len(pause(1.0))]))
        if turn.answer:
            answers.append(turn.answer)
        timings = turn.timings
        if timings and timings.audio_wall and turn.speech_end_wall and turn.heard_wall:
            parts["total"].append((timings.audio_wall - turn.speech_end_wall) * 1000)
            parts["endpoint"].append((turn.heard_wall - turn.speech_end_wall) * 1000)
            parts["asr"].append((timings.received_wall - turn.heard_wall) * 1000)
            parts["answer"].append((timings.answer_wall - timings.received_wall) * 1000)
            parts["tts"].append((timings.audio_wall - timings.answer_wall) * 1000)
        mark = "ok " if ok else "BAD"
        print(f"  {mark} wake={turn.wake!s:5} {turn.latency_ms or 0:6.0f} ms  {item['q'][:50]!r}"
              f" → {turn.transcript!r} {list(turn.sources)}", flush=True)  # fmt: skip

    def false_wake(kind: str, index: int, text: str, audio: Samples) -> bool:
        """Run a recording without the wake phrase; one that wakes the kiosk is kept."""
        turn = run(audio).records()[0]
        if turn.wake:
            keep.mkdir(parents=True, exist_ok=True)
            kept = keep / f"kiosk-false-wake-{kind}-{index}.wav"
            write_wav(kept, audio, 16000)
            print(f"  FALSE WAKE ({kind}) {text!r} → {turn.transcript!r}, kept as {kept}",
                  flush=True)
        return turn.wake

    keep = Path(args.keep_false_wakes or tempfile.gettempdir())
    chatter_wakes = sum(
        false_wake("chatter", i, text,
                   np.concatenate([pause(0.5), spoken(visitor, text), pause(1.0)]))
        for i, text in enumerate(CHATTER)
    )
    echo_wakes = sum(
        false_wake("echo", i, text,
                   np.concatenate([pause(0.5), spoken(joe, text, gain=0.8), pause(1.0)]))
        for i, text in enumerate(answers[:10])
    )

    confirmed = 0
    for item, reply, asked in offered:  # the same recording, then a yes once the offer is said
        said = joe.synthesize(reply)
        audio = np.concatenate(
            [asked, pause(len(said.audio) / said.rate + 2.0), spoken(visitor, "Yes."), pause(1.0)]
        )
        turns = converse(config.voice, engine, ears, voices, room(audio) if room else audio)
        turns = turns.records()
        yes = turns[1] if len(turns) > 1 else None
        confirmed += bool(yes and item["expect"] in yes.sources)
        print(f"  did you mean {item['expect']}? → {yes.transcript if yes else None!r} "
              f"{list(yes.sources) if yes else []}", flush=True)

    cuts = barge_in_ms(engine, voices, config)  # type: ignore[arg-type]
    count = len(questions)
    pace = "as fast as possible" if args.fast else "real time"
    noise = f", {args.noise} noise {args.snr:g} dB below the speech" if args.noise else ""
    print(f"\n{count} questions ({pace}{noise}), {time.perf_counter() - started:.0f} s")
    print(f"wake detected: {woken}/{count} ({100 * woken / max(count, 1):.0f} %)")
    print(f"right source (or handoff when none expected): {right}/{count}")
    print(f"handed off with the right entry offered: {len(offered)}; answered from it after "
          f"\"Yes.\": {confirmed} (right source then: {right + confirmed}/{count})")
    print(f"false wakes: chatter {chatter_wakes}/{len(CHATTER)}, "
          f"own answers played back {echo_wakes}/{min(10, len(answers))}")  # fmt: skip
    print(f"barge-in (touch → speaker buffer empty): p50 {statistics.median(cuts):.1f} ms, "
          f"max {max(cuts):.1f} ms, plus one 20 ms device block")  # fmt: skip
    if parts["total"]:
        print("end of speech → first answer audio (ms):    p50     p95")
        for name, label in (
            ("total", "total"),
            ("endpoint", "  endpointing (silence)"),
            ("asr", "  ASR final"),
            ("answer", "  answer"),
            ("tts", "  first TTS chunk"),
        ):
            values = parts[name]
            print(f"  {label:40} {statistics.median(values):6.0f}  {percentile(values, 0.95):6.0f}")


if __name__ == "__main__":
    main()
