"""Print the OpenGL renderer as JSON, from a headless EGL context (run by `kiosk doctor`).

Run in its own process (`python -m kiosk.doctor.glprobe`), so a broken GL driver that crashes
takes down only this probe, never the doctor.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys


def probe() -> dict[str, str]:
    """Vendor, renderer and version strings of the default EGL display's OpenGL."""
    os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("EGL_PLATFORM", "surfaceless")  # no screen: Mesa's headless path
    from OpenGL import EGL, GL

    display = EGL.eglGetDisplay(EGL.EGL_DEFAULT_DISPLAY)
    major, minor = EGL.EGLint(), EGL.EGLint()
    if not EGL.eglInitialize(display, ctypes.pointer(major), ctypes.pointer(minor)):
        raise RuntimeError("eglInitialize failed")
    wanted = (EGL.EGLint * 5)(EGL.EGL_RENDERABLE_TYPE, EGL.EGL_OPENGL_BIT,
                              EGL.EGL_SURFACE_TYPE, EGL.EGL_PBUFFER_BIT, EGL.EGL_NONE)
    config, count = EGL.EGLConfig(), EGL.EGLint()
    EGL.eglChooseConfig(display, wanted, ctypes.pointer(config), 1, ctypes.pointer(count))
    if count.value < 1:
        raise RuntimeError("no EGL config can render OpenGL")
    EGL.eglBindAPI(EGL.EGL_OPENGL_API)
    context = EGL.eglCreateContext(display, config, EGL.EGL_NO_CONTEXT, None)
    if not EGL.eglMakeCurrent(display, EGL.EGL_NO_SURFACE, EGL.EGL_NO_SURFACE, context):
        raise RuntimeError("eglMakeCurrent failed (no surfaceless context support)")
    strings = {name: GL.glGetString(key).decode("utf-8", "replace") for name, key in (
        ("vendor", GL.GL_VENDOR), ("renderer", GL.GL_RENDERER), ("version", GL.GL_VERSION))}
    EGL.eglTerminate(display)
    return strings


if __name__ == "__main__":
    try:
        print(json.dumps(probe()))
    except Exception as exc:  # reported by the doctor as the reason
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
        sys.exit(1)
