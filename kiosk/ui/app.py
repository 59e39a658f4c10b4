"""Putting the screen together: Qt application, CJK font, avatar, core bridge and window."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from kiosk.errors import DisplayError
from kiosk.events import Core
from kiosk.knowledge.pack import Pack
from kiosk.ui.avatar.animation import Animator
from kiosk.ui.avatar.offscreen import make_renderer
from kiosk.ui.avatar.spec import load_avatar
from kiosk.ui.avatar.widget import AvatarWidget
from kiosk.ui.bridge import CoreBridge, TouchWatcher
from kiosk.ui.headless import use_gl_33
from kiosk.ui.theme import FONT_FAMILY
from kiosk.ui.window import KioskWindow


class ManualClock:
    """Monotonic time that a screenshot can freeze at one instant."""

    def __init__(self) -> None:
        self.frozen: float | None = None

    def __call__(self) -> float:
        return self.frozen if self.frozen is not None else time.monotonic()


def application() -> QApplication:
    """The QApplication, created once with GL 3.3 contexts and the CJK font."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    use_gl_33()
    app = QApplication(sys.argv[:1])
    if FONT_FAMILY not in QFontDatabase.families():
        raise DisplayError(
            f"the font {FONT_FAMILY!r} is not installed: Chinese would show as boxes",
            hint="apt-get install fonts-noto-cjk (setup.sh does)",
        )
    app.setFont(QFont(FONT_FAMILY))
    return app


@dataclass
class Screen:
    """The running screen's parts (kept so tests and commands can reach them)."""

    window: KioskWindow
    avatar: AvatarWidget
    bridge: CoreBridge
    touches: TouchWatcher


def build_screen(
    pack: Pack,
    core: Core,
    avatar_name: str,
    clock: Callable[[], float] = time.monotonic,
    fps: int = 60,
) -> Screen:
    """The kiosk window for `pack`, talking to `core`, drawing the avatar `avatar_name`."""
    application()
    bridge = CoreBridge(core)
    renderer = make_renderer(load_avatar(avatar_name))
    avatar = AvatarWidget(renderer, Animator(), clock=clock, fps=max(1, min(fps, 120)))
    window = KioskWindow(pack, bridge, avatar, clock=clock)
    touches = TouchWatcher(bridge, clock)
    touches.install()
    return Screen(window, avatar, bridge, touches)
