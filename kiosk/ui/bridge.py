"""Carries the core's events onto the Qt GUI thread, and the screen's events to the core."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from kiosk.events import Core, InputEvent
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
