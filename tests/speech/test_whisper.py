"""Whisper base (the packaged model) for final transcripts, on speech synthesized by piper."""

from __future__ import annotations

import functools
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from speech.voicekit import RATE, recording, speech

from kiosk.errors import ModelError
from kiosk.models.manifest import hash_file
from kiosk.speech import whisper
from kiosk.speech.audio import to_int16
from kiosk.speech.recognizers import PocketsphinxRecognizer
from kiosk.speech.whisper import WhisperRecognizer, load_whisper, packaged_model

pytestmark = pytest.mark.slow


@functools.cache
def model() -> object:
    return load_whisper(packaged_model())


def feed_all(recognizer: WhisperRecognizer, audio: np.ndarray) -> list[str]:
    pcm = to_int16(audio)
    recognizer.begin()
    return [p for i in range(0, len(pcm), 960) if (p := recognizer.feed(pcm[i : i + 960]))]


def test_domain_words_pocketsphinx_mishears_come_out_right() -> None:
    recognizer = WhisperRecognizer(model(), "en", RATE)
    for said, words in (
        ("The doctor's sent me for bloods. Which way?", {"doctor", "bloods", "way"}),
        ("I've been told to get a chest X-ray. Where's that done?", {"chest", "x-ray", "done"}),
        ("Can I reserve a slot for next Tuesday online?", {"reserve", "tuesday", "online"}),
    ):
        feed_all(recognizer, recording(0.2, speech(said), 0.5))
        heard = set(re.findall(r"[\w'-]+", recognizer.finish().lower()))
        assert words <= heard, (said, heard)


def test_captions_come_from_the_streaming_recognizer_and_the_final_from_whisper() -> None:
    recognizer = WhisperRecognizer(model(), "en", RATE, partials=PocketsphinxRecognizer(RATE))
    said = recording(0.2, speech("Where do women go for a smear test?"), 0.4)
    partials = feed_all(recognizer, said)
    assert partials  # live captions while the visitor speaks
    assert recognizer.finish().rstrip("?").lower() == "where do women go for a smear test"


