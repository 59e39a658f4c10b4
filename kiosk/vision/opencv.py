"""Importing OpenCV without letting it redirect Qt (its wheel points Qt at its own plugins)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

_QT_VARIABLES = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR")
"""Set by opencv-contrib-python's `cv2/config-3.py` on import; PySide6 would then load the
wrong platform plugins. mediapipe depends on that wheel, so it is the OpenCV we have."""


@contextmanager
def keep_qt_environment() -> Iterator[None]:
    """Undo, on the way out, whatever the body did to the Qt plugin variables."""
    saved = {name: os.environ.get(name) for name in _QT_VARIABLES}
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def load_cv2() -> ModuleType:
    """The `cv2` module, imported with the Qt environment left as it was."""
    with keep_qt_environment():
        import cv2
    return cv2
