"""The listening stage: microphone frames → VAD (and louder than the room) → endpointer →
wake spotters and recogniser.

It runs on the thread that reads the microphone (one thread owns all its engines) and posts
`WakeHeard`, `SpeechStarted`, `PartialTranscript` and `FinalTranscript` to the core. The core
changes its job with `set_mode` / `set_lang` from any thread; the change is picked up at the
next frame. In `barge` mode (the kiosk is thinking or speaking) only the spotters run: that is
the half-duplex gate that keeps the kiosk from answering its own voice. In `wake` mode (idle)
a short utterance the spotters did not fire on gets a second look: it is transcribed, and
when the transcript begins with a wake phrase the kiosk wakes — and a question said in the
same breath is the turn's question.
"""

from __future__ import annotations

import functools
import queue
import re
from collections import deque
from collections.abc import Callable, Sequence

from kiosk.conductor import MicMode
from kiosk.config import VoiceConfig
from kiosk.events import (
    FinalTranscript,
    InputEvent,
    PartialTranscript,
    SpeechStarted,
    WakeHeard,
)
from kiosk.lang import Lang
from kiosk.speech.audio import Frame, to_int16
from kiosk.speech.endpoint import Endpointer
from kiosk.speech.loudness import NoiseFloor, level_db
from kiosk.speech.recognizers import Recognizer, WakeSpotter

FRAME_S = 0.03
"""Length of one microphone frame: what the VAD takes."""
FLOOR_S = 5.0
"""The room's noise floor is taken over this much of the latest audio."""
PREROLL_S = 0.3
"""Audio kept from before the speech start fired, so the first syllable is not lost."""
SPOTTER_RESTART_S = 60.0
RESTART_QUIET_S = 0.5
"""The spotters' search is restarted once it has run a minute and no one has spoken for half a
second. A blind restart every minute of audio, as before, lost any wake phrase that began in
the second before it (measured: a phrase starting 59.2-59.9 s in was never heard) — about one
wake in 60 for a kiosk listening all day."""
WAKE_PREROLL_S = 0.6
"""The same for the second look at the wake phrase: the VAD fires late on a soft "H", and
Whisper reads espeak-ng's "Hello kiosk" clipped by 0.3 s as "The Loki off" (docs/voice.md)."""


