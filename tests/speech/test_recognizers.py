"""pocketsphinx wake word and ASR, and the listener, on speech synthesized by piper."""

from __future__ import annotations

import pytest
from speech.voicekit import RATE, VOICE, ears, recording, speech

from kiosk.errors import WakeWordError
from kiosk.events import FinalTranscript, InputEvent, PartialTranscript, SpeechStarted, WakeHeard
from kiosk.speech.audio import Frame, to_int16
from kiosk.speech.listener import Listener
from kiosk.speech.recognizers import PocketsphinxRecognizer, PocketsphinxWake
from kiosk.speech.vocab import spell

pytestmark = pytest.mark.slow


def spots(audio: object, spotter: PocketsphinxWake) -> int:
    pcm = to_int16(audio)  # type: ignore[arg-type]
    step = 960
    return sum(spotter.feed(pcm[i : i + step]) for i in range(0, len(pcm), step))


def test_the_wake_phrase_is_spotted_and_other_speech_is_not() -> None:
    spotter = ears().spotters[0]
    assert isinstance(spotter, PocketsphinxWake) and spotter.phrase == "hello kiosk"
    spotter.reset()
    assert spots(recording(0.3, speech("Hello kiosk."), 0.5), spotter) == 1
    assert spots(recording(0.3, speech("Hello, kiosk! Where is the exit?"), 0.5), spotter) == 1
    for other in (
        "Hello there, how are you?",
        "The kiosk is over there by the door.",
        "Hello, welcome to the help desk.",
        "Oh hello, Oscar.",
    ):
        assert spots(recording(0.3, speech(other), 0.5), spotter) == 0, other


def test_a_wake_phrase_out_of_vocabulary_is_refused_at_start() -> None:
    with pytest.raises(WakeWordError, match="zorblax") as error:
        PocketsphinxWake("hello zorblax", RATE, 1e-20)
    assert "vocabulary" in error.value.hint


def test_chinese_phrases_are_split_into_known_words_or_refused() -> None:
    vocabulary = {"你好", "小", "安", "小安"}
    assert spell("你好小安", vocabulary.__contains__, "m") == ["你好", "小安"]
    with pytest.raises(WakeWordError, match="'黑'"):
        spell("你好小黑", vocabulary.__contains__, "the model")


def test_pocketsphinx_transcribes_a_question() -> None:
    recognizer = PocketsphinxRecognizer(RATE)
    pcm = to_int16(recording(0.2, speech("What are your opening hours?"), 0.3))
    recognizer.begin()
    partials = [p for i in range(0, len(pcm), 960) if (p := recognizer.feed(pcm[i : i + 960]))]
    assert recognizer.finish() == "what are your opening hours"
    assert partials and partials[-1].startswith("what are")


def test_the_listener_wakes_then_transcribes_the_question_without_the_wake_phrase() -> None:
    events: list[InputEvent] = []
    heard = ears()
    listener = Listener(VOICE, heard.spotters, heard.recognizers, events.append)
    audio = recording(0.3, speech("Hello kiosk."), 0.5, speech("Where are the toilets?"), 1.0)
    size = listener.frame_samples
    switched = False
    for index in range(len(audio) // size):
        t = (index + 1) * size / RATE
        listener.process(Frame(audio[index * size : (index + 1) * size], t))
        if not switched and any(isinstance(e, WakeHeard) for e in events):
            listener.set_mode("ask")  # what the conductor does on WakeHeard
            switched = True
    kinds = [type(e) for e in events]
    assert kinds[0] is WakeHeard and kinds[1] is SpeechStarted
    assert PartialTranscript in kinds
    final = events[-1]
    assert isinstance(final, FinalTranscript)
    assert final.text.lower().rstrip("?") == "where are the toilets" and final.lang == "en"
    speech_end = len(audio) / RATE - 1.0
    assert final.speech_end_t == pytest.approx(speech_end, abs=0.15)
    assert final.t - final.speech_end_t == pytest.approx(VOICE.silence_end_s, abs=0.05)


def test_in_wake_mode_nothing_is_transcribed() -> None:
    events: list[InputEvent] = []
    heard = ears()
    listener = Listener(VOICE, heard.spotters, heard.recognizers, events.append)
    audio = recording(0.3, speech("Where are the toilets?"), 1.0)
    size = listener.frame_samples
    for index in range(len(audio) // size):
        listener.process(Frame(audio[index * size : (index + 1) * size], index * 0.03))
    assert events == []


def test_recogniser_output_is_tidied() -> None:
    from kiosk.speech.recognizers import _tidy

    assert _tidy("get a chest x. ray") == "get a chest x ray"
    assert _tidy("你 好 小 安 [unk]") == "你好小安"
    assert _tidy("  hello   there ") == "hello there"
