"""Packing a folder of models into a bundle, and installing a bundle only once all of it checks.

A bundle is a plain tar: `manifest.json` first, then `models/<name>/<path>` for every file.
Installing streams each file into a staging folder inside the models folder while hashing it;
only when every file has the size and sha256 the manifest says are the models moved into place
(a rename each). Anything wrong — a changed byte, a cut-off file, an extra or missing member —
removes the staging folder and leaves the models folder as it was.
"""

from __future__ import annotations

import fcntl
import io
import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk.models.manifest import (
    MANIFEST_NAME,
    MEMBER_ROOT,
    NAME,
    BundleError,
    ByteProgress,
    FileEntry,
    Manifest,
    ModelEntry,
    copy_hashing,
    hash_file,
    safe_relative,
)
from kiosk.models.registry import Registry

WEIGHT_SUFFIXES = (".gguf", ".onnx", ".tflite", ".safetensors", ".bin")
"""A model folder with exactly one file of these kinds has it as its main file."""
MAX_MANIFEST = 16 << 20

StartProgress = Callable[[int], ByteProgress]
"""Given the total bytes, returns the per-chunk callback (lets the caller size its bar)."""


def scan_models(folder: Path) -> list[tuple[str, Path, str]]:
    """(name, path, main) for each model in `folder`: a file, or a sub-folder of files."""
    if not folder.is_dir():
        raise BundleError(f"{folder} is not a folder",
                          hint="give the folder that holds one file or sub-folder per model")
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        name = path.name if path.is_dir() else path.stem  # qwen2.5-1.5b.gguf → qwen2.5-1.5b
        if not NAME.match(name):
            raise BundleError(f"{path}: {name!r} cannot be a model name",
                              hint="rename it to letters, digits, '.', '_' and '-' only")
        if path.is_dir():
            weights = [p for p in _files(path) if p.suffix in WEIGHT_SUFFIXES]
            main = weights[0].relative_to(path).as_posix() if len(weights) == 1 else ""
            found.append((name, path, main))
        else:
            found.append((name, path, path.name))
    if not found:
        raise BundleError(f"{folder} holds no models",
                          hint="put one file or folder per model in it")
    if len({name for name, _, _ in found}) != len(found):
        raise BundleError(f"{folder}: two entries give the same model name",
                          hint="rename one of them")
    return found


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def pack_bundle(folder: Path, out: Path, start: StartProgress | None = None) -> Manifest:
    """Write the bundle `out` from the models in `folder`; returns its manifest."""
    if not out.parent.is_dir():
        raise BundleError(f"there is no folder {out.parent} to write {out.name} into",
                          hint="create it, or give another --out")
    if out.resolve().is_relative_to(folder.resolve()):
        raise BundleError(f"{out} is inside {folder}, the folder being packed",
                          hint="write the bundle somewhere else")
    found = scan_models(folder)
    sources: list[tuple[str, list[tuple[Path, str]]]] = []
    for name, path, _ in found:
        files = [(path, path.name)] if path.is_file() else [
            (p, p.relative_to(path).as_posix()) for p in _files(path)
        ]
        sources.append((name, files))
    total = sum(p.stat().st_size for _, files in sources for p, _ in files)
    progress = start(2 * total) if start else None  # hashed once, then copied into the tar
    models = []
    for (name, _, main), (_, files) in zip(found, sources, strict=True):
        entries = []
        for path, relative in files:
            size, digest = hash_file(path, progress)
            entries.append(FileEntry(safe_relative(relative), size, digest))
        models.append(ModelEntry(name, main, tuple(entries)))
    manifest = Manifest(tuple(models))
    partial = out.with_name(out.name + ".partial")
    try:
        _write_tar(partial, manifest, [files for _, files in sources], progress)
    except BaseException:
        partial.unlink(missing_ok=True)  # a half-written bundle must not look like one
        raise
    partial.replace(out)
    return manifest


def _write_tar(path: Path, manifest: Manifest, sources: list[list[tuple[Path, str]]],
               progress: ByteProgress | None) -> None:
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        data = manifest.to_json().encode("utf-8")
        info = tarfile.TarInfo(MANIFEST_NAME)
        info.size, info.mode = len(data), 0o644
        tar.addfile(info, io.BytesIO(data))
        for model, files in zip(manifest.models, sources, strict=True):
            for entry, (source_path, _) in zip(model.files, files, strict=True):
                info = tarfile.TarInfo(f"{MEMBER_ROOT}/{model.name}/{entry.path}")
                info.size, info.mode = entry.size, 0o644
                with source_path.open("rb") as source:
                    tar.addfile(info, _Counting(source, progress))


