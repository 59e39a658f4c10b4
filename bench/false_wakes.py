"""False wakes, counted on many recordings: everyday speech without the wake phrase, each
sentence synthesized afresh every round (joe's variation on, or an espeak-ng voice), run
through the whole kiosk as `kiosk converse` does, one set of ears for the whole run as a kiosk
listens all day.

`bench/voice_latency.py` runs ten such recordings; a false wake is rarer than that (one in one
run of ten, none in a hundred after), so this runs its chatter and as many near misses —
"hello" to someone else, words that sound like "kiosk" — several times over. For each false
wake it says which part woke the kiosk: pocketsphinx's keyphrase spotter, or the second look
(a short utterance read by Whisper, and which of its readings began with the phrase). Each
such recording is written to a WAV file and named, so it can be played and run again
(`kiosk converse --audio-in FILE --json`).

    .venv/bin/python bench/false_wakes.py                  # 5 rounds of 40 sentences, fast
    .venv/bin/python bench/false_wakes.py --rounds 2 --realtime
    .venv/bin/python bench/false_wakes.py --espeak en+m3
    .venv/bin/python bench/false_wakes.py --noise pink --snr 15   # a noisy lobby (bench/noise.py)
    .venv/bin/python bench/false_wakes.py --replay bench/recordings/false-wake-hello-oscar.wav

`--replay WAV` feeds one kept recording to pocketsphinx's spotter twice: fresh, and after it
has listened to one round of the sentences (its cepstral mean adapted to the voice, as a
kiosk's is after a while), at several thresholds — which is how the false wake of
2026-12-07 was found to need a spotter that had been listening (docs/voice.md).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from answer_quality import with_overrides
from noise import KINDS, lobby
from voice_latency import CHATTER, ROOT, Espeak, pack_answers, pause, spoken

from kiosk.assemble import build_engine, open_knowledge
from kiosk.config import KioskConfig, settle
from kiosk.speech.audio import read_wav, to_int16, write_wav
from kiosk.speech.build import Ears, make_ears, make_voices
from kiosk.speech.conversation import converse
from kiosk.speech.denoise import DenoisedSpotter
from kiosk.speech.listener import FRAME_S
from kiosk.speech.recognizers import PocketsphinxWake, Recognizer, WakeSpotter
from kiosk.speech.tts import Synthesizer

NEAR_MISSES = (
    "Hello, Casey! Over here!",
    "Oh hello, Chris, I didn't see you there.",
    "Hello, can you hear me? The line is bad.",
    "Hello kitty stickers are on the second floor.",
    "Hello, is anyone at the desk?",
    "Say hello to your mother for me.",
    "Hello, how can I help you?",
    "Let's go, we're late.",
    "The kiosks at the station take cards now.",
    "I bought a newspaper at the kiosk outside.",
    "Is this the kiosk for parking tickets?",
    "Hi, Oscar. Is it cold outside?",
    "Yellow kiwis are sweeter than green ones.",
    "Hollow keys don't fit this lock.",
    "He lost his keys again.",
    "Hello, Costa? A large latte, please.",
    "Hey, do you know where the toilets are?",
    "Excuse me, sorry, can I get past?",
    "Kiosk mode is on, so nobody can close the app.",
    "Okay, see you at six then.",
    "Hello again! Did you find the room?",
    "Jello, cocoa and a biscuit, please.",
    "Call me when you get there.",
    "Hello, Oskar, this is Grandma.",
    "We can ask at that kiosk or the information desk.",
    "Hello and welcome to the city museum.",
    "Who is next in the queue?",
    "Keep the receipt, just in case.",
    "Hello? Hello? I think it hung up.",
    "A kiosk sells snacks by the exit.",
)
"""Said near a kiosk, none of them to it: greetings to other people, "kiosk" in passing,
words that sound like the phrase."""


@dataclass
class Watch:
    """What woke the kiosk during one recording: the spotter, the second look, or neither."""

    spotter: str = ""
    """Which spotter fired, if one did."""
    readings: list[list[str]] = field(default_factory=list)

    def clear(self) -> None:
        self.spotter = ""
        self.readings = []


class WatchedSpotter:
    """The real spotter, noting when it fires."""

    def __init__(self, spotter: WakeSpotter, watch: Watch) -> None:
        self._spotter = spotter
        self._watch = watch
        self.phrase = spotter.phrase
        self.lang = spotter.lang
        denoised = isinstance(spotter, DenoisedSpotter)
        self.name = "spotter (noise suppressed)" if denoised else "spotter"

    def feed(self, pcm: bytes) -> bool:
        fired = self._spotter.feed(pcm)
        if fired:
            self._watch.spotter = self.name
        return fired

    def reset(self) -> None:
        self._spotter.reset()


class WatchedRecognizer:
    """The real recogniser, noting the readings the second look saw."""

    def __init__(self, recognizer: Recognizer, watch: Watch) -> None:
        self._recognizer = recognizer
        self._watch = watch
        self.lang = recognizer.lang

    def readings(self) -> list[str]:
        found = self._recognizer.readings()
        self._watch.readings.append(found)
        return found

    def __getattr__(self, name: str) -> object:
        return getattr(self._recognizer, name)


def fires(spotter: WakeSpotter, audio: np.ndarray) -> int:
    """How often `spotter` fires on `audio`, fed in the listener's 30 ms frames."""
    frame = round(16000 * FRAME_S)
    return sum(spotter.feed(to_int16(audio[i : i + frame])) for i in range(0, len(audio), frame))


