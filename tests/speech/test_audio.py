"""Audio plumbing: the playback buffer and its clock, WAV reading with mixing and resampling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from kiosk.errors import AudioError
from kiosk.speech.audio import PlaybackBuffer, read_wav, resample, to_int16, write_wav


def test_playback_buffer_plays_in_order_pads_with_silence_and_keeps_time() -> None:
    buffer = PlaybackBuffer(rate=100)
    assert buffer.push(np.full(30, 0.5, np.float32)) == 0.0
    assert buffer.push(np.full(30, -0.5, np.float32)) == pytest.approx(0.3)
    first = buffer.pull(40)
    assert list(first[:30]) == [0.5] * 30 and list(first[30:]) == [-0.5] * 10
    assert buffer.clock == pytest.approx(0.4) and buffer.pending == pytest.approx(0.2)
    rest = buffer.pull(40)
    assert list(rest[:20]) == [-0.5] * 20 and not rest[20:].any()  # ran dry: silence
    assert buffer.clock == pytest.approx(0.8)  # the clock runs on through silence
    assert buffer.push(np.ones(10, np.float32)) == pytest.approx(0.8)


def test_flush_silences_at_the_next_block_and_the_clock_goes_on() -> None:
    buffer = PlaybackBuffer(rate=100)
    buffer.push(np.ones(500, np.float32))
    buffer.pull(10)
    buffer.flush()
    assert buffer.pending == 0.0
    assert not buffer.pull(50).any()
    assert buffer.clock == pytest.approx(0.6)


def test_read_wav_mixes_channels_and_converts_the_rate(tmp_path: Path) -> None:
    rate = 44100
    t = np.arange(rate) / rate
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    stereo = np.stack([tone, tone], axis=1)
    path = tmp_path / "stereo.wav"
    soundfile.write(str(path), stereo, rate, subtype="PCM_16")
    mono = read_wav(path, 16000)
    assert mono.dtype == np.float32 and len(mono) == pytest.approx(16000, abs=2)
    assert np.abs(mono).max() == pytest.approx(0.5, abs=0.02)


def test_write_then_read_round_trips(tmp_path: Path) -> None:
    samples = np.linspace(-0.9, 0.9, 800, dtype=np.float32)
    write_wav(tmp_path / "x.wav", samples, 8000)
    assert np.allclose(read_wav(tmp_path / "x.wav", 8000), samples, atol=1e-4)


def test_a_file_that_is_not_audio_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("this is not a recording")
    with pytest.raises(AudioError, match=r"notes\.wav") as error:
        read_wav(path, 16000)
    assert "WAV" in error.value.hint


def test_resample_and_pcm() -> None:
    second = np.zeros(22050, np.float32)
    assert len(resample(second, 22050, 16000)) == 16000
    assert resample(second, 16000, 16000) is second
    assert to_int16(np.array([1.5, -1.0, 0.0], np.float32)) == b"\xff\x7f\x01\x80\x00\x00"
