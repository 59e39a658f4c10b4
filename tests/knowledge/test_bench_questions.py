"""The benchmark's question files stay true to their packs.

A question whose expected source was renamed or removed would count as a miss for ever, and a
misspelt kind would drop out of every column: both make `bench/answer_quality.py` quietly
wrong, so they are checked here, without embedding anything.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kiosk.knowledge.loader import load_pack

ROOT = Path(__file__).resolve().parents[2]
PACKS = {
    path.name: path
    for folder in (ROOT / "knowledge", ROOT / "bench" / "packs")
    for path in folder.iterdir()
    if (path / "pack.toml").is_file()
}
KINDS = {"paraphrase", "asr", "offtopic", "injection"}


def test_every_pack_has_a_question_file_and_every_file_a_pack() -> None:
    files = {path.stem for path in (ROOT / "bench" / "questions").glob("*.yaml")}
    assert files == set(PACKS)


@pytest.mark.parametrize("name", sorted(PACKS))
def test_questions_name_sources_of_their_pack(name: str) -> None:
    pack = load_pack(PACKS[name])
    questions = yaml.safe_load((ROOT / "bench" / "questions" / f"{name}.yaml").read_text("utf-8"))
    texts = [item["q"] for item in questions]
    assert len(texts) == len(set(texts)), "a question is asked twice"
    for item in questions:
        assert item["kind"] in KINDS, item
        assert item["lang"] in pack.languages, item
        expected = item["expect"]
        if item["kind"] in {"offtopic", "injection"}:
            assert expected is None, item
        else:
            assert pack.entry(expected) or pack.doc(expected), item
