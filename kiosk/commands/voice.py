"""`kiosk converse` and `kiosk say`: a spoken conversation from a recording, and TTS alone."""

from __future__ import annotations

import argparse
import json
import sys

from kiosk.commands import Commands
from kiosk.config import KioskConfig


def register(commands: Commands) -> None:
    """Add `converse` and `say` to the `kiosk` command."""
    converse = commands.add_parser(
        "converse", help="talk with the kiosk: a recording (or the microphone) in, speech out"
    )
    converse.add_argument("--pack", help="pack folder, or a pack name (default: from config)")
    converse.add_argument("--data-dir", help="where the index is kept")
    source = converse.add_mutually_exclusive_group(required=True)
    source.add_argument("--audio-in", metavar="IN.wav", help="a recording used as the microphone")
    source.add_argument("--mic", action="store_true", help="the real microphone and speaker")
    converse.add_argument("--audio-out", metavar="OUT.wav", help="write what the kiosk says here")
    converse.add_argument(
        "--realtime", action="store_true", help="feed the recording at real-time pace"
    )
    converse.add_argument("--json", action="store_true", help="print one JSON object per turn")
    converse.add_argument(
        "--echo", type=float, default=0.0, metavar="GAIN",
        help="mix the kiosk's own voice into its microphone at this gain (self-hearing test)",
    )  # fmt: skip
    converse.set_defaults(handler=_converse)

    say = commands.add_parser("say", help="speak a text into a WAV file (TTS alone)")
    say.add_argument("text", metavar="TEXT")
    say.add_argument("--lang", choices=("zh", "en"), help="default: guessed from the text")
    say.add_argument("--out", required=True, metavar="FILE.wav")
    say.add_argument("--json", action="store_true", help="print a summary with the visemes")
    say.set_defaults(handler=_say)


def _say(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.answer.sentences import split_sentences
    from kiosk.lang import detect_language
    from kiosk.speech.audio import write_wav
    from kiosk.speech.say import speak_text

    lang = args.lang or detect_language(args.text, "en")
    spoken = speak_text(config.voice, args.text, lang)
    write_wav(args.out, spoken.audio, spoken.rate)
    summary = {
        "out": args.out,
        "lang": lang,
        "voice": spoken.voice,
        "seconds": round(len(spoken.audio) / spoken.rate, 3),
        "sentences": len(split_sentences(args.text)),
        "visemes": [[k.viseme, round(k.start, 3), round(k.end, 3)] for k in spoken.timeline.keys],
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(
            f"{summary['seconds']} s of speech ({spoken.voice}, {len(spoken.timeline.keys)} "
            f"mouth shapes) → {args.out}"
        )
    return 0


def _converse(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.assemble import build_engine, open_knowledge
    from kiosk.speech.audio import read_wav, write_wav
    from kiosk.speech.build import make_ears, make_voices

    voice = config.voice
    ears = make_ears(voice)  # first: a wake phrase the model cannot spell fails fast
    voices = make_voices(voice)
    knowledge = open_knowledge(config, args.pack, args.data_dir)
    engine = build_engine(config, knowledge)
    if args.mic:
        from kiosk.speech.live import converse_live

        return converse_live(voice, engine, ears, voices, print_json=args.json)
    from kiosk.speech.conversation import converse

    recording = read_wav(args.audio_in, voice.sample_rate)
    conversation = converse(
        voice, engine, ears, voices, recording, realtime=args.realtime, echo_gain=args.echo
    )
    if args.audio_out and conversation.speaker is not None:
        write_wav(args.audio_out, conversation.speaker, conversation.speaker_rate)
    for record in conversation.records():
        if args.json:
            print(json.dumps(record.to_json(), ensure_ascii=False), flush=True)
        else:
            _print_turn(record)
    return 0


def _print_turn(record: object) -> None:
    from kiosk.speech.conversation import TurnRecord

    assert isinstance(record, TurnRecord)
    if not record.wake:
        print("(no wake phrase heard: nothing answered)")
        return
    print(f"visitor: {record.transcript or '(nothing understood)'}")
    if record.answer is not None:
        print(f"kiosk:   {record.answer}")
        details = [f"sources: {', '.join(record.sources)}" if record.sources else "no sources"]
        if record.handoff:
            details.append("handed off to staff")
        if record.latency_ms is not None:
            details.append(f"{record.latency_ms:.0f} ms to first audio")
        if record.interrupted:
            details.append("interrupted")
        print("         " + " · ".join(details), file=sys.stdout)
