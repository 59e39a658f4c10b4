"""The manifest of a model bundle: every model, every file, its size and sha256."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from kiosk.errors import ModelError

FORMAT = "kiosk-models/1"
MANIFEST_NAME = "manifest.json"
MEMBER_ROOT = "models"
"""Bundle members are `models/<name>/<path>`, after `manifest.json`."""
CHUNK = 1 << 20
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
"""A model name: what `model:NAME` in the config refers to."""

ByteProgress = Callable[[int], None]
"""Called with the number of bytes just processed."""


class BundleError(ModelError):
    """A model bundle is malformed, tampered with or truncated; nothing was installed."""

    code = "bundle"


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One file of a model."""

    path: str
    """Relative to the model's folder, with forward slashes."""
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class ModelEntry:
    """One model: a folder of files, and the one that engines open."""

    name: str
    main: str
    """The file engines open (e.g. the .gguf), relative to the model folder; empty: the folder
    itself is the model (a vosk model)."""
    files: tuple[FileEntry, ...]

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a bundle holds."""

    models: tuple[ModelEntry, ...]

    @property
    def size(self) -> int:
        return sum(m.size for m in self.models)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "models": [
                    {"name": m.name, "main": m.main,
                     "files": [{"path": f.path, "size": f.size, "sha256": f.sha256}
                               for f in m.files]}
                    for m in self.models
                ],
            },
            indent=1,
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str, where: str) -> Manifest:
        """Parse and check a manifest; any problem is a BundleError naming `where`."""
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                raise ValueError(f"format is {data.get('format')!r}, expected {FORMAT!r}")
            models = tuple(_model(item) for item in data["models"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BundleError(
                f"{where}: the manifest is not valid: {exc}",
                hint="make the bundle again with `kiosk models pack`",
            ) from exc
        names = [m.name for m in models]
        if len(set(names)) != len(names):
            raise BundleError(f"{where}: a model name appears twice in the manifest",
                              hint="make the bundle again with `kiosk models pack`")
        return cls(models)


def _model(item: dict[str, Any]) -> ModelEntry:
    name = str(item["name"])
    if not NAME.match(name):
        raise ValueError(f"bad model name {name!r}")
    files = tuple(
        FileEntry(safe_relative(str(f["path"])), int(f["size"]), str(f["sha256"]).lower())
        for f in item["files"]
    )
    if not files or len({f.path for f in files}) != len(files):
        raise ValueError(f"model {name!r} lists no files, or one file twice")
    for entry in files:
        if entry.size < 0 or not re.fullmatch(r"[0-9a-f]{64}", entry.sha256):
            raise ValueError(f"model {name!r}: bad size or sha256 for {entry.path!r}")
    main = str(item.get("main", ""))
    if main and main not in {f.path for f in files}:
        raise ValueError(f"model {name!r}: main file {main!r} is not among its files")
    return ModelEntry(name, main, files)


def safe_relative(path: str) -> str:
    """`path` if it stays inside its folder (no absolute path, no `..`); else ValueError."""
    pure = PurePosixPath(path)
    if not path or pure.is_absolute() or ".." in pure.parts or "\\" in path:
        raise ValueError(f"unsafe file path {path!r}")
    return str(pure)


def copy_hashing(source: IO[bytes], target: IO[bytes] | None,
                 progress: ByteProgress | None = None) -> tuple[int, str]:
    """Copy `source` to `target` (or just read it), returning (bytes, sha256 hex)."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
        if progress is not None:
            progress(len(chunk))
    return size, digest.hexdigest()


def hash_file(path: Path, progress: ByteProgress | None = None) -> tuple[int, str]:
    """(size, sha256 hex) of a file."""
    with path.open("rb") as source:
        return copy_hashing(source, None, progress)
