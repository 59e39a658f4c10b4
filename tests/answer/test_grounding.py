"""The check of generated sentences against retrieved entries, on realistic zh and en sentences."""

from __future__ import annotations

import pytest

from kiosk.answer.grounding import EvidenceText, Grounds, check, prepare
from kiosk.answer.numbers import evidence_forms, mentions, unsupported
from kiosk.knowledge.text import Tokenizer

METRO_ZH = [
    EvidenceText("fare-single-journey", "单程票多少钱\n单程票按里程计价，起步价3元可乘6公里，"
                 "全程最高票价9元。1.2米以下儿童免费。"),
    EvidenceText("first-last-train", "首末班车是几点\n本站首班车早上6点05分发车，"
                 "末班车晚上10点30分发车，周五和周六延长到晚上11点30分。"),
    EvidenceText("lost-item-report", "东西丢了怎么办\n请到B口旁的乘客服务中心登记失物，"
                 "或拨打服务热线400-820-8820转分机8021。"),
]
METRO_EN = [
    EvidenceText("fare-single-journey", "How much is a single ticket?\nSingle-journey fares "
                 "depend on distance. The first 6 km cost 3 yuan and the highest fare is 9 yuan. "
                 "Children under 1.2 metres ride free."),
    EvidenceText("first-last-train", "When is the first train?\nThe first train leaves this "
                 "station at 6:05 am and the last one at 10:30 pm, extended to 11:30 pm on "
                 "Fridays and Saturdays."),
    EvidenceText("lost-item-report", "I lost something\nReport lost property at the passenger "
                 "service centre beside exit B, or call 400-820-8820, extension 8021."),
]


@pytest.fixture(scope="module")
def zh(tokenizer: Tokenizer) -> Grounds:
    return prepare(METRO_ZH, tokenizer)


@pytest.fixture(scope="module")
def en(tokenizer: Tokenizer) -> Grounds:
    return prepare(METRO_EN, tokenizer)


@pytest.mark.parametrize(
    ("sentence", "sources"),
    [
        ("单程票起步价3元，可以坐6公里。", ("fare-single-journey",)),
        ("全程最高九元，1.2米以下的儿童免费乘车。", ("fare-single-journey",)),
        ("首班车早上6点05分发车，末班车晚上十点半。", ("first-last-train",)),
        ("周五和周六末班车延长到晚上11点30分。", ("first-last-train",)),
        ("丢了东西请到B口旁的乘客服务中心登记。", ("lost-item-report",)),
        ("您也可以拨打服务热线400-820-8820转分机8021。", ("lost-item-report",)),
    ],
)
def test_supported_chinese_sentences(zh: Grounds, tokenizer: Tokenizer, sentence: str,
                                     sources: tuple[str, ...]) -> None:
    verdict = check(sentence, zh, tokenizer)
    assert verdict.supported, verdict
    assert verdict.sources == sources
    assert verdict.unknown_numbers == ()


@pytest.mark.parametrize(
    ("sentence", "sources"),
    [
        ("A single ticket starts at 3 yuan for the first 6 km.", ("fare-single-journey",)),
        ("The highest fare is nine yuan, and children under 1.2 metres ride free.",
         ("fare-single-journey",)),
        ("The first train leaves at 6:05 am and the last train at 10:30 pm.",
         ("first-last-train",)),
        ("On Fridays and Saturdays the last train leaves at 11:30 pm.", ("first-last-train",)),
        ("Please report lost property at the service centre beside exit B.",
         ("lost-item-report",)),
        ("You can also call 400-820-8820, extension 8021.", ("lost-item-report",)),
    ],
)
def test_supported_english_sentences(en: Grounds, tokenizer: Tokenizer, sentence: str,
                                     sources: tuple[str, ...]) -> None:
    verdict = check(sentence, en, tokenizer)
    assert verdict.supported, verdict
    assert verdict.sources == sources


@pytest.mark.parametrize(
    ("sentence", "invented"),
    [
        ("单程票起步价5元，可以坐6公里。", "5"),
        ("末班车晚上11点发车。", "11点"),
        ("首班车早上5点半发车。", "5点半"),
        ("请拨打服务热线400-820-8820转分机8022。", "8022"),
        ("周日末班车延长到晚上11点30分。", "周日"),
    ],
)
def test_an_invented_number_is_not_supported_in_chinese(zh: Grounds, tokenizer: Tokenizer,
                                                        sentence: str, invented: str) -> None:
    verdict = check(sentence, zh, tokenizer)
    assert not verdict.supported
    assert verdict.unknown_numbers == (invented,)


