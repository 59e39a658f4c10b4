"""Chinese homophones put right against the pack's own words, and nothing else touched."""

from __future__ import annotations

import pytest

from kiosk.knowledge.homophones import HomophoneRepair, sound
from kiosk.knowledge.text import Tokenizer

PACK_TEXTS = (
    "办读者证要带什么证件",
    "哪里可以打印和复印",
    "在哪里换乘二号线",
    "借书可以借多久",
    "一楼有失物招领处",
    "电梯在东门旁边",
    "卡丢了怎么挂失",
)


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


def _repair(tokenizer: Tokenizer, fold: bool = False) -> HomophoneRepair:
    words = (word for text in PACK_TEXTS for word in tokenizer.words(text))
    return HomophoneRepair(words, tokenizer.cut, fold=fold)


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("无障碍电题在哪里", "无障碍电梯在哪里"),  # 电题 is no word; it sounds like the pack's 电梯
        ("我的卡丢了要怎么挂湿", "我的卡丢了要怎么挂失"),
        ("时物招领在哪", "失物招领在哪"),  # a four-character word
    ],
)
def test_a_misheard_pack_word_is_put_right(tokenizer: Tokenizer, heard: str, meant: str) -> None:
    assert _repair(tokenizer).repair(heard) == meant


@pytest.mark.parametrize(
    "text",
    [
        "读者证丢了怎么办",  # heard right
        "今天天气怎么样",  # no word of the pack sounds like these
        "where can I print",  # no Chinese
        "在哪里换成二号线",  # 换成 is a real word: left to BM25's pinyin, not rewritten
        "哪里可以打应东西",  # ying is not yin unless sounds are folded
    ],
)
def test_what_may_have_been_meant_is_left_alone(tokenizer: Tokenizer, text: str) -> None:
    assert _repair(tokenizer).repair(text) == text


def test_folded_sounds_reach_near_homophones(tokenizer: Tokenizer) -> None:
    assert _repair(tokenizer, fold=True).repair("哪里可以打应东西") == "哪里可以打印东西"


def test_a_sound_two_pack_words_share_is_not_repaired(tokenizer: Tokenizer) -> None:
    both = HomophoneRepair(["公式", "公示"], tokenizer.cut)  # gongshi: which one is meant?
    assert both.repair("工事在哪") == "工事在哪" and len(both) == 0


def test_confusable_sounds_fold_together() -> None:
    assert sound(["zhi", "ying"]) == sound(["zi", "yin"]) == "zi yin"
    assert sound(["chang", "sheng"]) == sound(["can", "sen"])
    assert sound(["huan"]) != sound(["fan"])


@pytest.mark.parametrize(
    "text",
    [
        "警察让我把钱转到安全账户",  # 我把 sounds like the pack's 我爸
        "我不会用智能手机，能教我吗",  # 我吗 like 我妈
        "怎么查名下有几套房",  # 有几 like 邮寄
        "不在营业厅能打哪个电话问",  # 不在 like 不再
    ],
)
def test_grammar_said_right_is_not_taken_for_a_pack_word(tokenizer: Tokenizer,
                                                          text: str) -> None:
    # the packs' own phrasings, each rewritten into another before (telecom, bank, civic)
    texts = ("我爸的卡能代办吗", "我妈不会用手机", "证件可以邮寄到家吗", "号码不再使用怎么办",
             *PACK_TEXTS)
    words = (word for line in texts for word in tokenizer.words(line))
    repair = HomophoneRepair(words, tokenizer.cut)
    assert repair.repair(text) == text
    assert repair.repair("无障碍电题在哪里") == "无障碍电梯在哪里"
