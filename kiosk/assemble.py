"""Wiring: config → pack → index → retriever → answer engine (with a model when generative)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.answer.engine import AnswerEngine
from kiosk.config import KioskConfig
from kiosk.knowledge.embed import Embedder, make_embedder
from kiosk.knowledge.index import Progress, open_index
from kiosk.knowledge.loader import load_pack
from kiosk.knowledge.pack import Pack
from kiosk.knowledge.retrieve import Retriever
from kiosk.knowledge.text import Tokenizer


@dataclass(frozen=True, slots=True)
class Knowledge:
    """A loaded pack with its ready index."""

    pack: Pack
    retriever: Retriever
    data_dir: Path


def open_knowledge(
    config: KioskConfig,
    pack: str | None = None,
    data_dir: str | None = None,
    progress: Progress | None = None,
    *,
    rebuild: bool = False,
    embedder: Embedder | None = None,
) -> Knowledge:
    """Load the pack and open its index, building it when missing or stale."""
    loaded = load_pack(config.pack_path(pack))
    folder = config.data_path(data_dir)
    index = open_index(
        loaded,
        folder,
        embedder or make_embedder(config.retrieval.embedder),
        Tokenizer(),
        progress,
        rebuild=rebuild,
        chroma_url=config.retrieval.chroma_url,
    )
    return Knowledge(loaded, Retriever(index, config.retrieval), folder)


def build_engine(config: KioskConfig, knowledge: Knowledge) -> AnswerEngine:
    """The answer engine for the configured mode; generative mode loads the model now."""
    generator = None
    if config.answer.mode == "generative":
        from kiosk.answer.generative import GenerativeAnswerer
        from kiosk.answer.llm import make_backend

        generator = GenerativeAnswerer(knowledge.pack, make_backend(config.llm), config.answer)
        generator.start()
    return AnswerEngine(
        knowledge.pack, knowledge.retriever, config.answer, config.retrieval, generator
    )
