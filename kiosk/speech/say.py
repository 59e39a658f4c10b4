"""Text to speech alone (`kiosk say`): every sentence synthesized and joined, with visemes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kiosk.answer.sentences import split_sentences
from kiosk.config import VoiceConfig
from kiosk.events import VisemeKey, VisemeTimeline
from kiosk.lang import Lang
from kiosk.speech.audio import Samples
from kiosk.speech.build import make_voices


@dataclass(frozen=True, slots=True)
class SpokenText:
    """A whole text as one track."""

    audio: Samples
    rate: int
    timeline: VisemeTimeline
    voice: str


def speak_text(config: VoiceConfig, text: str, lang: Lang) -> SpokenText:
    """Synthesize `text` sentence by sentence with the voice for `lang`."""
    voice = make_voices(config, (lang,))[lang]
    pieces: list[Samples] = []
    keys: list[VisemeKey] = []
    offset = 0.0
    for sentence in split_sentences(text) or [text]:
        utterance = voice.synthesize(sentence)
        pieces.append(utterance.audio)
        keys.extend(
            VisemeKey(k.viseme, k.start + offset, k.end + offset) for k in utterance.timeline.keys
        )
        offset += utterance.seconds
    audio = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
    return SpokenText(audio, voice.rate, VisemeTimeline(tuple(keys)), voice.name)
