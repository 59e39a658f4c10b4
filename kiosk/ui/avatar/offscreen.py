"""Rendering an avatar without a window: an offscreen GL context and framebuffer (bench, tests)."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from OpenGL import GL
from PySide6.QtGui import QImage, QOffscreenSurface, QOpenGLContext, QSurfaceFormat
from PySide6.QtOpenGL import QOpenGLFramebufferObject, QOpenGLFramebufferObjectFormat

from kiosk.errors import DisplayError
from kiosk.ui.avatar.animation import Pose
from kiosk.ui.avatar.spec import AvatarSpec


class AvatarRenderer(Protocol):
    """What the widget, the bench and the tests need from a renderer."""

    def initialize(self) -> None:
        """Create GL objects in the current context."""

    def render(self, pose: Pose, width: int, height: int) -> None:
        """Draw one frame into the bound framebuffer."""


def make_renderer(spec: AvatarSpec) -> AvatarRenderer:
    """The renderer for the avatar's kind (its images or mesh are read now, GL comes later)."""
    if spec.kind == "mesh":
        from kiosk.ui.avatar.mesh import MeshAvatar

        return MeshAvatar(spec)
    from kiosk.ui.avatar.layered import LayeredAvatar

    return LayeredAvatar(spec)


class OffscreenTarget:
    """A current GL 3.3 context with a multisampled framebuffer of a fixed size."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        surface_format = QSurfaceFormat.defaultFormat()
        self._context = QOpenGLContext()
        self._context.setFormat(surface_format)
        if not self._context.create():
            raise DisplayError(
                "cannot create an OpenGL context",
                hint="run under X (or let kiosk start Xvfb) with Mesa installed",
            )
        self._surface = QOffscreenSurface()
        self._surface.setFormat(self._context.format())
        self._surface.create()
        if not self._context.makeCurrent(self._surface):
            raise DisplayError("cannot make the OpenGL context current", hint="check Mesa")
        version = self._context.format().version()
        if version < (3, 3):
            raise DisplayError(f"OpenGL {version} is too old", hint="OpenGL 3.3 is needed")
        fbo_format = QOpenGLFramebufferObjectFormat()
        fbo_format.setAttachment(QOpenGLFramebufferObject.Attachment.Depth)
        self._fbo = QOpenGLFramebufferObject(width, height, fbo_format)

    def draw(self, renderer: AvatarRenderer, pose: Pose) -> None:
        """Render one frame and wait until the GL has finished it."""
        self._fbo.bind()
        renderer.render(pose, self.width, self.height)
        GL.glFinish()

    def image(self) -> QImage:
        """The last frame as an image."""
        return self._fbo.toImage()

    def pixels(self) -> np.ndarray[Any, Any]:
        """The last frame as a (height, width, 3) uint8 RGB array, top row first."""
        image = self.image().convertToFormat(QImage.Format.Format_RGB888)
        data = np.frombuffer(image.constBits(), dtype=np.uint8)
        rows = data.reshape(image.height(), image.bytesPerLine())
        return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()

    def close(self) -> None:
        """Release the framebuffer and the context."""
        self._fbo.release()
        self._context.doneCurrent()