@pytest.mark.parametrize(
    ("sentence", "invented"),
    [
        ("A single ticket starts at 4 yuan for the first 6 km.", "4"),
        ("The last train leaves at 11 pm.", "11 pm"),
        ("The first train leaves at 6:50 am.", "6:50 am"),
        ("Call 400-820-8820, extension 8012.", "8012"),
        ("Children under 1.4 metres ride free.", "1.4"),
        ("On Sundays the last train leaves at 11:30 pm.", "sundays"),
    ],
)
def test_an_invented_number_is_not_supported_in_english(en: Grounds, tokenizer: Tokenizer,
                                                        sentence: str, invented: str) -> None:
    verdict = check(sentence, en, tokenizer)
    assert not verdict.supported
    assert verdict.unknown_numbers == (invented,)


@pytest.mark.parametrize(
    "sentence",
    [
        "今天天气很好，适合去公园散步。",
        "我推荐您去附近的商场吃火锅。",
        "The weather is lovely today, perfect for a walk in the park.",
        "I recommend the hotpot restaurant in the shopping mall nearby.",
    ],
)
def test_unrelated_sentences_are_not_supported(zh: Grounds, en: Grounds, tokenizer: Tokenizer,
                                               sentence: str) -> None:
    grounds = zh if any("\u4e00" <= char <= "\u9fff" for char in sentence) else en
    verdict = check(sentence, grounds, tokenizer)
    assert not verdict.supported
    assert verdict.overlap < 0.5
    assert verdict.sources == ()


def test_a_sentence_mixing_a_fact_with_made_up_advice_is_not_supported(
        en: Grounds, tokenizer: Tokenizer) -> None:
    verdict = check("Tickets cost 3 yuan, but buying them online gives a discount on weekends "
                    "at the airport express kiosks.", en, tokenizer)
    assert not verdict.supported
    assert "discount" in verdict.unknown_words


@pytest.mark.parametrize("sentence",
                         ["您好！", "好的，没问题。", "Sure!", "Thank you, happy to help."])
def test_courtesy_carries_no_facts_and_passes_without_sources(
        zh: Grounds, en: Grounds, tokenizer: Tokenizer, sentence: str) -> None:
    grounds = en if sentence.isascii() else zh
    verdict = check(sentence, grounds, tokenizer)
    assert verdict.supported
    assert verdict.sources == ()


def test_a_sentence_drawing_on_two_entries_lists_both_most_shared_first(
        en: Grounds, tokenizer: Tokenizer) -> None:
    verdict = check("The service centre beside exit B sells single tickets from 3 yuan.",
                    en, tokenizer)
    assert verdict.supported
    assert set(verdict.sources) == {"lost-item-report", "fare-single-journey"}


def test_no_entries_support_nothing_factual(tokenizer: Tokenizer) -> None:
    verdict = check("The first train leaves at 6:05 am.", prepare([], tokenizer), tokenizer)
    assert not verdict.supported
    assert verdict.sources == ()


@pytest.mark.parametrize(
    ("text", "forms"),
    [
        ("上午9点", {"9", "9:00"}),
        ("晚上九点", {"9", "9:00", "21", "21:00"}),
        ("9 p.m.", {"9", "9:00", "21", "21:00"}),
        ("十一点半", {"11:30"}),
        ("21:30", {"21:30"}),
        ("两块钱", {"2"}),
        ("3.50元", {"3.5"}),
        ("1,000 yuan", {"1000"}),
        ("the 3rd floor", {"3"}),
        ("星期天", {"day:7"}),
        ("Monday", {"day:1"}),
        ("400-820-8820", {"4008208820"}),
        ("reading2024", {"reading2024"}),
    ],
)
def test_numbers_are_read_in_canonical_forms(text: str, forms: set[str]) -> None:
    (mention,) = mentions(text)
    assert mention.forms == forms


@pytest.mark.parametrize("text", ["早一点来", "一起走", "请稍等一下", "统一安排"])
def test_chinese_words_with_numeral_characters_are_not_numbers(text: str) -> None:
    assert mentions(text) == []


def test_a_range_is_two_numbers() -> None:
    assert [m.forms for m in mentions("3-5个工作日")] == [frozenset({"3"}), frozenset({"5"})]


def test_a_code_must_be_found_whole() -> None:
    evidence = evidence_forms("The wifi password is reading2024, at exit B2.")
    assert unsupported("The password is reading2024.", evidence) == ()
    assert unsupported("The password is reading2025.", evidence) == ("reading2025",)
    assert unsupported("The password is 2024.", evidence) == ("2024",)
    assert unsupported("Go to exit B2.", evidence) == ()
    assert unsupported("Go to exit B3.", evidence) == ("b3",)
    assert unsupported("Go to exit 2.", evidence) == ("2",)


def test_a_phone_number_must_be_found_whole() -> None:
    evidence = evidence_forms("Call 400-820-8820, extension 8021.")
    assert unsupported("Call 400-820-8820.", evidence) == ()
    assert unsupported("Call 8820.", evidence) == ("8820",)
