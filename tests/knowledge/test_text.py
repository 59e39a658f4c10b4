"""Text clean-up and BM25 terms, on the kind of text speech recognisers produce."""

from __future__ import annotations

import pytest

from kiosk.knowledge.text import Tokenizer, normalize, strip_fillers


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


def test_normalize_folds_width_case_and_punctuation() -> None:
    assert normalize("ＷｉＦｉ密码？  Hello,World!") == "wifi密码 hello world"


@pytest.mark.parametrize(
    ("said", "lang", "kept"),
    [
        ("嗯 那个 请问一下 末班车几点", "zh", "末班车几点"),
        ("呃我想问一下信用卡额度怎么提高啊", "zh", "信用卡额度怎么提高"),
        ("请问一下嗯化验报告在哪打印", "zh", "化验报告在哪打印"),
        ("有没有电话可以先问一下", "zh", "有没有电话可以先问一下"),  # asking, not politeness
        ("um so like where is the uh toilet", "en", "where is the toilet"),
        ("hello", "en", "hello"),
        ("uh is there like a wifi thing here you know", "en", "is there a wifi thing here"),
        ("Er, where is the pharmacy?", "en", "where is the pharmacy"),
        ("Well, so, where is exit B?", "en", "where is exit b"),
        # the same words where they mean something (the packs' own phrasings):
        ("Is the ER open at night?", "en", "is the er open at night"),
        ("I'm not feeling well, is there a first-aid room?", "en",
         "i m not feeling well is there a first aid room"),
        ("I'd like to open an account.", "en", "i d like to open an account"),
        ("My kid has no ID card, is that OK?", "en", "my kid has no id card is that ok"),
        ("Why is my bill so high this month?", "en", "why is my bill so high this month"),
    ],
)
def test_fillers_are_dropped_but_words_that_contain_them_stay(
    said: str, lang: str, kept: str
) -> None:
    assert strip_fillers(said, lang) == kept  # type: ignore[arg-type]


def test_chinese_terms_carry_pinyin_so_homophones_match(tokenizer: Tokenizer) -> None:
    right = tokenizer.tokens("在哪里换乘二号线")
    misheard = tokenizer.tokens("在哪里换成二号线")
    assert "换乘" in right and "换成" in misheard
    assert "py:huancheng" in right and "py:huancheng" in misheard


def test_english_terms_are_stemmed_without_stopwords(tokenizer: Tokenizer) -> None:
    assert tokenizer.tokens("Where are the lockers for my bags?") == ["where", "locker", "bag"]


def test_mixed_text_keeps_both_scripts(tokenizer: Tokenizer) -> None:
    terms = tokenizer.tokens("WiFi密码是多少")
    assert "wifi" in terms and "密码" in terms