def test_silence_and_noise_give_no_transcript() -> None:
    recognizer = WhisperRecognizer(model(), "en", RATE)
    feed_all(recognizer, np.zeros(RATE * 2, dtype=np.float32))
    assert recognizer.finish() == ""
    noise = np.random.default_rng(7).normal(0, 0.01, RATE * 2).astype(np.float32)
    feed_all(recognizer, noise)
    assert recognizer.finish() == ""
    feed_all(recognizer, np.zeros(RATE // 10, dtype=np.float32))  # a click: too short to read
    assert recognizer.finish() == ""


def test_a_looping_transcript_is_read_again_on_the_full_window() -> None:
    assert whisper._REPEAT.search("my ears have been ringing for a week my ears have been ringing")
    assert not whisper._REPEAT.search("is it open is it")  # three words: a person may say that


def test_the_packaged_model_is_joined_once_and_checked(tmp_path: Path) -> None:
    folder = packaged_model(tmp_path)
    assert hash_file(folder / "model.bin")[1] == whisper.PACKAGED_SHA256
    stamp = (folder / "model.bin").stat().st_mtime_ns
    assert packaged_model(tmp_path) == folder and (folder / "model.bin").stat().st_mtime_ns == stamp
    (folder / "model.bin").write_bytes(b"cut off")  # changed since it was checked: joined again
    assert hash_file(packaged_model(tmp_path) / "model.bin")[1] == whisper.PACKAGED_SHA256


def test_damaged_packages_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for index, name in enumerate(("brokenpart_one", "brokenpart_two"), start=1):
        data = tmp_path / "site" / name / "data"
        data.mkdir(parents=True)
        (data.parent / "__init__.py").write_text("")
        (data / f"model.bin.part{index}").write_bytes(b"not a model")
        for other in ("config.json", "tokenizer.json", "vocabulary.txt"):
            (data / other).write_text("{}")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setattr(whisper, "PARTS", ("brokenpart_one", "brokenpart_two"))
    with pytest.raises(ModelError, match="damaged") as error:
        packaged_model(tmp_path / "cache")
    assert "force-reinstall" in error.value.hint
    assert not list((tmp_path / "cache" / "whisper-base").glob("*.part"))
    monkeypatch.setattr(whisper, "PARTS", ("no_such_part_one", "no_such_part_two"))
    with pytest.raises(ModelError, match="not installed"):
        packaged_model(tmp_path / "cache")
    sys.modules.pop("brokenpart_one", None)


def test_a_folder_without_a_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"no model\.bin") as error:
        load_whisper(tmp_path)
    assert "voice.whisper" in error.value.hint
    shutil.rmtree(tmp_path)


def test_a_read_started_at_a_pause_is_used_only_if_the_visitor_said_no_more() -> None:
    recognizer = WhisperRecognizer(model(), "en", RATE, silence_end_s=0.5)
    first, more = speech("Where is the pharmacy?"), speech("And the toilets, please.")
    feed_all(recognizer, recording(0.2, first))
    recognizer.pause()  # the visitor stops ... and says no more
    quiet = to_int16(np.zeros(RATE // 2, dtype=np.float32))
    for start in range(0, len(quiet), 960):
        recognizer.feed(quiet[start : start + 960])
    assert "pharmacy" in recognizer.finish().lower()
    feed_all(recognizer, recording(0.2, first))
    recognizer.pause()  # ... or goes on after a breath: the early read is not the answer
    pcm = to_int16(recording(0.4, more, 0.5))
    for start in range(0, len(pcm), 960):
        recognizer.feed(pcm[start : start + 960])
    both = recognizer.finish().lower()
    assert "pharmacy" in both and "toilets" in both


def test_the_listener_gets_whispers_transcript() -> None:
    from kiosk.config import VoiceConfig
    from kiosk.events import FinalTranscript, InputEvent
    from kiosk.speech.audio import Frame
    from kiosk.speech.build import make_ears
    from kiosk.speech.listener import Listener

    heard = make_ears(VoiceConfig())
    assert isinstance(heard.recognizers["en"], WhisperRecognizer)
    events: list[InputEvent] = []
    listener = Listener(VoiceConfig(), heard.spotters, heard.recognizers, events.append)
    listener.set_mode("ask")
    audio = recording(0.3, speech("Hello kiosk. The doctor's sent me for bloods. Which way?"), 1.0)
    size = listener.frame_samples
    for index in range(len(audio) // size):
        listener.process(Frame(audio[index * size : (index + 1) * size], (index + 1) * size / RATE))
    finals = [e for e in events if isinstance(e, FinalTranscript)]
    assert len(finals) == 1 and "bloods" in finals[0].text.lower()
    assert finals[0].text.lower().startswith("the doctor")  # the wake phrase is not the question
    readings = finals[0].readings
    assert readings is not None  # for the engine, if it cannot answer the likeliest
    texts = readings()
    assert texts and all(t.lower().startswith("the doctor") and "blood" in t.lower()
                         for t in texts), texts


def test_other_readings_of_an_utterance_are_read_only_when_asked_for() -> None:
    recognizer = WhisperRecognizer(model(), "en", RATE)
    said = speech("Any temples or tea plantations worth a trip?")
    feed_all(recognizer, recording(0.2, said, 0.5))
    recognizer.finish()
    readings = recognizer.more_readings()
    assert readings is not None and recognizer.more_readings() is None  # one utterance, once
    texts = readings()
    assert len(texts) >= 2, texts  # a beam search's readings, not the one greedy read
    assert all("temples" in t.lower() and "plantations" in t.lower() for t in texts), texts
    feed_all(recognizer, np.zeros(RATE * 2, dtype=np.float32))
    assert recognizer.finish() == ""
    silence = recognizer.more_readings()
    assert silence is None or silence() == []


class _Counting:
    """A loaded model seen through a proxy that counts the encoder's runs."""

    def __init__(self, inner: object) -> None:
        self.inner, self.encodes = inner, 0

    def encode(self, *args: object, **options: object) -> object:
        self.encodes += 1
        return self.inner.encode(*args, **options)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


class _Model:
    def __init__(self, inner: object) -> None:
        self.inner, self.model = inner, _Counting(inner.model)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def test_other_readings_reuse_the_first_reads_encoding() -> None:
    counted = _Model(model())
    recognizer = WhisperRecognizer(counted, "en", RATE)
    said = recording(0.2, speech("Which departments are on which floor?"), 0.5)
    feed_all(recognizer, said)
    recognizer.pause()  # read early, while the endpointer waits out the silence
    best = recognizer.finish()
    readings = recognizer.more_readings()
    assert readings is not None
    texts = readings()
    assert counted.model.encodes == 1, counted.model.encodes  # the beam search alone is new
    fresh = WhisperRecognizer(model(), "en", RATE)
    feed_all(fresh, said)
    assert fresh.finish() == best
    again = fresh.more_readings()
    assert again is not None and again() == texts  # the same readings as encoding afresh
