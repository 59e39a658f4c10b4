"""Avatar folders: reading `avatar.toml`, building and checking the art (avatars/README.md)."""

from __future__ import annotations

import importlib.util
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from kiosk.config import REPO_ROOT
from kiosk.errors import AvatarError
from kiosk.events import VISEMES, Viseme

AVATARS_DIR = REPO_ROOT / "avatars"
Part = Literal["body", "head", "iris", "lids", "mouth", "brows"]
PARTS: tuple[Part, ...] = ("body", "head", "iris", "lids", "mouth", "brows")

VISEME_FALLBACK: dict[Viseme, Viseme] = {
    "TH": "DD", "nn": "DD", "RR": "ou", "CH": "SS", "kk": "E", "ih": "E", "oh": "ou",
}  # fmt: skip
"""The shape a viseme borrows when an avatar does not draw it: nine shapes are enough."""
REQUIRED_SHAPES: tuple[Viseme, ...] = ("sil", "PP", "FF", "DD", "SS", "aa", "E", "ou")


@dataclass(frozen=True, slots=True)
class Layer:
    """One image of a layered avatar, drawn in file order."""

    name: str
    part: Part
    """What moves it: body (breathing), head (turn), iris (gaze), lids (blink), mouth, brows."""
    images: dict[str, Path]
    """One image for most parts; one per viseme (plus `smile`) for the mouth."""
    depth: float = 0.0
    """For head parts: how far in front of the head's surface, in head radii (hair behind < 0)."""
    mask: str = ""
    """For the iris: the layer whose shape clips it (the eye whites)."""


@dataclass(frozen=True, slots=True)
class AvatarSpec:
    """A parsed avatar folder."""

    name: str
    """Folder name: what `--avatar` selects."""
    title: str
    kind: Literal["layered", "mesh"]
    root: Path
    canvas: tuple[int, int] = (0, 0)
    """Layered: the art's size in pixels; every image is drawn at this size."""
    pivot: tuple[float, float] = (0.0, 0.0)
    """Layered: the canvas point the head turns around."""
    radius: float = 1.0
    """Layered: the head's radius in canvas pixels."""
    gaze_range: tuple[float, float] = (10.0, 6.0)
    """Layered: how far the irises move, in canvas pixels."""
    layers: tuple[Layer, ...] = ()
    model: Path | None = None
    """Mesh: the glTF 2.0 file."""

    def mouth_image(self, layer: Layer, viseme: str) -> Path:
        """The image a mouth layer shows for `viseme` (falling back to a similar shape)."""
        chosen = viseme
        while chosen not in layer.images:
            chosen = VISEME_FALLBACK.get(chosen, "sil")  # type: ignore[call-overload]
        return layer.images[chosen]


def avatar_names() -> list[str]:
    """The avatars that ship in avatars/."""
    return sorted(p.parent.name for p in AVATARS_DIR.glob("*/avatar.toml"))


def load_avatar(name_or_path: str) -> AvatarSpec:
    """Read an avatar by folder name (under avatars/) or path, building its art if needed."""
    root = Path(name_or_path)
    if not (root / "avatar.toml").is_file():
        root = AVATARS_DIR / name_or_path
    manifest = root / "avatar.toml"
    if not manifest.is_file():
        raise AvatarError(
            f"no avatar {name_or_path!r} ({manifest} does not exist)",
            hint=f"use one of: {', '.join(avatar_names())}, or a folder with an avatar.toml",
        )
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise AvatarError(f"{manifest}: bad TOML: {exc}", hint="fix the TOML syntax") from exc
    _build_if_stale(root, data, manifest)
    kind = data.get("kind")
    if kind == "mesh":
        model = root / _need(data, "model", str, manifest)
        _exists(model, manifest)
        return AvatarSpec(root.name, data.get("title", root.name), "mesh", root, model=model)
    if kind != "layered":
        raise AvatarError(f"{manifest}: kind = {kind!r}", hint='write kind = "layered" or "mesh"')
    layers = tuple(_layer(root, item, manifest) for item in _need(data, "layers", list, manifest))
    _check_layers(layers, manifest)
    head = _need(data, "head", dict, manifest)
    return AvatarSpec(
        name=root.name,
        title=data.get("title", root.name),
        kind="layered",
        root=root,
        canvas=tuple(_need(data, "canvas", list, manifest)),
        pivot=tuple(_need(head, "pivot", list, manifest)),
        radius=float(_need(head, "radius", (int, float), manifest)),
        gaze_range=tuple(head.get("gaze_range", (10.0, 6.0))),
        layers=layers,
    )


def _layer(root: Path, item: dict[str, Any], manifest: Path) -> Layer:
    name = _need(item, "name", str, manifest)
    part = item.get("part", "head")
    if part not in PARTS:
        raise AvatarError(
            f"{manifest}: layer {name!r} has part = {part!r}",
            hint=f"use one of: {', '.join(PARTS)}",
        )
    if part == "mouth":
        shapes = _need(item, "images", dict, manifest)
        images = {viseme: root / str(file) for viseme, file in shapes.items()}
        unknown = set(images) - set(VISEMES) - {"smile"}
        missing = [v for v in REQUIRED_SHAPES if v not in images]
        if unknown or missing:
            raise AvatarError(
                f"{manifest}: mouth layer {name!r}: "
                + (f"unknown shapes {sorted(unknown)}" if unknown else f"missing {missing}"),
                hint=f"draw at least {', '.join(REQUIRED_SHAPES)}; names from kiosk/events.py",
            )
    else:
        images = {"": root / _need(item, "image", str, manifest)}
    for path in images.values():
        _exists(path, manifest)
    return Layer(name, part, images, float(item.get("depth", 0.0)), str(item.get("mask", "")))


def _check_layers(layers: tuple[Layer, ...], manifest: Path) -> None:
    names = {layer.name for layer in layers}
    for layer in layers:
        if layer.mask and layer.mask not in names:
            raise AvatarError(
                f"{manifest}: layer {layer.name!r} is masked by {layer.mask!r}: no such layer",
                hint="name the eye-white layer in mask, or drop mask",
            )
    if not any(layer.part == "mouth" for layer in layers):
        raise AvatarError(f"{manifest}: no mouth layer", hint='add a layer with part = "mouth"')


def _need(table: dict[str, Any], key: str, kind: Any, manifest: Path) -> Any:
    if key not in table or not isinstance(table[key], kind):
        raise AvatarError(f"{manifest}: missing or wrong {key!r}", hint="see avatars/README.md")
    return table[key]


def _exists(path: Path, manifest: Path) -> None:
    if not path.is_file():
        raise AvatarError(
            f"{manifest}: {path} does not exist",
            hint="export the image there, or run the avatar's build script",
        )


def _build_if_stale(root: Path, data: dict[str, Any], manifest: Path) -> None:
    """Run the folder's generator (e.g. draw.py) when its output is missing or older than it."""
    script_name = data.get("build")
    if not script_name:
        return
    script = root / script_name
    stamp = root / "build" / ".built"
    if stamp.is_file() and stamp.stat().st_mtime >= script.stat().st_mtime:
        return
    spec = importlib.util.spec_from_file_location(f"avatar_build_{root.name}", script)
    if spec is None or spec.loader is None:
        raise AvatarError(f"{manifest}: cannot load build script {script}", hint="check the path")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (root / "build").mkdir(exist_ok=True)
    module.build(root / "build")
    stamp.touch()
