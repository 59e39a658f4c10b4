"""Builds Lumi, the 3D lobby robot, as a glTF 2.0 binary (build/lumi.glb) from code.

Every vertex is computed here: an ellipsoid head shell, a face plate, glowing eyes and a mouth
ring on the plate, ear pods, an antenna, neck and shoulders. The head mesh carries one morph
target per viseme (named as in kiosk/events.py) plus `blink` and `smile`. Nothing is downloaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pygltflib as g

Array = np.ndarray[Any, Any]
HEAD = (1.0, 1.04, 0.92)  # ellipsoid radii of the head shell
EYE_Y, EYE_X = 0.14, 0.32
MOUTH_Y, MOUTH_W = -0.30, 0.20

# viseme: (opening, width factor, roundness)
VISEMES: dict[str, tuple[float, float, float]] = {
    "PP": (0.0, 0.85, 0.0), "FF": (0.12, 0.95, 0.0), "TH": (0.22, 1.0, 0.0),
    "DD": (0.32, 1.0, 0.1), "kk": (0.42, 0.95, 0.1), "CH": (0.3, 0.75, 0.6),
    "SS": (0.14, 1.1, 0.0), "nn": (0.22, 1.0, 0.1), "RR": (0.3, 0.7, 0.7),
    "aa": (0.85, 1.0, 0.2), "E": (0.5, 1.2, 0.0), "ih": (0.32, 1.12, 0.0),
    "oh": (0.65, 0.7, 0.85), "ou": (0.38, 0.5, 1.0),
}  # fmt: skip
TARGETS = (*VISEMES, "blink", "smile")


def _face_z(x: Array, y: Array, lift: float) -> Array:
    a, b, c = HEAD
    return c * np.sqrt(np.clip(1 - (x / a) ** 2 - (y / b) ** 2, 0.0, 1.0)) + lift


def ellipsoid(
    centre: tuple[float, float, float],
    radii: tuple[float, float, float],
    rings: int = 24,
    segments: int = 36,
) -> tuple[Array, Array, Array]:
    """Positions, normals and triangle indices of an ellipsoid."""
    theta = np.linspace(0, np.pi, rings + 1)
    phi = np.linspace(0, 2 * np.pi, segments + 1)
    t, p = np.meshgrid(theta, phi, indexing="ij")
    unit = np.stack([np.sin(t) * np.sin(p), np.cos(t), np.sin(t) * np.cos(p)], -1).reshape(-1, 3)
    radius = np.array(radii)
    positions = unit * radius + np.array(centre)
    normals = unit / radius
    normals /= np.linalg.norm(normals, axis=1, keepdims=True) + 1e-9
    return positions, normals, _grid_indices(rings, segments)


def _grid_indices(rows: int, cols: int) -> Array:
    faces = []
    for r in range(rows):
        for c in range(cols):
            a = r * (cols + 1) + c
            b, d, e = a + 1, a + cols + 1, a + cols + 2
            faces += [a, d, b, b, d, e]
    return np.array(faces, dtype=np.uint32)


def face_plate() -> tuple[Array, Array, Array]:
    """The dark face screen: a superellipse patch lying on the front of the head."""
    rings, segments = 24, 72
    k = np.linspace(0, 1, rings + 1)[:, None]
    angle = np.linspace(0, 2 * np.pi, segments + 1)[None, :]
    cos, sin = np.cos(angle), np.sin(angle)
    s = np.sign(cos) * np.abs(cos) ** 0.5 * k
    t = np.sign(sin) * np.abs(sin) ** 0.5 * k
    x, y = 0.64 * s, 0.50 * t - 0.06
    z = _face_z(x, y, 0.018)
    positions = np.stack([x, y, z], -1).reshape(-1, 3)
    a, b, c = HEAD
    normals = positions * np.array([1 / a**2, 1 / b**2, 1 / c**2])
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    return positions, normals, _grid_indices(rings, segments)


def _ring(width: float, opening: float, roundness: float, smile: float) -> Array:
    """Centre line of the mouth ring (64 points) for one shape."""
    u = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    half_w = MOUTH_W * width * (1 - 0.25 * roundness)
    half_h = 0.018 + 0.15 * opening + 0.05 * roundness * opening
    x = half_w * np.cos(u)
    y = MOUTH_Y + half_h * np.sin(u) + smile * 0.07 * (x / MOUTH_W) ** 2 - smile * 0.02
    return np.stack([x, y], -1)


def mouth(shape: tuple[float, float, float, float]) -> tuple[Array, Array, Array]:
    """A glowing tube around the mouth opening, plus the dark inside, for one shape."""
    centre = _ring(*shape)
    tube, sides = 0.024, 10
    v = np.linspace(0, 2 * np.pi, sides + 1)
    nxt = np.roll(centre, -1, axis=0) - np.roll(centre, 1, axis=0)
    outward = np.stack([nxt[:, 1], -nxt[:, 0]], -1)
    outward /= np.linalg.norm(outward, axis=1, keepdims=True) + 1e-9
    z0 = _face_z(centre[:, 0], centre[:, 1], 0.03)
    rows = []
    normals = []
    for angle in v:
        offset = np.cos(angle)[..., None] * outward
        pos = np.column_stack([centre + tube * offset, z0 + tube * np.sin(angle)])
        rows.append(pos)
        normals.append(np.column_stack([offset, np.full(len(centre), np.sin(angle))]))
    ring_pos = np.stack(rows, 1)  # (64, sides+1, 3)
    ring_pos = np.concatenate([ring_pos, ring_pos[:1]], 0).reshape(-1, 3)
    ring_nrm = np.stack(normals, 1)
    ring_nrm = np.concatenate([ring_nrm, ring_nrm[:1]], 0).reshape(-1, 3)
    # the inside of the mouth: rings shrinking to the centre, lying on the curved plate
    middle = centre.mean(axis=0)
    shells = [middle + (centre - middle) * k for k in (0.0, 0.35, 0.7, 1.0)]
    inside = np.vstack([np.column_stack([s, _face_z(s[:, 0], s[:, 1], 0.026)]) for s in shells])
    positions = np.vstack([ring_pos, inside])
    normals_all = np.vstack([ring_nrm, np.tile([0.0, 0.0, 1.0], (len(inside), 1))])
    base = len(ring_pos)
    fill = []
    for ring in range(len(shells) - 1):
        for i in range(64):
            a, b = base + ring * 64 + i, base + ring * 64 + (i + 1) % 64
            fill += [a, a + 64, b, b, a + 64, b + 64]
    indices = np.concatenate([_grid_indices(64, sides), np.array(fill, dtype=np.uint32)])
    return positions, normals_all, indices


def eyes(blink: float, smile: float) -> tuple[Array, Array, Array]:
    """Two glowing capsule eyes on the plate; `blink` flattens them, `smile` curves them."""
    parts = []
    for side in (-1, 1):
        pos, nrm, idx = ellipsoid((side * EYE_X, EYE_Y, 0.0), (0.10, 0.13, 0.05), 12, 24)
        squash = 1 - 0.9 * blink - 0.35 * smile
        pos[:, 1] = (
            EYE_Y
            + (pos[:, 1] - EYE_Y) * squash
            + smile * 0.05 * (1 - ((pos[:, 0] - side * EYE_X) / 0.1) ** 2) * 0.4
        )
        pos[:, 2] += _face_z(np.array(side * EYE_X), np.array(EYE_Y), 0.0)
        parts.append((pos, nrm, idx))
    return _merge(parts)


def _merge(parts: list[tuple[Array, Array, Array]]) -> tuple[Array, Array, Array]:
    positions, normals, indices, offset = [], [], [], 0
    for pos, nrm, idx in parts:
        positions.append(pos)
        normals.append(nrm)
        indices.append(idx + offset)
        offset += len(pos)
    return np.vstack(positions), np.vstack(normals), np.concatenate(indices)


def build(out: Path) -> None:
    """Write build/lumi.glb."""
    neutral_mouth = (1.0, 0.0, 0.0, 0.0)
    head_parts: list[tuple[str, tuple[Array, Array, Array], list[Array], str]] = []
    shell = ellipsoid((0.0, 0.0, 0.0), HEAD, 40, 64)
    plate = face_plate()
    ear = _merge([ellipsoid((s * 1.0, 0.02, 0.0), (0.12, 0.26, 0.26), 12, 24) for s in (-1, 1)])
    antenna = _merge(
        [
            ellipsoid((0.0, 1.08, 0.0), (0.04, 0.12, 0.04), 8, 12),
            ellipsoid((0.0, 1.26, 0.0), (0.085, 0.085, 0.085), 12, 16),
        ]
    )
    mouth_base = mouth(neutral_mouth)
    eye_base = eyes(0.0, 0.0)

    def zero(part: tuple[Array, Array, Array]) -> list[Array]:
        return [np.zeros_like(part[0]) for _ in TARGETS]

    mouth_targets = []
    eye_targets = []
    for name in TARGETS:
        if name in VISEMES:
            opening, width, roundness = VISEMES[name]
            mouth_targets.append(mouth((width, opening, roundness, 0.0))[0] - mouth_base[0])
            eye_targets.append(np.zeros_like(eye_base[0]))
        elif name == "blink":
            mouth_targets.append(np.zeros_like(mouth_base[0]))
            eye_targets.append(eyes(1.0, 0.0)[0] - eye_base[0])
        else:  # smile: mouth corners up, happy eyes
            mouth_targets.append(mouth((1.15, 0.0, 0.0, 1.0))[0] - mouth_base[0])
            eye_targets.append(eyes(0.0, 1.0)[0] - eye_base[0])
    head_parts = [
        ("shell", shell, zero(shell), "shell"),
        ("plate", plate, zero(plate), "plate"),
        ("ears", ear, zero(ear), "accent"),
        ("antenna", antenna, zero(antenna), "accent"),
        ("eyes", eye_base, eye_targets, "eyes"),
        ("mouth", mouth_base, mouth_targets, "mouth"),
    ]
    neck = ellipsoid((0.0, -1.05, -0.05), (0.30, 0.34, 0.30), 12, 24)
    torso = ellipsoid((0.0, -2.05, -0.1), (1.25, 0.85, 0.75), 24, 48)
    collar = ellipsoid((0.0, -1.3, -0.02), (0.5, 0.12, 0.42), 10, 32)
    body_parts = [("torso", torso, "suit"), ("neck", neck, "joint"), ("collar", collar, "accent")]
    _write(out / "lumi.glb", head_parts, body_parts)


MATERIALS = {
    "shell": ([0.95, 0.96, 0.98, 1.0], [0.0, 0.0, 0.0], 0.35),
    "plate": ([0.05, 0.09, 0.18, 1.0], [0.0, 0.0, 0.0], 0.15),
    "eyes": ([0.35, 0.95, 0.95, 1.0], [0.25, 0.85, 0.9], 0.5),
    "mouth": ([0.35, 0.95, 0.95, 1.0], [0.25, 0.85, 0.9], 0.5),
    "accent": ([0.07, 0.62, 0.58, 1.0], [0.0, 0.0, 0.0], 0.4),
    "suit": ([0.11, 0.2, 0.38, 1.0], [0.0, 0.0, 0.0], 0.7),
    "joint": ([0.55, 0.6, 0.68, 1.0], [0.0, 0.0, 0.0], 0.5),
}


def _write(path: Path, head_parts: list[Any], body_parts: list[Any]) -> None:
    blob = bytearray()
    gltf = g.GLTF2(asset=g.Asset(generator="kiosk avatars/lumi/build.py", version="2.0"))
    names = list(MATERIALS)
    for name in names:
        colour, emissive, roughness = MATERIALS[name]
        gltf.materials.append(
            g.Material(
                name=name,
                emissiveFactor=emissive,
                pbrMetallicRoughness=g.PbrMetallicRoughness(
                    baseColorFactor=colour, metallicFactor=0.0, roughnessFactor=roughness
                ),
            )
        )

    def accessor(data: Array, kind: str, target: int | None) -> int:
        data = np.ascontiguousarray(data.astype(np.uint32 if kind == "SCALAR" else np.float32))
        while len(blob) % 4:
            blob.append(0)
        view = g.BufferView(buffer=0, byteOffset=len(blob), byteLength=data.nbytes, target=target)
        blob.extend(data.tobytes())
        gltf.bufferViews.append(view)
        item = g.Accessor(
            bufferView=len(gltf.bufferViews) - 1,
            count=len(data),
            type=kind,
            componentType=g.UNSIGNED_INT if kind == "SCALAR" else g.FLOAT,
        )
        if kind == "VEC3":
            item.min, item.max = data.min(0).tolist(), data.max(0).tolist()
        gltf.accessors.append(item)
        return len(gltf.accessors) - 1

    def primitive(part: tuple[Array, Array, Array], targets: list[Array] | None, material: str):
        pos, nrm, idx = part
        prim = g.Primitive(
            attributes=g.Attributes(
                POSITION=accessor(pos, "VEC3", g.ARRAY_BUFFER),
                NORMAL=accessor(nrm, "VEC3", g.ARRAY_BUFFER),
            ),
            indices=accessor(idx, "SCALAR", g.ELEMENT_ARRAY_BUFFER),
            material=names.index(material),
        )
        if targets is not None:
            prim.targets = [{"POSITION": accessor(t, "VEC3", g.ARRAY_BUFFER)} for t in targets]
        return prim

    head = g.Mesh(
        name="head",
        primitives=[primitive(p, t, m) for _, p, t, m in head_parts],
        weights=[0.0] * len(TARGETS),
        extras={"targetNames": list(TARGETS)},
    )
    body = g.Mesh(name="body", primitives=[primitive(p, None, m) for _, p, m in body_parts])
    gltf.meshes = [head, body]
    gltf.nodes = [g.Node(name="head", mesh=0), g.Node(name="body", mesh=1)]
    gltf.scenes = [g.Scene(nodes=[0, 1])]
    gltf.scene = 0
    gltf.buffers = [g.Buffer(byteLength=len(blob))]
    gltf.set_binary_blob(bytes(blob))
    gltf.save_binary(str(path))
