"""The pack's search index: a chromadb collection on disk plus an in-memory BM25.

The collection lives in `<data_dir>/index/<pack id>/`, next to a manifest holding the pack's
content hash and the embedder's id; when either changes the collection is rebuilt. Building
is guarded by a file lock, so two processes starting together build it once.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml

from kiosk.errors import KnowledgeIndexError
from kiosk.knowledge.classifier import EntryClassifier
from kiosk.knowledge.docs import doc_sentences
from kiosk.knowledge.embed import Embedder, KioskEmbeddingFunction, Vectors
from kiosk.knowledge.pack import Pack
from kiosk.knowledge.store import open_store
from kiosk.knowledge.text import Tokenizer
from kiosk.lang import Lang

INDEX_FORMAT = 6
"""Bump when what is indexed changes, so old indexes rebuild themselves."""
CLASSIFIER_C = 100.0
"""Inverse regularisation of the entry classifier (measured in bench/tune_gate.py)."""
OUT_OF_SCOPE = "__out_of_scope__"
"""The classifier's class for questions no pack answers (weather, jokes, stock tips…)."""
OUT_OF_SCOPE_FILE = Path(__file__).with_name("out_of_scope.yaml")
COLLECTION = "knowledge"
BATCH = 64

Progress = Callable[[int, int], None]
"""Called with (done, total) while the index is being built."""

ItemKind = Literal["question", "answer", "doc"]


@dataclass(frozen=True, slots=True)
class IndexedText:
    """One text in the index and the source it stands for."""

    item_id: str
    source: str
    """FAQ entry id or doc chunk id."""
    kind: ItemKind
    lang: Lang
    text: str


def indexed_texts(pack: Pack) -> list[IndexedText]:
    """Every phrasing of every entry in both languages, the answers, and the doc chunks."""
    items: list[IndexedText] = []
    for entry in pack.entries:
        for lang in pack.languages:
            for number, question in enumerate(entry.questions.get(lang)):
                items.append(
                    IndexedText(
                        f"{entry.id}/q/{lang}/{number}", entry.id, "question", lang, question
                    )
                )
            answer = getattr(entry.answer, lang)
            if answer:
                items.append(IndexedText(f"{entry.id}/a/{lang}", entry.id, "answer", lang, answer))
    for chunk in pack.docs:
        # A section is one text but many facts: its sentences are indexed too, so the
        # classifier has more than one example of it and a question about one fact matches.
        texts = [f"{chunk.heading}\n{chunk.text}", chunk.heading, *doc_sentences(chunk.text)]
        for number, text in enumerate(dict.fromkeys(texts)):
            items.append(IndexedText(f"{chunk.id}/d/{number}", chunk.id, "doc", chunk.lang, text))
    return items


@dataclass(frozen=True, slots=True)
class Manifest:
    """What an index on disk was built from."""

    pack_id: str
    content_hash: str
    model_id: str
    format: int
    count: int

    @staticmethod
    def read(path: Path) -> Manifest | None:
        try:
            return Manifest(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def write(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self)), encoding="utf-8")
        tmp.replace(path)


class KnowledgeIndex:
    """A ready index: the chromadb collection and the BM25 corpus of one pack."""

    def __init__(
        self,
        pack: Pack,
        collection: Any,
        items: list[IndexedText],
        embedder: Embedder,
        tokenizer: Tokenizer,
        classifier: EntryClassifier,
    ) -> None:
        self.pack = pack
        self.collection = collection
        self.items = items
        self.embedder = embedder
        self.tokenizer = tokenizer
        self.classifier = classifier


def index_folder(data_dir: Path, pack: Pack) -> Path:
    """Where the index of `pack` lives."""
    return Path(data_dir) / "index" / pack.id


def is_fresh(data_dir: Path, pack: Pack, embedder: Embedder) -> bool:
    """True when the index on disk was built from this exact pack content and model."""
    manifest = Manifest.read(index_folder(data_dir, pack) / "manifest.json")
    return manifest == _manifest_for(pack, embedder, manifest.count if manifest else -1)


def _manifest_for(pack: Pack, embedder: Embedder, count: int) -> Manifest:
    digest = hashlib.sha256(pack.content_hash.encode() + OUT_OF_SCOPE_FILE.read_bytes())
    return Manifest(pack.id, digest.hexdigest(), embedder.model_id, INDEX_FORMAT, count)


def out_of_scope_questions() -> list[str]:
    """The built-in questions no institution answers, in both languages."""
    data = yaml.safe_load(OUT_OF_SCOPE_FILE.read_text(encoding="utf-8"))
    return [str(text) for lang in ("zh", "en") for text in data.get(lang, [])]


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder.parent / f"{folder.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def open_index(
    pack: Pack,
    data_dir: Path,
    embedder: Embedder,
    tokenizer: Tokenizer,
    progress: Progress | None = None,
    *,
    rebuild: bool = False,
    chroma_url: str = "",
) -> KnowledgeIndex:
    """Open the pack's index, building or rebuilding it first when missing or stale; the
    collection is on a shared Chroma server when `chroma_url` is set (kiosk/knowledge/store.py)."""
    folder = index_folder(data_dir, pack)
    items = indexed_texts(pack)
    try:
        with _locked(folder):
            classifier = None if rebuild else EntryClassifier.load(folder / "classifier.npz")
            stale = classifier is None or not is_fresh(data_dir, pack, embedder)
            version = str(_manifest_for(pack, embedder, len(items)))
            store = open_store(chroma_url, folder, pack.id, version)
            collection, stale = store.open(KioskEmbeddingFunction(embedder), stale)
            if stale or classifier is None:  # (None only when stale; for mypy)
                (folder / "manifest.json").unlink(missing_ok=True)
                classifier = _build(collection, items, embedder, progress)
                collection = store.publish(collection)
                classifier.save(folder / "classifier.npz")
                _manifest_for(pack, embedder, len(items)).write(folder / "manifest.json")
    except OSError as exc:
        raise KnowledgeIndexError(
            f"cannot write the knowledge index in {folder}: {exc.strerror}",
            hint="choose a writable --data-dir, or free disk space",
        ) from exc
    logging.getLogger(__name__).debug("index %s ready: %d texts", folder, len(items))
    return KnowledgeIndex(pack, collection, items, embedder, tokenizer, classifier)


def _build(
    collection: Any, items: list[IndexedText], embedder: Embedder, progress: Progress | None
) -> EntryClassifier:
    """Embed every text, train the classifier, and store the centred vectors in chromadb."""
    total = len(items)
    parts: list[Vectors] = []
    for start in range(0, total, BATCH):
        parts.append(embedder.embed([item.text for item in items[start : start + BATCH]],
                                    query=False))
        if progress:
            progress(min(start + BATCH, total), total)
    vectors = np.vstack(parts) if parts else np.zeros((0, 384), dtype=np.float32)
    negatives = embedder.embed(out_of_scope_questions(), query=True)
    classifier = EntryClassifier.train(
        [item.source for item in items] + [OUT_OF_SCOPE] * len(negatives),
        np.vstack([vectors, negatives]),
        CLASSIFIER_C,
    )
    centred = classifier.centred(vectors)
    for start in range(0, total, BATCH):
        batch = items[start : start + BATCH]
        collection.add(
            ids=[item.item_id for item in batch],
            documents=[item.text for item in batch],
            embeddings=[vector.tolist() for vector in centred[start : start + BATCH]],
            metadatas=[
                {"source": item.source, "kind": item.kind, "lang": item.lang} for item in batch
            ],
        )
    return classifier
