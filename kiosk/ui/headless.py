"""A screen for machines without one: start Xvfb (Mesa llvmpipe renders OpenGL) when needed."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtGui import QGuiApplication, QSurfaceFormat

from kiosk.errors import DisplayError

XVFB_START_S = 10.0


def use_gl_33() -> None:
    """Ask Qt for OpenGL 3.3 core contexts; must run before the QApplication exists."""
    surface = QSurfaceFormat()
    surface.setVersion(3, 3)
    surface.setProfile(QSurfaceFormat.OpenGLContextProfile.CoreProfile)
    surface.setDepthBufferSize(24)
    QSurfaceFormat.setDefaultFormat(surface)


@contextmanager
def virtual_display(width: int = 1080, height: int = 1920) -> Iterator[str]:
    """A private Xvfb screen for the duration of the block; sets and restores DISPLAY."""
    if shutil.which("Xvfb") is None:
        raise DisplayError(
            "no DISPLAY is set and Xvfb is not installed",
            hint="apt-get install xvfb xauth (setup.sh does), or run on a desktop",
        )
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write_end),
            "-screen",
            "0",
            f"{width}x{height}x24",
            "-nolisten",
            "tcp",
            "+extension",
            "GLX",
            "-terminate",  # the server ends when its last client (this process) disconnects
        ],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        number = _read_display_number(read_end, process)
        previous = os.environ.get("DISPLAY")
        os.environ["DISPLAY"] = f":{number}"
        try:
            yield os.environ["DISPLAY"]
        finally:
            if previous is None:
                os.environ.pop("DISPLAY", None)
            else:
                os.environ["DISPLAY"] = previous
    finally:
        os.close(read_end)
        if QGuiApplication.instance() is None:
            _stop(process)
        # else Qt still holds its X connection: killing the server now would make Xlib end the
        # process with an I/O error, so the server goes by itself when the process exits


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _read_display_number(fd: int, process: subprocess.Popen[bytes]) -> int:
    import select

    ready, _, _ = select.select([fd], [], [], XVFB_START_S)
    text = os.read(fd, 32).decode().strip() if ready else ""
    if not text.isdigit():
        process.kill()
        raise DisplayError(
            f"Xvfb did not start within {XVFB_START_S:.0f} s (exit code {process.poll()})",
            hint="check that Xvfb runs: Xvfb -displayfd 1",
        )
    return int(text)


@contextmanager
def display_for_gl(width: int = 1080, height: int = 1920) -> Iterator[None]:
    """Use the session's DISPLAY if there is one, else a private Xvfb."""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        yield
        return
    with virtual_display(width, height):
        yield
