"""Pack loading and validation: good packs load, each kind of mistake names file, line and fix."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

import pytest
from packdata import PACKS, TINY_FAQ, TINY_TOML, repo_pack

from kiosk.errors import PackError
from kiosk.knowledge.loader import load_pack, pack_hash


def test_tiny_pack_loads(write_pack: Callable[..., Path]) -> None:
    pack = load_pack(write_pack())
    assert pack.id == "tiny"
    assert pack.languages == ("zh", "en")
    assert [entry.id for entry in pack.entries] == ["opening-hours", "library-card", "wifi"]
    card = pack.entry("library-card")
    assert card is not None and card.action == "ticket:B"
    assert card.questions.get("en")[0] == "How do I get a library card?"
    assert card.line == 15
    assert pack.service("B") is not None and pack.service("B").name.en == "Library Cards"  # type: ignore[union-attr]
    assert pack.handoff.get("zh").startswith("这个问题")


@pytest.mark.parametrize("name", PACKS)
def test_repo_packs_are_complete(name: str) -> None:
    pack = load_pack(repo_pack(name))
    assert len(pack.entries) >= 40
    assert len(pack.services) >= 2
    assert 4 <= len(pack.suggested) <= 6
    for entry in pack.entries:
        assert len(entry.questions.zh) >= 3 and len(entry.questions.en) >= 3, entry.id
        assert entry.answer.zh and entry.answer.en, entry.id


def _problem(write_pack: Callable[..., Path], **files: str) -> str:
    with pytest.raises(PackError) as caught:
        load_pack(write_pack(**files))
    return str(caught.value)


def test_duplicate_id_names_both_lines(write_pack: Callable[..., Path]) -> None:
    faq = TINY_FAQ + TINY_FAQ.split("- id: library-card")[0].replace(
        "- id: opening-hours", "- id: wifi"
    )
    message = _problem(write_pack, faq=faq)
    assert "faq.yaml:42: duplicate id 'wifi' (first at line 29)" in message


def test_missing_language_and_empty_answer(write_pack: Callable[..., Path]) -> None:
    english = ("Is there wifi?", "What is the wifi password?", "How do I get online?")
    faq = TINY_FAQ.replace("    en:\n" + "".join(f"      - {q}\n" for q in english), "")
    faq = faq.replace("zh: 无线网名称是TinyLib，密码是reading2024。", "zh: ''")
    message = _problem(write_pack, faq=faq)
    assert "faq.yaml:29: entry 'wifi': missing 'en' questions" in message
    assert "faq.yaml:29: entry 'wifi': empty 'zh' answer" in message


def test_unknown_field_suggests_the_right_one(write_pack: Callable[..., Path]) -> None:
    message = _problem(write_pack, faq=TINY_FAQ.replace("  tags: [hours]", "  tag: [hours]"))
    assert "faq.yaml:14: entry 'opening-hours': unknown field 'tag'" in message
    assert "did you mean 'tags'?" in message


def test_bad_yaml_names_line_and_column(write_pack: Callable[..., Path]) -> None:
    faq = TINY_FAQ.replace("en: We are open 9 am", "en: Hours: we are open 9 am")
    message = _problem(write_pack, faq=faq)
    assert "faq.yaml:13:" in message and "bad YAML" in message
    assert "quotes" in message


def test_action_must_name_a_service(write_pack: Callable[..., Path]) -> None:
    message = _problem(write_pack, faq=TINY_FAQ.replace("ticket:B", "ticket:Z"))
    assert "action 'ticket:Z' names no service of pack.toml" in message
    assert "use one of: A, B" in message


def test_pack_toml_problems(write_pack: Callable[..., Path]) -> None:
    toml = TINY_TOML.replace('suggested = ["opening-hours"]', 'suggested = ["nope"]\ncolour = 1')
    toml = toml.replace('en = "Hello, welcome to the Tiny Library."\n', "")
    message = _problem(write_pack, toml=toml)
    assert "pack.toml:4: unknown key 'colour'" in message
    assert "[greeting] has no 'en' text" in message
    assert "suggested entry 'nope' is not in faq.yaml" in message


def test_bad_toml_and_not_a_pack(write_pack: Callable[..., Path], tmp_path: Path) -> None:
    assert "bad TOML" in _problem(write_pack, toml="id = ")
    with pytest.raises(PackError, match=r"no pack\.toml here"):
        load_pack(tmp_path / "empty")


def test_encodings_a_windows_editor_saves(write_pack: Callable[..., Path]) -> None:
    root = write_pack(docs={"rules.en.md": "# Rules\n\nPlease keep quiet.\n"})
    toml = root / "pack.toml"
    toml.write_bytes(codecs.BOM_UTF8 + toml.read_bytes())  # UTF-8 with a byte-order mark: fine
    assert load_pack(root).id == "tiny"
    faq = root / "faq.yaml"
    faq.write_bytes(faq.read_text(encoding="utf-8").encode("utf-16"))
    with pytest.raises(PackError, match=r"faq\.yaml: UTF-16 text, not UTF-8") as error:
        load_pack(root)
    assert "UTF-8" in error.value.hint
    faq.write_text(TINY_FAQ, encoding="utf-8")
    doc = root / "docs" / "rules.en.md"
    doc.write_bytes(b"# Rules\n\nPlease keep \xff quiet.\n")  # a stray Latin-1 byte, line 3
    with pytest.raises(PackError, match=r"rules\.en\.md:3: not UTF-8 text"):
        load_pack(root)


def test_docs_are_chunked_by_heading(write_pack: Callable[..., Path]) -> None:
    docs = {
        "history.zh.md": "# 馆史\n\n小小图书馆建于1998年。\n\n## 新馆\n\n2015年搬到现址。\n",
        "rules.en.md": "# Reading room rules\n\nPlease keep quiet.\n\nNo food.\n",
    }
    pack = load_pack(write_pack(docs=docs))
    assert [(chunk.id, chunk.lang) for chunk in pack.docs] == [
        ("history.zh.md#馆史", "zh"),
        ("history.zh.md#新馆", "zh"),
        ("rules.en.md#Reading room rules", "en"),
    ]
    assert pack.docs[2].text == "Please keep quiet.\n\nNo food."


def test_hash_follows_content(write_pack: Callable[..., Path]) -> None:
    root = write_pack()
    before = pack_hash(root)
    (root / "faq.yaml").write_text(TINY_FAQ.replace("9点", "8点"), encoding="utf-8")
    assert pack_hash(root) != before
