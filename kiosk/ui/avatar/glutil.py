"""Small OpenGL helpers shared by the renderers: shaders, textures, a quad grid, the backdrop."""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np
from OpenGL import GL

from kiosk.errors import DisplayError


def program(vertex: str, fragment: str) -> int:
    """Compile and link a GLSL 3.3 core program; a compile error names the stage and line."""
    shaders = []
    for kind, source in ((GL.GL_VERTEX_SHADER, vertex), (GL.GL_FRAGMENT_SHADER, fragment)):
        shader = GL.glCreateShader(kind)
        GL.glShaderSource(shader, source)
        GL.glCompileShader(shader)
        if not GL.glGetShaderiv(shader, GL.GL_COMPILE_STATUS):
            log = GL.glGetShaderInfoLog(shader).decode(errors="replace")
            raise DisplayError(f"shader does not compile: {log}", hint="this is a bug; report it")
        shaders.append(shader)
    linked = GL.glCreateProgram()
    for shader in shaders:
        GL.glAttachShader(linked, shader)
    GL.glLinkProgram(linked)
    if not GL.glGetProgramiv(linked, GL.GL_LINK_STATUS):
        log = GL.glGetProgramInfoLog(linked).decode(errors="replace")
        raise DisplayError(f"shader does not link: {log}", hint="this is a bug; report it")
    for shader in shaders:
        GL.glDeleteShader(shader)
    return int(linked)


def texture_2d(rgba: np.ndarray[Any, Any]) -> int:
    """Upload a (height, width, 4) uint8 premultiplied image; linear filtering, clamped."""
    texture = GL.glGenTextures(1)
    GL.glBindTexture(GL.GL_TEXTURE_2D, texture)
    GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 1)
    height, width = rgba.shape[:2]
    GL.glTexImage2D(
        GL.GL_TEXTURE_2D,
        0,
        GL.GL_RGBA8,
        width,
        height,
        0,
        GL.GL_RGBA,
        GL.GL_UNSIGNED_BYTE,
        np.ascontiguousarray(rgba),
    )
    _filters(GL.GL_TEXTURE_2D)
    return int(texture)


def texture_array(images: list[np.ndarray[Any, Any]]) -> int:
    """Upload equally sized RGBA images as the layers of one 2D array texture."""
    texture = GL.glGenTextures(1)
    GL.glBindTexture(GL.GL_TEXTURE_2D_ARRAY, texture)
    GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 1)
    height, width = images[0].shape[:2]
    stack = np.ascontiguousarray(np.stack(images))
    GL.glTexImage3D(
        GL.GL_TEXTURE_2D_ARRAY,
        0,
        GL.GL_RGBA8,
        width,
        height,
        len(images),
        0,
        GL.GL_RGBA,
        GL.GL_UNSIGNED_BYTE,
        stack,
    )
    _filters(GL.GL_TEXTURE_2D_ARRAY)
    return int(texture)


def _filters(target: int) -> None:
    GL.glTexParameteri(target, GL.GL_TEXTURE_MIN_FILTER, GL.GL_LINEAR)
    GL.glTexParameteri(target, GL.GL_TEXTURE_MAG_FILTER, GL.GL_LINEAR)
    GL.glTexParameteri(target, GL.GL_TEXTURE_WRAP_S, GL.GL_CLAMP_TO_EDGE)
    GL.glTexParameteri(target, GL.GL_TEXTURE_WRAP_T, GL.GL_CLAMP_TO_EDGE)


class Grid:
    """A unit square cut into n×n cells (0..1 in x and y), so vertex shaders can bend it.

    `alpha` (an image's alpha channel) drops the cells where the image is fully transparent:
    on a CPU renderer every fragment counts.
    """

    def __init__(self, cells: int, alpha: np.ndarray[Any, Any] | None = None) -> None:
        ticks = np.linspace(0.0, 1.0, cells + 1, dtype=np.float32)
        xs, ys = np.meshgrid(ticks, ticks)
        vertices = np.stack([xs.ravel(), ys.ravel()], axis=1).astype(np.float32)
        indices = []
        for row in range(cells):
            for col in range(cells):
                if alpha is not None and not _cell_visible(alpha, cells, row, col):
                    continue
                a = row * (cells + 1) + col
                b, c, d = a + 1, a + cells + 1, a + cells + 2
                indices += [a, b, d, a, d, c]
        self.count = len(indices)
        self.vao = GL.glGenVertexArrays(1)
        GL.glBindVertexArray(self.vao)
        self._vbo, self._ibo = GL.glGenBuffers(2)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self._vbo)
        GL.glBufferData(GL.GL_ARRAY_BUFFER, vertices.nbytes, vertices, GL.GL_STATIC_DRAW)
        GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, self._ibo)
        index_data = np.array(indices, dtype=np.uint32)
        GL.glBufferData(
            GL.GL_ELEMENT_ARRAY_BUFFER, index_data.nbytes, index_data, GL.GL_STATIC_DRAW
        )
        GL.glEnableVertexAttribArray(0)
        GL.glVertexAttribPointer(0, 2, GL.GL_FLOAT, GL.GL_FALSE, 8, ctypes.c_void_p(0))
        GL.glBindVertexArray(0)

    def draw(self) -> None:
        """Draw the grid with whatever program is bound."""
        GL.glBindVertexArray(self.vao)
        GL.glDrawElements(GL.GL_TRIANGLES, self.count, GL.GL_UNSIGNED_INT, ctypes.c_void_p(0))


