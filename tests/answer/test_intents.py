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
        ("我听不见", "louder", None),
        ("能大声点吗", "louder", None),
        ("能给我取个号吗", "take_ticket", None),
        ("我要取号可以吗", "take_ticket", None),
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
        ("can you answer in English", "en"),
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
        # found by running every FAQ phrasing of the eight packs through the rules:
        "我爸耳朵听不见，来办业务有人会手语吗",  # about hearing: the pack's sign-language entry
        "听不见的话可以写字沟通吗",
        "孩子想试试开大轮船，去哪排号",  # where to queue for one exhibit
        "用房间座机找前台按几号",  # which number to dial
        "取号要刷身份证吗",  # what taking a number needs
        "领证要排队取号吗",
        "Can I get a statement in English?",  # a thing in English, not a switch
        "Do you have tours in English?",
        "有会说英语的工作人员吗",  # staff who speak it
        "Does anyone here speak English?",
        "我朋友不会说中文怎么办",
        "I don't speak Chinese",  # would have switched to Chinese
        "I want a number ending in 8888",  # a phone number
    ],
)
def test_questions_are_left_to_the_knowledge_pack(text: str) -> None:
    assert route_intent(text, "zh", SERVICES) is None


def test_a_single_service_needs_no_naming() -> None:
    intent = route_intent("取个号", "zh", SERVICES[:1])
    assert intent is not None and intent.service == "A"
