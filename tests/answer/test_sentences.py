"""Sentence splitting of streamed text: where it cuts, where it must not, and when it decides."""

from __future__ import annotations

import pytest

from kiosk.answer.sentences import SentenceSplitter, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("单程票3元。请从B口出站！还有问题吗？",
         ["单程票3元。", "请从B口出站！", "还有问题吗？"]),
        ("请走B口；换乘2号线。", ["请走B口；", "换乘2号线。"]),
        ("他说：“请稍等。”然后离开了。", ["他说：“请稍等。”", "然后离开了。"]),
        ("好的!请稍等?马上来", ["好的!", "请稍等?", "马上来"]),
        ("The fare is 3.5 yuan. Take exit B!", ["The fare is 3.5 yuan.", "Take exit B!"]),
        ("Dr. Wang works here. Ask for e.g. a map or i.e. the guide. Done?",
         ["Dr. Wang works here.", "Ask for e.g. a map or i.e. the guide.", "Done?"]),
        ("We open at 9 a.m. and close at 5 p.m. Please come early.",
         ["We open at 9 a.m. and close at 5 p.m.", "Please come early."]),
        ("Ask for form No. 5 at the desk. The answer is no. Sorry.",
         ["Ask for form No. 5 at the desk.", "The answer is no.", "Sorry."]),
        ("Visit www.tinylib.org today. It costs 3. Then leave.",
         ["Visit www.tinylib.org today.", "It costs 3.", "Then leave."]),
        ("Wait... what? Really?!", ["Wait...", "what?", "Really?!"]),
        ("First line\nsecond line\n\nthird", ["First line", "second line", "third"]),
        ("1. Take exit B.\n2. Turn left.", ["1. Take exit B.", "2. Turn left."]),
        ("营业时间是9:30到17:00，周一闭馆", ["营业时间是9:30到17:00，周一闭馆"]),
        ("", []),
        ("   ", []),
    ],
)
def test_splits_complete_text(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We open at 9 a.m. Please come. 营业时间是9:30。好的！Dr. Wang says 3.5 yuan, e.g. cash.",
        "单程票3元。请从B口出站！“好的。”The end.",
    ],
)
def test_streaming_character_by_character_gives_the_same_sentences(text: str) -> None:
    splitter = SentenceSplitter()
    streamed: list[str] = []
    for char in text:
        streamed += splitter.feed(char)
    streamed += splitter.flush()
    assert streamed == split_sentences(text)


def test_a_sentence_is_handed_out_once_the_next_piece_shows_its_end() -> None:
    splitter = SentenceSplitter()
    assert splitter.feed("The fare is 3") == []
    assert splitter.feed(".") == []  # may still become 3.5
    assert splitter.feed("5 yuan.") == []  # a closing quote or more text may follow
    assert splitter.feed(" Take") == ["The fare is 3.5 yuan."]
    assert splitter.feed(" exit B") == []
    assert splitter.flush() == ["Take exit B"]
    assert splitter.flush() == []


def test_chinese_end_waits_for_a_closing_quote() -> None:
    splitter = SentenceSplitter()
    assert splitter.feed("他说：“请稍等。") == []
    assert splitter.feed("”") == []
    assert splitter.feed("好") == ["他说：“请稍等。”"]


def test_an_abbreviation_waits_for_the_next_word() -> None:
    splitter = SentenceSplitter()
    assert splitter.feed("We open at 9 a.m. ") == []
    assert splitter.feed("and") == []
    assert splitter.feed(" close at 5 p.m. ") == []
    assert splitter.feed("Please") == ["We open at 9 a.m. and close at 5 p.m."]


def test_flush_keeps_an_unfinished_sentence() -> None:
    splitter = SentenceSplitter()
    assert splitter.feed("The library opens at") == []
    assert splitter.flush() == ["The library opens at"]
