"""The 3D renderer: a lit glTF 2.0 mesh whose morph targets (visemes, blink, smile) are blended."""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pygltflib
from OpenGL import GL

from kiosk.errors import AvatarError
from kiosk.ui.avatar.animation import Pose
from kiosk.ui.avatar.glutil import Backdrop, program
from kiosk.ui.avatar.spec import AvatarSpec

Array = np.ndarray[Any, Any]
NECK = np.array([0.0, -0.8, 0.0])
"""Where the head turns (model units)."""
_DTYPES = {
    pygltflib.FLOAT: np.float32,
    pygltflib.UNSIGNED_INT: np.uint32,
    pygltflib.UNSIGNED_SHORT: np.uint16,
    pygltflib.UNSIGNED_BYTE: np.uint8,
}
_WIDTH = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}

_VS = """#version 330 core
layout(location = 0) in vec3 a_position;
layout(location = 1) in vec3 a_normal;
uniform mat4 u_model;
uniform mat4 u_view_projection;
uniform vec3 u_shift;
uniform vec3 u_colour;
uniform vec3 u_emissive;
uniform vec3 u_eye;
uniform float u_roughness;
out vec3 v_diffuse;
const vec3 KEY = vec3(-0.4319, 0.6047, 0.7774);   // normalised (-0.5, 0.7, 0.9): upper left
const vec3 FILL = vec3(0.7926, 0.0991, 0.5945);   // normalised (0.8, 0.1, 0.6): right
void main() {
    vec4 world = u_model * vec4(a_position + u_shift, 1.0);
    vec3 n = normalize(mat3(u_model) * a_normal);
    // all lighting per vertex (Gouraud): the meshes are fine enough, and on a CPU rasteriser
    // per-pixel lighting cost 10 of the 23 ms a frame took
    vec3 c = u_colour * vec3(0.24, 0.27, 0.32);                             // ambient
    c += u_colour * vec3(1.0, 0.97, 0.9) * max(dot(n, KEY), 0.0);          // key, warm
    c += u_colour * vec3(0.32, 0.38, 0.47) * max(dot(n, FILL), 0.0);       // fill, cool
    float edge = 1.0 - max(dot(n, normalize(u_eye - world.xyz)), 0.0);
    c += edge * edge * edge * vec3(0.25, 0.45, 0.55);                      // rim light
    float shininess = mix(120.0, 8.0, u_roughness);
    vec3 v = normalize(u_eye - world.xyz);
    c += pow(max(dot(n, normalize(KEY + v)), 0.0), shininess) * (1.0 - u_roughness);
    v_diffuse = c + u_emissive;
    gl_Position = u_view_projection * world;
}
"""
_FS = """#version 330 core
in vec3 v_diffuse;
out vec4 colour;
void main() { colour = vec4(v_diffuse, 1.0); }
"""


@dataclass
class _Primitive:
    name: str
    node: str
    base: Array
    normals: Array
    indices: Array
    targets: Array
    """(targets, vertices, 3) position deltas."""
    colour: tuple[float, float, float]
    emissive: tuple[float, float, float]
    roughness: float
    vao: int = 0
    vbo: int = 0


def _read(gltf: pygltflib.GLTF2, blob: bytes, index: int) -> Array:
    accessor = gltf.accessors[index]
    view = gltf.bufferViews[accessor.bufferView]
    if view.byteStride not in (None, 0, 4 * _WIDTH[accessor.type]):
        raise AvatarError(
            "interleaved glTF buffers are not supported",
            hint="export with one buffer view per attribute",
        )
    width = _WIDTH[accessor.type]
    offset = (view.byteOffset or 0) + (accessor.byteOffset or 0)
    data = np.frombuffer(blob, _DTYPES[accessor.componentType], accessor.count * width, offset)
    return data.reshape(accessor.count, width) if width > 1 else data


