"""Wiring the voice from config: which recognisers, wake spotters and voices to use."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import VoiceConfig
from kiosk.lang import Lang
from kiosk.speech.denoise import DenoisedSpotter, Denoiser
from kiosk.speech.recognizers import (
    PocketsphinxRecognizer,
    PocketsphinxWake,
    Recognizer,
    VoskRecognizer,
    VoskWake,
    WakeSpotter,
    load_vosk,
)
from kiosk.speech.tts import EspeakMandarin, PiperSynthesizer, Synthesizer, joe_voice

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Ears:
    """Everything the listener needs: wake spotters and a recogniser per language."""

    spotters: tuple[WakeSpotter, ...]
    recognizers: dict[Lang, Recognizer]

    @property
    def phrases(self) -> tuple[str, ...]:
        """The wake phrases, as spotted."""
        return tuple(spotter.phrase for spotter in self.spotters)


def make_ears(config: VoiceConfig) -> Ears:
    """vosk where a model is provisioned; for English otherwise pocketsphinx en-us (wake phrase,
    captions) with Whisper for the final transcript (`voice.whisper`).

    Raises `WakeWordError` when a wake phrase has a word the model cannot recognise, and
    `ModelError` when a configured model folder is missing or broken.
    """
    rate = config.sample_rate
    spotters: list[WakeSpotter] = []
    recognizers: dict[Lang, Recognizer] = {}
    if config.vosk_zh:
        model = load_vosk(config.vosk_zh)
        spotters.append(VoskWake(model, config.wake_zh, "zh", rate))
        recognizers["zh"] = VoskRecognizer(model, "zh", rate)
    elif config.wake_zh:
        _LOG.info("no Chinese vosk model (voice.vosk_zh): the Chinese wake phrase is off")
    if config.vosk_en:
        model = load_vosk(config.vosk_en)
        spotters.append(VoskWake(model, config.wake_en, "en", rate))
        recognizers["en"] = VoskRecognizer(model, "en", rate)
    else:
        wake = PocketsphinxWake(config.wake_en, rate, config.wake_threshold)
        spotters.append(wake)
        if config.noise_suppression:  # a second ear, through noise suppression
            spotters.append(DenoisedSpotter(
                PocketsphinxWake(config.wake_en, rate, config.wake_threshold),
                Denoiser(config.noise_suppression, rate),
            ))  # fmt: skip
        streaming = PocketsphinxRecognizer(rate, cmn_from=wake.cmn)
        recognizers["en"] = _with_whisper(config, streaming) if config.whisper else streaming
    return Ears(tuple(spotters), recognizers)


def _with_whisper(config: VoiceConfig, partials: Recognizer) -> Recognizer:
    """Whisper for the final English transcript, the streaming recogniser for captions."""
    from kiosk.speech.whisper import PACKAGED, WhisperRecognizer, load_whisper, packaged_model

    folder = packaged_model() if config.whisper == PACKAGED else Path(config.whisper).expanduser()
    model = load_whisper(folder, config.whisper_threads)
    return WhisperRecognizer(model, "en", config.sample_rate, partials=partials,
                             silence_end_s=config.silence_end_s)


def make_voices(
    config: VoiceConfig, langs: tuple[Lang, ...] = ("en", "zh")
) -> dict[Lang, Synthesizer]:
    """A voice per language: piper when given, joe-us for English, espeak-ng for Chinese."""
    voices: dict[Lang, Synthesizer] = {}
    for lang in langs:
        path = config.piper_zh if lang == "zh" else config.piper_en
        if path:
            voices[lang] = PiperSynthesizer(Path(path).expanduser())
        elif lang == "en":
            voices[lang] = joe_voice()
        else:
            voices[lang] = EspeakMandarin()
    return voices
