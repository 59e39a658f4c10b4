"""Carries the core's events onto the Qt GUI thread, and the screen's events to the core."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QInputEvent
from PySide6.QtWidgets import QApplication

from kiosk.events import Core, InputEvent, Touched
from kiosk.ui.model import ScreenEvent


class CoreBridge(QObject):
    """The only way the screen reaches the core: `post()` in, the `received` signal out.

    The core calls `_deliver` from its own thread; emitting a signal whose receivers live on
    the GUI thread queues the call there, so widgets are only ever touched by the GUI thread.
    """

    received = Signal(object)
    """A `ScreenEvent`."""

    def __init__(self, core: Core, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._core = core
        core.subscribe(self._deliver)

    def post(self, event: InputEvent) -> None:
        """Hand a touch or button to the core (it is thread-safe)."""
        self._core.post(event)

    def _deliver(self, event: ScreenEvent) -> None:
        self.received.emit(event)


_PRESSES = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin)


class TouchWatcher(QObject):
    """Every press anywhere is a `Touched` for the core (it wakes the kiosk, stops speech)."""

    def __init__(self, bridge: CoreBridge, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._bridge, self._clock = bridge, clock
        self._last = -1

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # One press is seen several times (by the QWindow, the widget under it, its parents);
        # they all carry the press's timestamp, so only the first one becomes a Touched.
        pressed = event.type() in _PRESSES and isinstance(event, QInputEvent)
        if pressed and event.timestamp() != self._last:  # type: ignore[attr-defined]
            self._last = event.timestamp()  # type: ignore[attr-defined]
            self._bridge.post(Touched(self._clock()))
        return False

    def install(self) -> None:
        """Watch the whole application."""
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