def load_mesh(spec: AvatarSpec) -> tuple[list[_Primitive], tuple[str, ...]]:
    """Read the avatar's glTF: its primitives (per node) and morph target names."""
    path = spec.model
    assert path is not None
    try:
        gltf = pygltflib.GLTF2().load(str(path))
        gltf.convert_buffers(pygltflib.BufferFormat.BINARYBLOB)
        blob = gltf.binary_blob()
    except Exception as exc:
        raise AvatarError(f"cannot read {path}: {exc}", hint="export it as glTF 2.0") from exc
    names: tuple[str, ...] = ()
    primitives = []
    for node in gltf.nodes:
        if node.mesh is None:
            continue
        mesh = gltf.meshes[node.mesh]
        names = tuple((mesh.extras or {}).get("targetNames", names)) if mesh.extras else names
        for number, prim in enumerate(mesh.primitives):
            material = gltf.materials[prim.material] if prim.material is not None else None
            pbr = material.pbrMetallicRoughness if material else None
            colour = tuple((pbr.baseColorFactor if pbr else None) or (0.8, 0.8, 0.8, 1))[:3]
            base = _read(gltf, blob, prim.attributes.POSITION).astype(np.float32)
            deltas = [_read(gltf, blob, t["POSITION"]) for t in (prim.targets or [])]
            primitives.append(
                _Primitive(
                    name=f"{node.name}.{material.name if material else number}",
                    node=node.name or "",
                    base=base,
                    normals=_read(gltf, blob, prim.attributes.NORMAL).astype(np.float32),
                    indices=_read(gltf, blob, prim.indices).astype(np.uint32),
                    targets=np.array(deltas, np.float32) if deltas else np.zeros((0, *base.shape)),
                    colour=colour,
                    emissive=tuple((material.emissiveFactor if material else None) or (0, 0, 0)),
                    roughness=float(
                        pbr.roughnessFactor if pbr and pbr.roughnessFactor is not None else 0.5
                    ),
                )
            )
    if not any(p.node == "head" for p in primitives):
        raise AvatarError(f"{path}: no node named 'head'", hint="name the head's node 'head'")
    return primitives, names


def perspective(fov_y: float, aspect: float, near: float, far: float) -> Array:
    f = 1.0 / math.tan(fov_y / 2)
    return np.array(
        [
            [f / aspect, 0, 0, 0],
            [0, f, 0, 0],
            [0, 0, (far + near) / (near - far), 2 * far * near / (near - far)],
            [0, 0, -1, 0],
        ],
        np.float32,
    )


def translate(x: float, y: float, z: float) -> Array:
    m = np.eye(4, dtype=np.float32)
    m[:3, 3] = (x, y, z)
    return m


def rotate(yaw: float, pitch: float) -> Array:
    cy, sy, cp, sp = math.cos(yaw), math.sin(yaw), math.cos(pitch), math.sin(pitch)
    turn = np.array([[cy, 0, sy, 0], [0, 1, 0, 0], [-sy, 0, cy, 0], [0, 0, 0, 1]], np.float32)
    tilt = np.array([[1, 0, 0, 0], [0, cp, -sp, 0], [0, sp, cp, 0], [0, 0, 0, 1]], np.float32)
    return turn @ tilt


