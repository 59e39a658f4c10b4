"""Fixed intents: commands are recognised, questions about the same topic are not."""

from __future__ import annotations

import pytest

from kiosk.answer.intents import route_intent
from kiosk.knowledge.pack import Bilingual, Service

SERVICES = (
    Service("A", Bilingual("现金业务", "Cash Services")),
    Service("B", Bilingual("非现金业务", "Account and Card Services")),
)


@pytest.mark.parametrize(
    ("text", "name", "service"),
    [
        ("我要取号", "take_ticket", None),
        ("帮我取个现金业务的号", "take_ticket", "A"),
        ("I need a queue number for cash services", "take_ticket", "A"),
        ("can I get a number please", "take_ticket", None),
        ("帮我叫一下工作人员", "call_staff", None),
        ("转人工", "call_staff", None),
        ("I want to talk to a real person", "call_staff", None),
        ("再说一遍", "repeat", None),
        ("sorry, say that again?", "repeat", None),
        ("停", "stop", None),
        ("never mind", "stop", None),
        ("说慢一点", "slower", None),
        ("speak up please", "louder", None),
        ("你好", "greeting", None),
        ("是的", "confirm", None),
        ("嗯 对", "confirm", None),
        ("Yes please.", "confirm", None),
        ("不是", "deny", None),
        ("no", "deny", None),
    ],
)
def test_commands_are_recognised(text: str, name: str, service: str | None) -> None:
    intent = route_intent(text, "zh", SERVICES)
    assert intent is not None and intent.name == name
    assert intent.service == service


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("请说英文", "en"),
        ("can you speak Chinese", "zh"),
        ("English please", "en"),
        ("说中文", "zh"),
    ],
)
def test_language_switch_names_the_target(text: str, target: str) -> None:
    intent = route_intent(text, "zh", SERVICES)
    assert intent is not None and intent.name == "switch_language" and intent.target == target


@pytest.mark.parametrize(
    "text",
    [
        "取号以后要等多久",  # a question about tickets, for the pack
        "how do I get a queue number",
        "二号线怎么坐",  # 号线 is a metro line, not a queue number
        "I want a ticket to the airport",  # a travel ticket
        "what time does the staff canteen open",
        "我的信用卡额度是多少",
        "Where is exit B",
        "是不是要带身份证",  # starts like a "yes", but asks something
        "yes I lost my ticket",
        "我四点四十过来，还来得及取号吗",  # asks whether there is time, wants no ticket yet
        "am I too late to get a number today",
    ],
)
def test_questions_are_left_to_the_knowledge_pack(text: str) -> None:
    assert route_intent(text, "zh", SERVICES) is None


def test_a_single_service_needs_no_naming() -> None:
    intent = route_intent("取个号", "zh", SERVICES[:1])
    assert intent is not None and intent.service == "A"
