"""The installed models (`<models dir>/installed.json`) and `model:NAME` in the config."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.config import KioskConfig
from kiosk.models.manifest import BundleError, ByteProgress, Manifest, ModelEntry, hash_file

log = logging.getLogger(__name__)

REGISTRY_NAME = "installed.json"
REF_PREFIX = "model:"
"""A config value `model:NAME` means the main file (or folder) of the installed model NAME."""


def models_dir(config: KioskConfig, override: str | None = None) -> Path:
    """Where models are installed (`override`, e.g. from --models-dir, wins)."""
    chosen = override or config.models.models_dir
    return Path(chosen).expanduser() if chosen else config.data_path() / "models"


@dataclass(frozen=True, slots=True)
class Installed:
    """One installed model."""

    model: ModelEntry
    bundle: str
    """The bundle file it came from."""
    installed_at: float
    """Unix time of the install."""


@dataclass(frozen=True, slots=True)
class Problem:
    """A file of an installed model that is missing or no longer matches its sha256."""

    model: str
    path: str
    detail: str


class Registry:
    """The models installed in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file = folder / REGISTRY_NAME

    def models(self) -> dict[str, Installed]:
        """Installed models by name (none when nothing was ever installed)."""
        if not self.file.is_file():
            return {}
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            listed = {"format": data["format"], "models": [m["model"] for m in data["models"]]}
        except (ValueError, KeyError, TypeError) as exc:
            raise BundleError(
                f"{self.file} is damaged: {exc}",
                hint="install the bundles again with `kiosk models install` (it starts a new "
                "list)",
            ) from exc
        manifest = Manifest.from_json(json.dumps(listed), str(self.file))
        return {
            entry.name: Installed(entry, str(item["bundle"]), float(item["installed_at"]))
            for entry, item in zip(manifest.models, data["models"], strict=True)
        }

    def add(self, manifest: Manifest, bundle: str) -> None:
        """Record the models of `manifest` as installed (replacing same-named ones)."""
        try:
            current = self.models()
        except BundleError as error:  # a damaged list must not block the repair
            log.warning("%s; starting a new list of installed models", error.message)
            current = {}
        now = time.time()
        for model in manifest.models:
            current[model.name] = Installed(model, bundle, now)
        models = Manifest(tuple(i.model for i in current.values()))
        listed = json.loads(models.to_json())
        data: dict[str, Any] = {
            "format": listed["format"],
            "models": [
                {"model": m, "bundle": i.bundle, "installed_at": i.installed_at}
                for m, i in zip(listed["models"], current.values(), strict=True)
            ],
        }
        partial = self.file.with_name(REGISTRY_NAME + ".partial")
        partial.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, self.file)  # atomic: a power cut leaves the old or the new list

    def path_of(self, name: str) -> Path:
        """What `model:NAME` stands for: the main file, or the model's folder."""
        return _path_of(self.folder, name, self.models())

    def verify(self, progress: ByteProgress | None = None, *, full: bool = True
               ) -> list[Problem]:
        """Every file of every installed model checked (sha256 when `full`, else size only)."""
        problems = []
        for name, installed in sorted(self.models().items()):
            for entry in installed.model.files:
                path = self.folder / name / entry.path
                if not path.is_file():
                    problems.append(Problem(name, entry.path, "missing"))
                    continue
                if not full:
                    if path.stat().st_size != entry.size:
                        problems.append(Problem(name, entry.path, "size changed"))
                    continue
                size, digest = hash_file(path, progress)
                if size != entry.size or digest != entry.sha256:
                    problems.append(Problem(name, entry.path, "sha256 does not match"))
        return problems


def resolve_model_refs(config: KioskConfig) -> KioskConfig:
    """The config with every `model:NAME` value replaced by that installed model's path.

    A name that is not installed becomes the path it would have, so the part that opens it
    fails with that path in its message; `kiosk doctor` lists such names.
    """
    if not model_refs(config):
        return config
    folder = models_dir(config)
    try:
        installed = Registry(folder).models()
    except BundleError:
        installed = {}  # `kiosk doctor` and `kiosk models verify` report the damaged list
    resolved: KioskConfig = _resolve(config, lambda name: _path_of(folder, name, installed))
    return resolved


def model_refs(config: object, prefix: str = "") -> list[tuple[str, str]]:
    """(key, NAME) for every `model:NAME` value in the config tree."""
    found = []
    for item in dataclasses.fields(config):  # type: ignore[arg-type]
        value = getattr(config, item.name)
        key = f"{prefix}{item.name}"
        if dataclasses.is_dataclass(value):
            found.extend(model_refs(value, key + "."))
        elif isinstance(value, str) and value.startswith(REF_PREFIX):
            found.append((key, value[len(REF_PREFIX):]))
    return found


def _path_of(folder: Path, name: str, installed: dict[str, Installed]) -> Path:
    entry = installed.get(name)
    if entry is None or not entry.model.main:
        return folder / name
    return folder / name / entry.model.main


def _resolve(node: Any, path_of: Callable[[str], Path]) -> Any:
    changes = {}
    for item in dataclasses.fields(node):
        value = getattr(node, item.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes[item.name] = _resolve(value, path_of)
        elif isinstance(value, str) and value.startswith(REF_PREFIX):
            changes[item.name] = str(path_of(value[len(REF_PREFIX):]))
    return dataclasses.replace(node, **changes) if changes else node