class _Counting(io.RawIOBase):
    """A file wrapper that reports bytes read (tarfile copies from it)."""

    def __init__(self, source: io.BufferedReader, progress: ByteProgress | None) -> None:
        self._source, self._progress = source, progress

    def read(self, size: int = -1) -> bytes:
        chunk = self._source.read(size)
        if self._progress is not None:
            self._progress(len(chunk))
        return chunk


def read_manifest(tar: tarfile.TarFile, where: str) -> tuple[Manifest, tarfile.TarInfo]:
    """The bundle's manifest (its first member), and that member."""
    first = tar.next()
    if first is None or first.name != MANIFEST_NAME or not first.isfile():
        raise BundleError(f"{where} does not start with {MANIFEST_NAME}",
                          hint="make bundles with `kiosk models pack`")
    if first.size > MAX_MANIFEST:
        raise BundleError(f"{where}: the manifest is implausibly large",
                          hint="make bundles with `kiosk models pack`")
    stream = tar.extractfile(first)
    assert stream is not None  # a regular file always has a stream
    return Manifest.from_json(stream.read().decode("utf-8", "replace"), where), first


def install_bundle(bundle: Path, target: Path, start: StartProgress | None = None) -> Manifest:
    """Verify every file of `bundle`, then install its models into `target`."""
    where = str(bundle)
    if not bundle.is_file():
        raise BundleError(f"there is no bundle file {bundle}", hint="check the path")
    target.mkdir(parents=True, exist_ok=True)
    with _locked(target):  # two installs at once would race on installed.json
        staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=target))
        try:
            with tarfile.open(bundle, "r:") as tar:
                manifest, first = read_manifest(tar, where)
                _check_space(target, manifest)
                _extract_verified(tar, manifest, first, staging, where,
                                  start(manifest.size) if start else None)
            _move_into_place(manifest, staging, target)
            Registry(target).add(manifest, bundle.name)
        except (tarfile.TarError, EOFError, UnicodeError) as exc:
            raise BundleError(f"{where} cannot be read to the end: {exc}",
                              hint="the bundle is damaged or cut off: copy it again") from exc
        except OSError as exc:
            raise BundleError(f"installing {where} into {target} failed: {exc}",
                              hint="check the disk (space, permissions) and try again") from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return manifest


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder itself (no lock file is left behind)."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _check_space(target: Path, manifest: Manifest) -> None:
    free = shutil.disk_usage(target).free
    if free < manifest.size + (64 << 20):
        raise BundleError(
            f"not enough disk space in {target}: the bundle needs {manifest.size >> 20} MB, "
            f"{free >> 20} MB are free",
            hint="free some space (or choose another --models-dir) and install again",
        )


def _extract_verified(tar: tarfile.TarFile, manifest: Manifest, manifest_member: tarfile.TarInfo,
                      staging: Path, where: str, progress: ByteProgress | None) -> None:
    expected = {f"{MEMBER_ROOT}/{m.name}/{f.path}": f for m in manifest.models for f in m.files}
    for member in tar:  # iterating starts again at the first member: the manifest
        if member is manifest_member:
            continue
        entry = expected.pop(member.name, None)
        if entry is None or not member.isfile():
            raise BundleError(f"{where}: {member.name!r} is not a file the manifest lists",
                              hint="the bundle was changed after packing: make it again")
        destination = staging / member.name
        destination.parent.mkdir(parents=True, exist_ok=True)
        stream = tar.extractfile(member)
        assert stream is not None
        with destination.open("wb") as out:
            size, digest = copy_hashing(stream, out, progress)
        if size != entry.size or digest != entry.sha256:
            raise BundleError(
                f"{where}: {member.name} does not match the manifest "
                f"({size} bytes, sha256 {digest[:12]}…; expected {entry.size} bytes, "
                f"{entry.sha256[:12]}…)",
                hint="the bundle is damaged or was tampered with: copy it again from the source",
            )
    if expected:
        missing = ", ".join(sorted(expected)[:3])
        raise BundleError(f"{where} is missing {len(expected)} file(s): {missing}",
                          hint="the bundle is cut off: copy it again")


def _move_into_place(manifest: Manifest, staging: Path, target: Path) -> None:
    """Rename each verified model folder over the installed one (old versions go to staging)."""
    for model in manifest.models:
        fresh = staging / MEMBER_ROOT / model.name
        installed = target / model.name
        if installed.exists():
            installed.rename(staging / f"old-{model.name}")
        fresh.rename(installed)
