"""Errors a person can act on: each has a stable code and says what to do."""

from __future__ import annotations


class KioskError(Exception):
    """Base of every error the kiosk reports to a person instead of a traceback."""

    code = "kiosk"

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  fix: {self.hint}" if self.hint else self.message


class ConfigError(KioskError):
    """The TOML config file is unreadable or holds a wrong key or value."""

    code = "config"


class PackError(KioskError):
    """A knowledge pack file is malformed; the message names file and line."""

    code = "pack"


class ModelError(KioskError):
    """A model file is missing, corrupt or cannot be loaded."""

    code = "model"


class CameraError(KioskError):
    """The camera (or the video file / image folder standing in for it) gives no frames."""

    code = "camera"


class KnowledgeIndexError(KioskError):
    """The knowledge index cannot be built or opened."""

    code = "index"


class LLMError(KioskError):
    """The language model backend failed (load, server unreachable, bad reply)."""

    code = "llm"


class QueueError(KioskError):
    """A queue request cannot be served (unknown service, unreadable queue database)."""

    code = "queue"


class DeviceError(KioskError):
    """A serial device cannot be opened or does not answer (printer, queue display)."""

    code = "device"


class AvatarError(KioskError):
    """An avatar folder is malformed (avatar.toml, a missing image or model)."""

    code = "avatar"


class DisplayError(KioskError):
    """No screen to draw on: no display, no Xvfb, or OpenGL 3.3 is not available."""

    code = "display"


class AudioError(KioskError):
    """An audio file or device cannot be read, opened or played."""

    code = "audio"


class WakeWordError(KioskError):
    """A wake phrase the recogniser cannot spot (a word outside its vocabulary)."""

    code = "wake"
