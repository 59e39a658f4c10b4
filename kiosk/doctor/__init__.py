"""`kiosk doctor`: what is wrong with this kiosk, in plain words, with what to do about it.

Each check is a function `(Context) -> Check` that probes one part generically (a library if it
is importable, the device files otherwise). A check that breaks is itself reported as a failed
check, so the doctor never crashes, whatever is missing.
"""

from __future__ import annotations

import json
import logging
import subprocess
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from kiosk.config import KioskConfig

Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True, slots=True)
class Check:
    """The result of one check."""

    name: str
    status: Status
    detail: str
    """What was found, in plain words."""
    hint: str = ""
    """What to do about it (empty when nothing needs doing)."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Context:
    """What the checks look at."""

    config: KioskConfig
    config_path: Path | None
    """The config file in use; None when running on defaults."""
    data_dir: Path
    raw: Mapping[str, Any] = field(default_factory=dict)
    """The config file's tables as written (before `model:NAME` became paths)."""
    dev: Path = Path("/dev")
    """Where device files are (a folder of fakes in tests)."""
    sys: Path = Path("/sys")


CheckFn = Callable[[Context], Check]


def all_checks() -> tuple[tuple[str, CheckFn], ...]:
    """Every check, in the order they are shown."""
    from kiosk.doctor import devices, system

    return (
        ("config", system.check_config),
        ("models", system.check_models),
        ("knowledge", system.check_knowledge),
        ("llama.cpp", system.check_llama),
        ("audio-in", devices.check_audio_in),
        ("audio-out", devices.check_audio_out),
        ("camera", devices.check_camera),
        ("printer", devices.check_printer),
        ("queue-display", devices.check_queue_display),
        ("screen", devices.check_screen),
        ("gpu", devices.check_gpu),
        ("disk", system.check_disk),
        ("log", system.check_log),
        ("network", system.check_network),
    )


def probe_result(done: subprocess.CompletedProcess[str], silent: str) -> dict[str, Any]:
    """What a probe process (`python -m kiosk.doctor.…probe`) printed last, as JSON; when it
    printed none, `{"error": …}` with its last line of stderr, or `silent`."""
    try:
        found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        found = {"error": (done.stderr.strip().splitlines() or [silent])[-1]}
    return found


def read_raw(config_path: Path | None) -> dict[str, Any]:
    """The config file's tables, or {} without a file (it was already validated on load)."""
    if config_path is None:
        return {}
    return tomllib.loads(config_path.read_text(encoding="utf-8"))


def run_checks(context: Context, checks: Sequence[tuple[str, CheckFn]] | None = None
               ) -> list[Check]:
    """Run every check; one that raises becomes a failed check naming the error."""
    results = []
    for name, check in checks or all_checks():
        try:
            results.append(check(context))
        except Exception as exc:  # the doctor reports what broke; it must not break itself
            logging.getLogger(__name__).debug("check %s raised", name, exc_info=True)
            results.append(Check(name, "fail", f"the check could not run: {exc}",
                                 "run `kiosk -v doctor` and send the output to support"))
    return results