def _cell_visible(alpha: np.ndarray[Any, Any], cells: int, row: int, col: int) -> bool:
    height, width = alpha.shape
    top, bottom = row * height // cells, -(-(row + 1) * height // cells)
    left, right = col * width // cells, -(-(col + 1) * width // cells)
    return bool(alpha[top:bottom, left:right].any())


_BACKDROP_VS = """#version 330 core
layout(location = 0) in vec2 a_pos;
out vec2 v_uv;
void main() { v_uv = a_pos; gl_Position = vec4(a_pos * 2.0 - 1.0, 0.0, 1.0); }
"""
_BACKDROP_FS = """#version 330 core
in vec2 v_uv;
uniform vec3 u_top;
uniform vec3 u_bottom;
uniform vec3 u_glow;
uniform vec2 u_aspect;
out vec4 colour;
void main() {
    vec3 c = mix(u_bottom, u_top, smoothstep(0.0, 1.0, v_uv.y));
    vec2 d = (v_uv - vec2(0.5, 0.55)) * u_aspect;
    c += u_glow * exp(-dot(d, d) * 3.5);
    // soft rings, like light on a wall behind the desk
    float ring = 0.5 + 0.5 * cos(length(d) * 26.0);
    c += 0.012 * ring * (1.0 - smoothstep(0.2, 0.9, length(d)));
    colour = vec4(c, 1.0);
}
"""


class Backdrop:
    """The soft gradient behind the avatar, in the kiosk's colours.

    It is drawn once per size into a framebuffer of its own and copied (blitted) into every
    frame: on a CPU rasteriser the full-screen gradient was half the pixels shaded per frame.
    """

    def __init__(self) -> None:
        self._program = program(_BACKDROP_VS, _BACKDROP_FS)
        self._grid = Grid(1)
        self._size = (0, 0)
        self._fbo = 0
        self._texture = 0

    def draw(self, width: int, height: int) -> None:
        """Fill the viewport of the bound framebuffer."""
        target = int(GL.glGetIntegerv(GL.GL_DRAW_FRAMEBUFFER_BINDING))
        if self._size != (width, height):
            self._paint(width, height, target)
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, self._fbo)
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, target)
        GL.glBlitFramebuffer(
            0, 0, width, height, 0, 0, width, height, GL.GL_COLOR_BUFFER_BIT, GL.GL_NEAREST
        )
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, target)

    def _paint(self, width: int, height: int, target: int) -> None:
        if self._fbo:
            GL.glDeleteFramebuffers(1, [self._fbo])
            GL.glDeleteTextures(1, [self._texture])
        self._texture = int(GL.glGenTextures(1))
        GL.glBindTexture(GL.GL_TEXTURE_2D, self._texture)
        GL.glTexImage2D(
            GL.GL_TEXTURE_2D,
            0,
            GL.GL_RGBA8,
            width,
            height,
            0,
            GL.GL_RGBA,
            GL.GL_UNSIGNED_BYTE,
            None,
        )
        self._fbo = int(GL.glGenFramebuffers(1))
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self._fbo)
        GL.glFramebufferTexture2D(
            GL.GL_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, GL.GL_TEXTURE_2D, self._texture, 0
        )
        GL.glViewport(0, 0, width, height)
        GL.glDisable(GL.GL_BLEND)
        GL.glDisable(GL.GL_DEPTH_TEST)
        GL.glUseProgram(self._program)
        GL.glUniform3f(GL.glGetUniformLocation(self._program, "u_top"), 0.86, 0.91, 0.96)
        GL.glUniform3f(GL.glGetUniformLocation(self._program, "u_bottom"), 0.64, 0.75, 0.86)
        GL.glUniform3f(GL.glGetUniformLocation(self._program, "u_glow"), 0.14, 0.12, 0.08)
        aspect = width / max(1, height)
        GL.glUniform2f(
            GL.glGetUniformLocation(self._program, "u_aspect"),
            max(1.0, aspect),
            max(1.0, 1.0 / aspect),
        )
        self._grid.draw()
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, target)
        self._size = (width, height)
