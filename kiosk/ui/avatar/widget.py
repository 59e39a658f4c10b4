"""The avatar on screen: a QOpenGLWidget that draws the animator's pose every frame."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtOpenGLWidgets import QOpenGLWidget
from PySide6.QtWidgets import QWidget

from kiosk.ui.avatar.animation import Animator
from kiosk.ui.avatar.offscreen import AvatarRenderer


class AvatarWidget(QOpenGLWidget):
    """Draws one avatar; the GUI thread feeds its `animator` from the core's events."""

    def __init__(
        self,
        renderer: AvatarRenderer,
        animator: Animator,
        clock: Callable[[], float] = time.monotonic,
        fps: int = 60,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.renderer = renderer
        self.animator = animator
        self._clock = clock
        self._frames = 0
        self._timer = QTimer(self)
        self._timer.setInterval(max(1, 1000 // fps))
        self._timer.timeout.connect(self.update)

    @property
    def frames(self) -> int:
        """Frames drawn so far."""
        return self._frames

    def start(self) -> None:
        """Animate (redraw at the frame rate)."""
        self._timer.start()

    def stop(self) -> None:
        """Freeze on the last frame (screenshots, tests)."""
        self._timer.stop()

    def initializeGL(self) -> None:
        self.renderer.initialize()

    def paintGL(self) -> None:
        ratio = self.devicePixelRatio()
        pose = self.animator.pose(self._clock())
        self.renderer.render(pose, int(self.width() * ratio), int(self.height() * ratio))
        self._frames += 1
