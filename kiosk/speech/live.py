"""A spoken conversation with the real microphone and speaker (`kiosk converse --mic`)."""

from __future__ import annotations

import json
from collections.abc import Callable

from kiosk.answer.engine import AnswerEngine
from kiosk.config import VoiceConfig
from kiosk.core import Core
from kiosk.events import AnswerReady, Heard, OutputEvent, StateChanged
from kiosk.lang import Lang
from kiosk.speech.audio import PlaybackBuffer
from kiosk.speech.build import Ears
from kiosk.speech.conversation import PLAYBACK_RATE
from kiosk.speech.devices import SoundcardMicrophone, SoundcardSpeaker
from kiosk.speech.listener import Listener
from kiosk.speech.speaking import SpeakingStage
from kiosk.speech.tts import Synthesizer


def converse_live(
    config: VoiceConfig,
    engine: AnswerEngine,
    ears: Ears,
    voices: dict[Lang, Synthesizer],
    *,
    print_json: bool,
) -> int:
    """Listen and answer until Ctrl-C; prints what is heard and said."""
    playback = PlaybackBuffer(PLAYBACK_RATE)
    speaking = SpeakingStage(voices, playback)
    speaking.warm_up()
    cores: list[Core] = []
    listener = Listener(config, ears.spotters, ears.recognizers, lambda e: cores[0].post(e))
    microphone = SoundcardMicrophone(listener.rate, listener.frame_samples)
    speaker = SoundcardSpeaker(playback)
    core = Core(
        config,
        engine,
        speaking,
        microphone=listener,
        lang=listener.languages[0],
        wake_phrases=ears.phrases,
    )
    cores.append(core)
    core.subscribe(_printer(print_json))
    core.start()
    speaker.start()
    print(f"listening: say {' or '.join(repr(p) for p in ears.phrases)} (Ctrl-C to stop)")
    try:
        for frame in microphone.frames():
            listener.process(frame)
    except KeyboardInterrupt:
        pass
    finally:
        speaker.stop()
        core.stop()
    return 0


def _printer(as_json: bool) -> Callable[[OutputEvent], None]:
    def show(event: OutputEvent) -> None:
        line: str | dict[str, object]
        match event:
            case Heard(kind="final", text=text):
                line = {"heard": text} if as_json else f"visitor: {text}"
            case AnswerReady(text=text, sources=sources, handoff=handoff):
                line = (
                    {"answer": text, "sources": list(sources), "handoff": handoff}
                    if as_json
                    else f"kiosk:   {text}"
                )
            case StateChanged(state=state) if not as_json:
                line = f"[{state}]"
            case _:
                return
        print(json.dumps(line, ensure_ascii=False) if isinstance(line, dict) else line, flush=True)

    return show