class Listener:
    """Turns microphone frames into listening events."""

    def __init__(
        self,
        config: VoiceConfig,
        spotters: Sequence[WakeSpotter],
        recognizers: dict[Lang, Recognizer],
        post: Callable[[InputEvent], None],
    ) -> None:
        from pocketsphinx import Vad

        self.rate = config.sample_rate
        self.frame_samples = int(self.rate * FRAME_S)
        self._vad = Vad(config.vad_aggressiveness, self.rate, FRAME_S)
        self._floor = (  # off by default: see kiosk/speech/loudness.py
            NoiseFloor(config.speech_above_noise_db, round(FLOOR_S / FRAME_S))
            if config.speech_above_noise_db > 0 else None
        )
        self._endpointer = Endpointer(
            config.speech_start_s, config.silence_end_s, config.max_utterance_s
        )
        self._spotters = list(spotters)
        for spotter in self._spotters:
            spotter.reset()  # nothing heard before this listener counts
        self._searched_s = 0.0  # audio the spotters' search has run over since it restarted
        self._quiet_s = 0.0  # how long no one has spoken, once a restart is due
        self._recognizers = recognizers
        self._post = post
        self._controls: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
        self._mode: MicMode = "wake"
        self._lang: Lang = next(iter(recognizers), "en")
        self._preroll: deque[bytes] = deque(maxlen=int(WAKE_PREROLL_S / FRAME_S))
        self._recognizer: Recognizer | None = None  # set while an utterance is transcribed
        self._voiced = False  # the last frame's VAD decision
        self._recheck_s = config.wake_recheck_s
        self._heard: list[bytes] | None = None  # an utterance heard in `wake` mode, for a recheck

    @property
    def languages(self) -> tuple[Lang, ...]:
        """The languages it can transcribe."""
        return tuple(self._recognizers)

    def set_mode(self, mode: MicMode) -> None:
        """Spot the wake phrase only, or also transcribe the next utterance (any thread)."""
        self._controls.put(("mode", mode))

    def set_lang(self, lang: Lang) -> None:
        """Transcribe `lang` from the next utterance on, when there is a recogniser for it."""
        self._controls.put(("lang", lang))

    def process(self, frame: Frame) -> None:
        """Take one frame of `frame_samples` samples."""
        self._apply_controls()
        pcm = to_int16(frame.samples)
        loud = True
        if self._floor is not None:  # the floor hears every frame, in every mode
            level = level_db(pcm)
            loud = self._floor.loud(level)
            self._floor.hear(level)
        fired = [spotter for spotter in self._spotters if spotter.feed(pcm)]
        if fired:
            for spotter in self._spotters:
                if spotter not in fired:
                    spotter.reset()  # two ears on one phrase: one wake, not two
            self._searched_s = 0.0
            self._abort()  # the phrase is not part of the question that follows
            self._post(WakeHeard(frame.t_end, fired[0].phrase, fired[0].lang))
        else:
            self._searched_s += FRAME_S
        restart_due = self._searched_s >= SPOTTER_RESTART_S
        recheck = self._mode == "wake" and self._recheck_s > 0
        # the VAD runs once a frame, and only when something reads its answer
        voiced = (restart_due or recheck or self._mode == "ask") and loud and (
            self._vad.is_speech(pcm))
        if restart_due:
            self._restart_at_a_pause(voiced)
        self._preroll.append(pcm)  # also while spotting: a question may follow the phrase at once
        if recheck:
            self._recheck(frame, pcm, voiced)
        if self._mode != "ask":
            return
        boundary = self._endpointer.process(FRAME_S, voiced)
        if self._recognizer is not None:
            partial = self._recognizer.feed(pcm)
            if partial:
                self._post(PartialTranscript(frame.t_end, self._strip_wake(partial)))
            if self._voiced and not voiced:
                self._recognizer.pause()
        self._voiced = voiced
        if boundary is None:
            return
        if boundary.kind == "start":
            self._start(frame.t_end - boundary.ago)
        elif self._recognizer is not None:
            text = self._strip_wake(self._recognizer.finish())
            lang = self._recognizer.lang
            more = self._recognizer.more_readings()
            self._recognizer = None
            readings = None if more is None else functools.partial(self._stripped, more)
            self._post(FinalTranscript(frame.t_end, text, lang, frame.t_end - boundary.ago,
                                       readings))

    def _restart_at_a_pause(self, voiced: bool) -> None:
        """Restart the spotters' search once no one has spoken for `RESTART_QUIET_S`."""
        self._quiet_s = 0.0 if voiced else self._quiet_s + FRAME_S
        if self._quiet_s >= RESTART_QUIET_S:
            for spotter in self._spotters:
                spotter.reset()
            self._searched_s = self._quiet_s = 0.0

    def _recheck(self, frame: Frame, pcm: bytes, voiced: bool) -> None:
        """Collect an utterance heard in `wake` mode; when it ends short enough, read it and
        wake if one of its likely readings begins with a wake phrase the spotter missed
        (another voice, another accent: pocketsphinx's keyphrase search is the weaker of the
        two engines)."""
        boundary = self._endpointer.process(FRAME_S, voiced)
        if self._heard is not None:
            self._heard.append(pcm)
            if len(self._heard) * FRAME_S > self._recheck_s:
                self._heard = None  # too long to be a wake phrase and a question: not read
        if boundary is None:
            return
        if boundary.kind == "start":
            self._heard = list(self._preroll)
            return
        heard, self._heard = self._heard, None
        if not heard:
            return
        for spotter in {(s.phrase, s.lang): s for s in self._spotters}.values():  # once a phrase
            recognizer = self._recognizers.get(spotter.lang)
            if recognizer is None:
                continue
            recognizer.begin()
            for chunk in heard:
                recognizer.feed(chunk)
            rests = [rest for text in recognizer.readings()
                     if (rest := after_phrase(text, spotter.phrase, spotter.lang)) is not None]
            if not rests:
                continue
            # the likeliest reading with a question after the phrase: a reading that ends at
            # the phrase may have dropped the question said in the same breath
            question = next((rest for rest in rests if rest), "")
            self._post(WakeHeard(frame.t_end, spotter.phrase, spotter.lang))
            self._preroll.clear()
            if question:
                ended = frame.t_end - boundary.ago
                self._post(FinalTranscript(frame.t_end, question, spotter.lang, ended))
            else:  # the question is being said while this was read: take it from its start,
                self._mode = "ask"  # as the conductor is about to ask for (WakeHeard → ask)
                self._endpointer.reset()
            return

    def _start(self, t: float) -> None:
        self._recognizer = self._recognizers.get(self._lang) or next(
            iter(self._recognizers.values()), None
        )
        self._post(SpeechStarted(t))
        if self._recognizer is None:
            return
        self._recognizer.begin()
        for pcm in self._after(PREROLL_S):
            self._recognizer.feed(pcm)
        self._preroll.clear()

    def _after(self, seconds: float) -> list[bytes]:
        """The pre-roll frames of the last `seconds` (at least the current one)."""
        count = max(1, min(len(self._preroll), int(seconds / FRAME_S)))
        return list(self._preroll)[-count:]

    def _apply_controls(self) -> None:
        while True:
            try:
                kind, value = self._controls.get_nowait()
            except queue.Empty:
                return
            if kind == "lang" and value in self._recognizers:
                self._lang = "zh" if value == "zh" else "en"
            elif kind == "mode" and value != self._mode:
                self._mode = "ask" if value == "ask" else "barge" if value == "barge" else "wake"
                self._abort(keep_preroll=self._mode == "ask")

    def _abort(self, keep_preroll: bool = False) -> None:
        """Drop the utterance in progress (and the audio before it, unless `keep_preroll`:
        what was said since the wake phrase belongs to the question)."""
        if self._recognizer is not None:
            self._recognizer.cancel()
            self._recognizer = None
        self._heard = None
        self._endpointer.reset()
        if not keep_preroll:
            self._preroll.clear()

    def _stripped(self, readings: Callable[[], list[str]]) -> list[str]:
        """Other readings of a question, each without the wake phrase (any thread)."""
        return [self._strip_wake(text) for text in readings()]

    def _strip_wake(self, text: str) -> str:
        for spotter in self._spotters:
            question = after_phrase(text, spotter.phrase, spotter.lang)
            if question is not None:
                return question
        return text.strip()


def after_phrase(text: str, phrase: str, lang: Lang) -> str | None:
    """What `text` says after `phrase` (in `lang`) when it begins with it ("Hello, kiosk.
    Where…" → "Where…"; "你好小安 请问…" → "请问…"), else None. Case, punctuation and spaces
    between the phrase's words do not matter; a Chinese phrase may come with spaces between
    characters."""
    if lang == "zh":
        parts = [re.escape(char) for char in phrase if not char.isspace()]
        pattern = r"[\s,，.。!！?？]*".join(parts)
    else:
        pattern = r"[\s,.!?;:-]+".join(re.escape(word) for word in phrase.split()) + r"\b"
    match = re.match(rf"[\s,.!?\"'“]*{pattern}[\s,，.。!！?？;:\"'”-]*", text, flags=re.IGNORECASE)
    return text[match.end() :].strip() if match else None