def replay(path: str, visitor: Synthesizer | Espeak, phrase: str) -> None:
    """A kept recording, to a fresh spotter and to one that has been listening."""
    audio = read_wav(path, 16000)
    warm_up = [np.concatenate([pause(0.5), spoken(visitor, text), pause(1.0)])
               for text in (*CHATTER, *NEAR_MISSES)]  # fmt: skip
    for threshold in (1e-10, 1e-15, 1e-20, 1e-25):
        fresh = fires(PocketsphinxWake(phrase, 16000, threshold), audio)
        spotter = PocketsphinxWake(phrase, 16000, threshold)
        before = sum(fires(spotter, clip) for clip in warm_up)
        after = [fires(spotter, audio) for _ in range(3)]
        print(f"threshold {threshold:g}: fresh spotter fired {fresh}×; after listening to "
              f"{len(warm_up)} sentences (fired {before}×), fired {after} in three plays")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", default=str(ROOT / "bench" / "packs" / "clinic"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--realtime", action="store_true", help="feed at real-time pace")
    parser.add_argument("--espeak", metavar="VOICE", help="espeak-ng says the sentences")
    parser.add_argument("--noise", choices=KINDS, help="a noisy lobby: pink noise or babble")
    parser.add_argument("--snr", type=float, default=15.0,
                        help="the speech above the noise, in dB (default 15)")
    parser.add_argument("--keep", metavar="DIR", help="where a recording that wakes the kiosk "
                        "is written (default: the temporary folder)")
    parser.add_argument("--replay", metavar="WAV", help="one kept recording to the spotter")
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                        help="a config setting to measure (voice.wake_threshold=1e-20)")
    args = parser.parse_args()

    config = settle(with_overrides(KioskConfig(), args.set))
    if args.replay:
        voice = make_voices(config.voice, ("en",))["en"]
        replay(args.replay, Espeak(args.espeak) if args.espeak else voice, config.voice.wake_en)
        return
    data = Path(tempfile.mkdtemp(prefix="kiosk-false-wakes-"))
    engine = build_engine(config, open_knowledge(config, args.pack, str(data)))
    voices = make_voices(config.voice, ("en",))
    visitor: Synthesizer | Espeak = Espeak(args.espeak) if args.espeak else voices["en"]
    watch = Watch()
    real = make_ears(config.voice)
    ears = Ears(
        tuple(WatchedSpotter(s, watch) for s in real.spotters),  # type: ignore[misc]
        {lang: WatchedRecognizer(r, watch) for lang, r in real.recognizers.items()},  # type: ignore[misc]
    )
    keep = Path(args.keep or tempfile.gettempdir())
    sentences = (*CHATTER, *NEAR_MISSES)
    room = lobby(args.noise, args.snr, pack_answers(Path(args.pack))) if args.noise else None
    woke: Counter[str] = Counter()
    by: Counter[str] = Counter()
    looks = 0
    started = time.perf_counter()
    for round_ in range(args.rounds):
        for index, text in enumerate(sentences):
            audio = np.concatenate([pause(0.5), spoken(visitor, text), pause(1.0)])
            audio = room(audio) if room else audio
            watch.clear()
            turn = converse(config.voice, engine, ears, voices, audio,  # type: ignore[arg-type]
                            realtime=args.realtime, stop_at_first_audio=True).records()[0]
            looks += bool(watch.readings)
            if not turn.wake:
                continue
            woke[text] += 1
            second = [r for r in watch.readings if r]
            how = watch.spotter or ("second look" if second else "?")
            by[how] += 1
            keep.mkdir(parents=True, exist_ok=True)
            kept = keep / f"kiosk-false-wake-{round_}-{index}.wav"
            write_wav(kept, audio, 16000)
            print(f"  FALSE WAKE ({how}) {text!r} → {turn.transcript!r}"
                  f"{f' readings {second[-1]}' if how == 'second look' else ''}, kept as {kept}",
                  flush=True)
        print(f"round {round_ + 1}: {sum(woke.values())} false wakes so far "
              f"({time.perf_counter() - started:.0f} s)", flush=True)
    runs = args.rounds * len(sentences)
    print(f"\nfalse wakes: {sum(woke.values())} of {runs} recordings "
          f"({len(CHATTER)} chatter + {len(NEAR_MISSES)} near misses × {args.rounds} rounds, "
          f"{args.espeak or 'joe'}, {'real time' if args.realtime else 'fast'}"
          f"{f', {args.noise} noise {args.snr:g} dB below' if args.noise else ''}); "
          f"{looks} of them short enough for the second look")
    for how, count in by.most_common():
        print(f"  by the {how}: {count}")
    for text, count in woke.most_common():
        print(f"  {count}× {text!r}")


if __name__ == "__main__":
    main()
