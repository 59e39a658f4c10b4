"""TTS and visemes: piper (joe) with phoneme alignments, espeak-ng Mandarin, `kiosk say`."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from speech.voicekit import joe

from kiosk.cli import main
from kiosk.errors import ModelError
from kiosk.events import VISEMES
from kiosk.speech.audio import read_wav
from kiosk.speech.speaking import clauses
from kiosk.speech.tts import EspeakMandarin, PiperSynthesizer, to_pinyin
from kiosk.speech.visemes import from_alignments, from_envelope, viseme_of


def test_ipa_phonemes_map_to_mouth_shapes() -> None:
    assert [viseme_of(p) for p in "pfθtkʃsnɹaeiou"] == [
        "PP", "FF", "TH", "DD", "kk", "CH", "SS", "nn", "RR", "aa", "E", "ih", "oh", "ou",
    ]  # fmt: skip
    assert viseme_of("ˈ") is None and viseme_of("ː") is None  # stress and length marks
    assert viseme_of(".") == "sil" and viseme_of("^") == "sil"


def test_alignments_become_a_sorted_timeline_that_merges_marks_and_short_keys() -> None:
    rate = 1000
    alignment = [("^", 100), ("b", 80), ("ˈ", 40), ("a", 200), ("b", 10), ("a", 150), ("$", 100)]
    timeline = from_alignments(alignment, rate, total_samples=700)
    shapes = [(k.viseme, round(k.start, 3), round(k.end, 3)) for k in timeline.keys]
    assert shapes == [("sil", 0.0, 0.1), ("PP", 0.1, 0.22), ("aa", 0.22, 0.58), ("sil", 0.58, 0.7)]
    assert timeline.at(0.15) == "PP" and timeline.at(0.3) == "aa" and timeline.at(5.0) == "sil"


def test_envelope_visemes_follow_loudness() -> None:
    rate = 1000
    audio = np.concatenate([np.zeros(200), 0.9 * np.ones(200), 0.3 * np.ones(200), np.zeros(200)])
    timeline = from_envelope(audio.astype(np.float32), rate)
    assert [k.viseme for k in timeline.keys] == ["sil", "aa", "E", "sil"]


@pytest.mark.slow
def test_piper_speaks_with_aligned_visemes() -> None:
    utterance = joe().synthesize("Bob fetched five maps.")
    assert utterance.rate == 22050 and 0.8 < utterance.seconds < 3.0
    keys = utterance.timeline.keys
    assert keys[0].start == 0.0 and keys[-1].end == pytest.approx(utterance.seconds, abs=0.02)
    assert all(a.end == pytest.approx(b.start) for a, b in itertools.pairwise(keys))
    shapes = {k.viseme for k in keys}
    assert {"PP", "FF", "SS"} <= shapes and shapes <= set(VISEMES)
    slower = joe().synthesize("Bob fetched five maps.", speed=0.7)
    assert slower.seconds > utterance.seconds * 1.2


@pytest.mark.slow
def test_espeak_mandarin_reads_pinyin_with_envelope_visemes() -> None:
    assert to_pinyin("你好，欢迎光临。") == "ni3 hao3 , huan1 ying2 guang1 lin2 ."
    utterance = EspeakMandarin().synthesize("你好，欢迎光临。")
    assert 0.8 < utterance.seconds < 4.0 and np.abs(utterance.audio).max() > 0.1
    assert {"sil", "aa"} <= {k.viseme for k in utterance.timeline.keys}


def test_a_missing_piper_voice_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="missing") as error:
        PiperSynthesizer(tmp_path / "zh_CN-huayan-medium.onnx")
    assert "piper_zh" in error.value.hint


def test_long_sentences_are_spoken_in_clauses_short_ones_whole() -> None:
    short = "The toilets are on the ground floor."
    assert clauses(short) == [short]
    long = (
        "The wifi network is called Help Desk Guest, and the password is reading twenty "
        "twenty four; it covers the whole building."
    )
    pieces = clauses(long)
    assert len(pieces) == 3 and " ".join(pieces) == long


def test_times_and_thousands_are_never_cut() -> None:
    sentence = ("Breakfast is served from 6:30 to 10:00 in the restaurant, and a deposit of "
                "20,000 yuan is held for groups; it is refunded at check-out.")
    pieces = clauses(sentence, 40, 15)
    assert any("6:30 to 10:00" in p for p in pieces) and any("20,000 yuan" in p for p in pieces)
    assert " ".join(pieces) == sentence


def test_the_first_sentence_is_cut_before_a_joining_word_when_it_has_no_early_comma() -> None:
    sentence = ("You can borrow a wheelchair free of charge at the information desk by the "
                "main entrance on the first floor.")
    assert clauses(sentence, 40, 15) == [sentence]  # later sentences: whole
    head, rest = clauses(sentence, 40, 15, first=True)
    assert (head, rest) == ("You can borrow a wheelchair free of charge",
                            "at the information desk by the main entrance on the first floor.")
    zh = "早餐在一楼云间全日餐厅供应，时间是早上六点半到十点，房间送餐服务全天都为住店客人提供。"
    assert "".join(clauses(zh, 40, 15, first=True)) == zh  # Chinese: at its commas, no spaces


@pytest.mark.slow
def test_kiosk_say_writes_speech_and_reports_visemes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "hello.wav"
    assert main(["say", "Hello there. How can I help?", "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["lang"] == "en" and summary["sentences"] == 2
    audio = read_wav(out, 22050)
    assert len(audio) / 22050 == pytest.approx(summary["seconds"], abs=0.01)
    assert summary["visemes"][-1][2] == pytest.approx(summary["seconds"], abs=0.05)
    assert main(["say", "你好", "--lang", "zh", "--out", str(tmp_path / "zh.wav")]) == 0
    assert "espeak-ng" in capsys.readouterr().out