class MeshAvatar:
    """Draws a glTF avatar with a `head` node (turns, morphs) and optional `body` (breathes)."""

    def __init__(self, spec: AvatarSpec) -> None:
        self.spec = spec
        self._primitives, self._target_names = load_mesh(spec)
        # front to back (nearest first), so hidden fragments fail the depth test early
        self._order = sorted(self._primitives, key=lambda p: -float(p.base[:, 2].max()))

    def initialize(self) -> None:
        """Create buffers and the lit program (a current 3.3 context is needed)."""
        self._program = program(_VS, _FS)
        self._backdrop = Backdrop()
        for prim in self._primitives:
            prim.vao = GL.glGenVertexArrays(1)
            GL.glBindVertexArray(prim.vao)
            prim.vbo, normals, indices = GL.glGenBuffers(3)
            usage = GL.GL_DYNAMIC_DRAW if len(prim.targets) else GL.GL_STATIC_DRAW
            for slot, buffer, data, kind in (
                (0, prim.vbo, prim.base, usage),
                (1, normals, prim.normals, GL.GL_STATIC_DRAW),
            ):
                GL.glBindBuffer(GL.GL_ARRAY_BUFFER, buffer)
                GL.glBufferData(GL.GL_ARRAY_BUFFER, data.nbytes, data, kind)
                GL.glEnableVertexAttribArray(slot)
                GL.glVertexAttribPointer(slot, 3, GL.GL_FLOAT, GL.GL_FALSE, 12, ctypes.c_void_p(0))
            GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, indices)
            GL.glBufferData(
                GL.GL_ELEMENT_ARRAY_BUFFER, prim.indices.nbytes, prim.indices, GL.GL_STATIC_DRAW
            )
            if len(prim.targets) and not np.any(prim.targets):
                prim.targets = prim.targets[:0]  # no morph ever moves it: keep it static
        GL.glBindVertexArray(0)

    def _weights(self, pose: Pose) -> Array:
        wanted: dict[str, float] = {name: weight for name, weight in pose.visemes if name != "sil"}
        wanted["blink"] = pose.blink
        wanted["smile"] = pose.smile * pose.weight("sil")
        return np.array([wanted.get(name, 0.0) for name in self._target_names], np.float32)

    def render(self, pose: Pose, width: int, height: int) -> None:
        """Draw one frame into the bound framebuffer."""
        GL.glViewport(0, 0, width, height)
        self._backdrop.draw(width, height)
        GL.glEnable(GL.GL_DEPTH_TEST)
        GL.glClear(GL.GL_DEPTH_BUFFER_BIT)
        GL.glDisable(GL.GL_BLEND)
        GL.glUseProgram(self._program)
        aspect = width / max(1, height)
        fov = math.radians(26)
        # fit the head and shoulders: 3.7 units tall, 2.9 wide, whichever is tighter
        distance = max(1.85 / math.tan(fov / 2), 1.45 / (math.tan(fov / 2) * aspect))
        eye = np.array([0.0, -0.3, distance], np.float32)  # looking straight at the chin
        view = translate(*-eye)
        view_projection = perspective(fov, aspect, 0.5, 50.0) @ view
        self._set_matrix("u_view_projection", view_projection)
        GL.glUniform3f(GL.glGetUniformLocation(self._program, "u_eye"), *eye)
        head = translate(*NECK) @ rotate(pose.yaw, pose.pitch) @ translate(*-NECK)
        head = translate(0, 0.02 * pose.breath, 0) @ head
        body = np.diag([1.0 + 0.006 * pose.breath, 1.0 + 0.01 * pose.breath, 1.0, 1.0]).astype(
            np.float32
        )
        weights = self._weights(pose)
        GL.glEnable(GL.GL_CULL_FACE)  # closed meshes: their backs never show
        for prim in self._order:
            self._draw(prim, head if prim.node == "head" else body, weights, pose)
        GL.glBindVertexArray(0)
        GL.glDisable(GL.GL_CULL_FACE)
        GL.glDisable(GL.GL_DEPTH_TEST)

    def _draw(self, prim: _Primitive, model: Array, weights: Array, pose: Pose) -> None:
        GL.glBindVertexArray(prim.vao)
        if len(prim.targets):
            active = weights > 1e-3
            positions = prim.base + np.tensordot(weights[active], prim.targets[active], axes=1)
            GL.glBindBuffer(GL.GL_ARRAY_BUFFER, prim.vbo)
            data = np.ascontiguousarray(positions, np.float32)
            GL.glBufferSubData(GL.GL_ARRAY_BUFFER, 0, data.nbytes, data)
        looking = prim.name.endswith(".eyes")  # the eyes slide a little toward the visitor
        shift = (0.035 * pose.gaze_x, -0.025 * pose.gaze_y, 0.0) if looking else (0.0, 0.0, 0.0)
        location = GL.glGetUniformLocation
        GL.glUniform3f(location(self._program, "u_shift"), *shift)
        GL.glUniform3f(location(self._program, "u_colour"), *prim.colour)
        GL.glUniform3f(location(self._program, "u_emissive"), *prim.emissive)
        GL.glUniform1f(location(self._program, "u_roughness"), prim.roughness)
        self._set_matrix("u_model", model)
        GL.glDrawElements(
            GL.GL_TRIANGLES, len(prim.indices), GL.GL_UNSIGNED_INT, ctypes.c_void_p(0)
        )

    def _set_matrix(self, name: str, matrix: Array) -> None:
        GL.glUniformMatrix4fv(
            GL.glGetUniformLocation(self._program, name),
            1,
            GL.GL_TRUE,
            np.ascontiguousarray(matrix, np.float32),
        )
