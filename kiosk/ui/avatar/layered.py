"""The 2.5D renderer: layers on bendable grids (head turn, breathing, gaze, blink, mouth)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from OpenGL import GL
from PySide6.QtGui import QImage

from kiosk.errors import AvatarError
from kiosk.events import VISEMES
from kiosk.ui.avatar.animation import Pose
from kiosk.ui.avatar.glutil import Backdrop, Grid, program, texture_2d, texture_array
from kiosk.ui.avatar.spec import PARTS, AvatarSpec, Layer

_VS = """#version 330 core
layout(location = 0) in vec2 a_pos;
uniform vec4 u_rect;      // where the layer's image sits on the canvas: x, y, w, h (pixels)
uniform vec4 u_mask_rect; // the mask layer's rect, for the iris
uniform vec4 u_view;      // canvas pixels -> clip space: scale x, scale y, offset x, offset y
uniform int u_part;       // 0 body, 1 head, 2 iris, 3 lids, 4 mouth, 5 brows
uniform float u_depth;
uniform vec2 u_pivot;
uniform float u_radius;
uniform vec2 u_turn;      // yaw, pitch (radians)
uniform float u_breath;
uniform vec2 u_offset;    // gaze (iris) or raise (brows), canvas pixels
uniform float u_canvas_h;
out vec2 v_uv;
out vec2 v_mask_uv;
void main() {
    vec2 p = u_rect.xy + a_pos * u_rect.zw;
    v_uv = a_pos;
    v_mask_uv = (p - u_mask_rect.xy) / u_mask_rect.zw;
    if (u_part == 0) {
        // breathing: the chest rises, most at the shoulders, nothing at the bottom edge
        float lift = clamp((u_canvas_h - p.y) / (u_canvas_h - u_pivot.y), 0.0, 1.0);
        p.y -= u_breath * 5.0 * lift;
        p.x = u_pivot.x + (p.x - u_pivot.x) * (1.0 + 0.004 * u_breath * lift);
    } else {
        p += u_offset;
        // the head as a sphere: points nearer the viewer (z) swing further when it turns
        vec2 d = (p - u_pivot) / u_radius;
        float z = sqrt(max(0.0, 1.0 - 0.55 * dot(d, d))) + u_depth;
        float yaw = u_turn.x, pitch = u_turn.y;
        float x = d.x * cos(yaw) + z * sin(yaw);
        float y = d.y * cos(pitch) + z * sin(pitch);
        p = u_pivot + vec2(x, y) * u_radius;
        p.y -= u_breath * 4.0;
    }
    gl_Position = vec4(p * u_view.xy + u_view.zw, 0.0, 1.0);
}
"""
_FS = """
in vec2 v_uv;
in vec2 v_mask_uv;
uniform sampler2D u_image;
uniform sampler2D u_mask;
uniform sampler2DArray u_mouth;
uniform vec4 u_shapes;    // mouth: shape a, weight a, shape b, weight b
uniform float u_blink;
out vec4 colour;
void main() {
#if defined(MOUTH)
    colour = texture(u_mouth, vec3(v_uv, u_shapes.x)) * u_shapes.y
           + texture(u_mouth, vec3(v_uv, u_shapes.z)) * u_shapes.w;
#else
    vec4 c = texture(u_image, v_uv);
#if defined(IRIS)
    c *= texture(u_mask, clamp(v_mask_uv, 0.0, 1.0)).a;
#elif defined(LIDS)
    // the lid comes down from the top, its edge curved like the eye
    float edge = u_blink * 1.08 - 0.22 * pow(2.0 * v_uv.x - 1.0, 2.0) * u_blink;
    if (v_uv.y > edge) discard;
    float lash = smoothstep(edge - 0.10, edge - 0.02, v_uv.y);
    c.rgb = mix(c.rgb, vec3(0.16, 0.10, 0.09) * c.a, lash * step(u_blink, 0.97));
#endif
    colour = c;
#endif
}
"""
_VARIANTS = {"mouth": "MOUTH", "iris": "IRIS", "lids": "LIDS"}
"""Parts with their own fragment shader; the rest share the plain one (no branches: a CPU
rasteriser runs every branch of a shader for every pixel)."""


@dataclass(frozen=True, slots=True)
class _Image:
    pixels: np.ndarray[Any, Any]
    rect: tuple[float, float, float, float]


def read_rgba(path: Any) -> np.ndarray[Any, Any]:
    """An image file as a (height, width, 4) premultiplied RGBA uint8 array."""
    image = QImage(str(path))
    if image.isNull():
        raise AvatarError(f"cannot read image {path}", hint="export it as PNG with alpha")
    image = image.convertToFormat(QImage.Format.Format_RGBA8888_Premultiplied)
    data = np.frombuffer(image.constBits(), dtype=np.uint8)
    stride = image.bytesPerLine()
    return (
        data.reshape(image.height(), stride)[:, : image.width() * 4]
        .reshape(image.height(), image.width(), 4)
        .copy()
    )


def _bounds(images: list[np.ndarray[Any, Any]], margin: int = 4) -> tuple[int, int, int, int]:
    alpha = np.zeros(images[0].shape[:2], dtype=bool)
    for image in images:
        alpha |= image[:, :, 3] > 0
    rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    if len(rows) == 0:
        return 0, 0, 1, 1
    height, width = alpha.shape
    top, bottom = max(0, rows[0] - margin), min(height, rows[-1] + 1 + margin)
    left, right = max(0, cols[0] - margin), min(width, cols[-1] + 1 + margin)
    return int(left), int(top), int(right - left), int(bottom - top)


def _crop(
    images: list[np.ndarray[Any, Any]],
) -> tuple[list[np.ndarray[Any, Any]], tuple[float, ...]]:
    x, y, w, h = _bounds(images)
    return [image[y : y + h, x : x + w] for image in images], (x, y, w, h)


class _Uniforms:
    """Sets uniforms of one program by name (PyOpenGL caches nothing, so neither do we)."""

    def __init__(self, linked: int) -> None:
        self._program = linked

    def _at(self, name: str) -> int:
        return int(GL.glGetUniformLocation(self._program, name))

    def set_float(self, name: str, value: float) -> None:
        GL.glUniform1f(self._at(name), value)

    def set_int(self, name: str, value: int) -> None:
        GL.glUniform1i(self._at(name), value)

    def set_vec2(self, name: str, x: float, y: float) -> None:
        GL.glUniform2f(self._at(name), x, y)

    def set_vec4(self, name: str, x: float, y: float, z: float, w: float) -> None:
        GL.glUniform4f(self._at(name), x, y, z, w)


class LayeredAvatar:
    """Draws a layered avatar; create it, then `initialize()` with a current GL context."""

    def __init__(self, spec: AvatarSpec) -> None:
        self.spec = spec
        self._images: dict[str, list[np.ndarray[Any, Any]]] = {}
        self._rects: dict[str, tuple[float, ...]] = {}
        for layer in spec.layers:
            if layer.part == "mouth":
                names = [*VISEMES, "smile"]
                images = [read_rgba(spec.mouth_image(layer, name)) for name in names]
            else:
                images = [read_rgba(layer.images[""])]
            if images[0].shape[:2] != (spec.canvas[1], spec.canvas[0]):
                raise AvatarError(
                    f"{spec.root / 'avatar.toml'}: layer {layer.name!r} is "
                    f"{images[0].shape[1]}x{images[0].shape[0]}, not the canvas "
                    f"{spec.canvas[0]}x{spec.canvas[1]}",
                    hint="export every layer at the canvas size",
                )
            self._images[layer.name], self._rects[layer.name] = _crop(images)
        self._textures: dict[str, int] = {}

    def initialize(self) -> None:
        """Create the GL objects (a current 3.3 context is needed)."""
        self._programs = {
            variant: program(_VS, f"#version 330 core\n#define {variant}\n{_FS}")
            for variant in ("PLAIN", *_VARIANTS.values())
        }
        self._backdrop = Backdrop()
        self._grids: dict[str, Grid] = {}
        for name, images in self._images.items():
            layer = self._layer(name)
            if layer.part == "mouth":
                self._textures[name] = texture_array(images)
                self._grids[name] = Grid(8)
            else:
                self._textures[name] = texture_2d(images[0])
                self._grids[name] = Grid(16, images[0][:, :, 3])

    def _layer(self, name: str) -> Layer:
        return next(layer for layer in self.spec.layers if layer.name == name)

    def render(self, pose: Pose, width: int, height: int) -> None:
        """Draw one frame into the bound framebuffer."""
        GL.glViewport(0, 0, width, height)
        self._backdrop.draw(width, height)
        GL.glEnable(GL.GL_BLEND)
        GL.glBlendFunc(GL.GL_ONE, GL.GL_ONE_MINUS_SRC_ALPHA)  # images are premultiplied
        canvas_w, canvas_h = self.spec.canvas
        scale = min(width / canvas_w, height / canvas_h)
        left, top = (width - canvas_w * scale) / 2.0, height - canvas_h * scale
        view = (2 * scale / width, -2 * scale / height, 2 * left / width - 1, 1 - 2 * top / height)
        shapes = self._shapes(pose)
        for linked in self._programs.values():
            GL.glUseProgram(linked)
            loc = _Uniforms(linked)
            loc.set_vec4("u_view", *view)
            loc.set_vec2("u_pivot", *self.spec.pivot)
            loc.set_float("u_radius", self.spec.radius)
            loc.set_vec2("u_turn", pose.yaw, pose.pitch)
            loc.set_float("u_breath", pose.breath)
            loc.set_float("u_canvas_h", float(canvas_h))
            loc.set_float("u_blink", pose.blink)
            loc.set_int("u_image", 0)
            loc.set_int("u_mask", 1)
            loc.set_int("u_mouth", 2)
            loc.set_vec4("u_shapes", *shapes)
        for layer in self.spec.layers:
            if layer.part == "lids" and pose.blink < 0.02:
                continue
            self._draw_layer(layer, pose)
        GL.glBindVertexArray(0)

    def _draw_layer(self, layer: Layer, pose: Pose) -> None:
        linked = self._programs[_VARIANTS.get(layer.part, "PLAIN")]
        GL.glUseProgram(linked)
        loc = _Uniforms(linked)
        loc.set_vec4("u_rect", *self._rects[layer.name])
        loc.set_int("u_part", PARTS.index(layer.part))
        loc.set_float("u_depth", layer.depth)
        offset = (0.0, 0.0)
        if layer.part == "iris":
            offset = (pose.gaze_x * self.spec.gaze_range[0], pose.gaze_y * self.spec.gaze_range[1])
            loc.set_vec4("u_mask_rect", *self._rects[layer.mask or layer.name])
            GL.glActiveTexture(GL.GL_TEXTURE1)
            GL.glBindTexture(GL.GL_TEXTURE_2D, self._textures[layer.mask or layer.name])
        elif layer.part == "brows":
            offset = (0.0, -7.0 * pose.smile)
        loc.set_vec2("u_offset", *offset)
        if layer.part == "mouth":
            GL.glActiveTexture(GL.GL_TEXTURE2)
            GL.glBindTexture(GL.GL_TEXTURE_2D_ARRAY, self._textures[layer.name])
        else:
            GL.glActiveTexture(GL.GL_TEXTURE0)
            GL.glBindTexture(GL.GL_TEXTURE_2D, self._textures[layer.name])
        self._grids[layer.name].draw()

    @staticmethod
    def _shapes(pose: Pose) -> tuple[float, float, float, float]:
        """The two heaviest mouth shapes as array-texture layers with weights summing to 1."""
        ranked: list[tuple[str, float]] = list(pose.visemes[:2])
        if ranked and ranked[0][0] == "sil" and pose.smile > 0.0:
            # a resting mouth smiles: blend the closed mouth toward the smile shape
            sil = ranked[0][1]
            ranked = [("sil", sil * (1 - pose.smile)), ("smile", sil * pose.smile), *ranked[1:]]
            ranked.sort(key=lambda item: -item[1])
            ranked = ranked[:2]
        if len(ranked) == 1:
            ranked.append(ranked[0])
        total = ranked[0][1] + ranked[1][1] or 1.0
        names = [*VISEMES, "smile"]
        return (
            float(names.index(ranked[0][0])),
            ranked[0][1] / total,
            float(names.index(ranked[1][0])),
            ranked[1][1] / total,
        )
