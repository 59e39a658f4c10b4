"""Fixed intents, recognised by rule before any retrieval or model: commands, not questions.

A command is short and has no question word: "我要取号" takes a ticket, "取号要多久" is a
question for the knowledge pack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from kiosk.knowledge.pack import Service
from kiosk.knowledge.text import normalize
from kiosk.lang import Lang

IntentName = Literal[
    "take_ticket", "call_staff", "repeat", "switch_language", "stop", "slower", "louder",
    "greeting", "confirm", "deny",
]


@dataclass(frozen=True, slots=True)
class Intent:
    """A recognised command."""

    name: IntentName
    service: str | None = None
    """For take_ticket: the service code, when the visitor named one (or the pack has one)."""
    target: Lang | None = None
    """For switch_language: the language asked for."""


_Q_WORDS = re.compile(
    r"怎么|怎样|如何|哪|什么时候|几|多久|多少|为什么|来得及|赶得上|赶得及|(号|证)(要|需要|得|用)[^ ]{0,8}吗$|"
    r"\b(how|where|when|what|why|which|is there|are there|too late|in time)\b"
)
_RULES: tuple[tuple[IntentName, re.Pattern[str]], ...] = (
    (
        "switch_language",
        re.compile(
            r"(说|讲|用|改|换|切换到?|切换成)(英文|英语)|英文服务|\b(speak|switch to|use)\b.{0,12}"
            r"\b(english)\b|\b(answer|reply|talk|say (it|that)|explain)\b.{0,6}\bin english\b"
            r"|english please|^english$"
        ),
    ),
    (
        "switch_language",
        re.compile(
            r"(说|讲|用|改|换|切换到?|切换成)(中文|普通话|汉语|国语)|^中文$|\b(speak|switch to|in|use)\b"
            r".{0,12}\b(chinese|mandarin|putonghua)\b|chinese please|^(chinese|mandarin)$"
        ),
    ),
    (
        "call_staff",
        re.compile(
            r"(叫|找|呼叫|喊|请|要|需要)(一下|一个|个)?(工作人员|人工|客服|服务员|经理|大堂经理|保安|"
            r"前台|真人)|转人工|人工服务|\b(call|get|fetch|talk to|speak to|speak with|need|want)\b.{0,10}"
            r"\b(staff|human|person|someone|agent|manager|attendant|employee|member of staff|help desk)\b"
            r"|^(human|staff)( please)?$"
        ),
    ),
    (
        "take_ticket",
        re.compile(
            r"(取|拿|领|排|抽|要)(一?个|一下)?(号|号码|排队号)(?!线)|(取|拿|领|排)一?个.{1,10}的号|排队取号|\b(take|get|give me|print|"
            r"want|need|grab)\b.{0,16}\b(queue ticket|queue number|a number|my number|number ticket)\b"
            r"(?! (ending|starting|with|that))"
            r"|\bjoin the queue\b"
        ),
    ),
    (
        "repeat",
        re.compile(
            r"再说一遍|再说一次|再讲一遍|再讲一次|重复一下|重复一遍|没听清|没听懂|你说什么|刚才说的?什么|"
            r"\b(say (that|it) again|repeat( that| it)?|pardon|come again|what did you say|"
            r"(didn't|did not) (catch|hear))\b"
        ),
    ),
    ("slower", re.compile(r"(说|讲)?慢(一)?点|说得太快|太快了|\b(slower|slow down|too fast)\b")),
    (
        "louder",
        re.compile(
            r"大声(一)?点|声音大(一)?点|听不见|听不到|\b(louder|speak up|can't hear|cannot hear)\b"
        ),
    ),
    (
        "stop",
        re.compile(
            r"^(停|停止|停下|别说了|不要说了|不用了|好了|算了|闭嘴|安静|取消)$|^(stop|stop talking|"
            r"be quiet|quiet|that's enough|enough|never mind|nevermind|cancel|shut up)$"
        ),
    ),
    (
        "confirm",  # the answer to "did you mean …?"
        re.compile(
            r"^(嗯|啊|哦|呃)? ?(是|是的|是啊|是呀|对|对的|对啊|对呀|对对|对对对|没错|就是|就是这个|"
            r"是这个|好|好的)$|^(uh|um|oh|well)? ?(yes|yeah|yep|right|correct|exactly|that s right|"
            r"that s it|that one|sure|ok|okay)( please| thanks| thank you)?$"
        ),
    ),
    (
        "deny",
        re.compile(
            r"^(嗯|呃)? ?(不是|不是的|不对|都不是|不是这个)$|^(uh|um|oh|well)? ?(no|nope|no thanks|"
            r"not that|neither|that s not it|wrong)$"
        ),
    ),
    (
        "greeting",
        re.compile(
            r"^(你好|您好|hi|hello|hey|嗨|哈喽|早上好|下午好|晚上好|good (morning|afternoon|evening))"
            r"( (there|kiosk))?$"
        ),
    ),
)
_ABOUT_HEARING = re.compile(
    r"手语|助听|听力|聋|耳朵|听不[见到清]的话|"
    r"\b(deaf|sign language|hearing (aid|loop)|hard of hearing)\b"
)
"""A visitor who speaks of hearing ("my dad is deaf, does anyone sign?") asks the pack about
its services; "can't hear" there is not a request for a louder voice."""
_ABOUT_OUR_VOICE = frozenset({"repeat", "slower", "louder"})
_NOT_A_SWITCH = re.compile(
    r"工作人员|人员|朋友|有人|谁|不会|不懂|"
    r"\b(anyone|anybody|someone|somebody|staff|people|person|don t|do not|doesn t|can t)\b"
)
"""A language named about someone ("does anyone here speak English?", "my friend doesn't speak
Chinese") is a question for the pack, not a request that the kiosk switch."""
_ALWAYS = frozenset(
    {"repeat", "stop", "switch_language", "slower", "louder", "greeting", "confirm", "deny"}
)
_MAX_CHARS = 40


def route_intent(text: str, lang: Lang, services: tuple[Service, ...]) -> Intent | None:
    """The command `text` expresses, or None when it is a question for the knowledge pack."""
    cleaned = normalize(text)
    if not cleaned or len(cleaned) > _MAX_CHARS:
        return None
    is_question = bool(_Q_WORDS.search(cleaned))
    for name, pattern in _RULES:
        if not pattern.search(cleaned):
            continue
        if name in _ABOUT_OUR_VOICE and _ABOUT_HEARING.search(cleaned):
            continue
        if name == "switch_language" and _NOT_A_SWITCH.search(cleaned):
            continue
        if is_question and name not in _ALWAYS:
            return None
        if name == "switch_language":
            return Intent(name, target="en" if pattern is _RULES[0][1] else "zh")
        if name == "take_ticket":
            return Intent(name, service=_service_named(cleaned, services))
        return Intent(name)
    return None


def _service_named(text: str, services: tuple[Service, ...]) -> str | None:
    """The service the visitor named ("取个现金业务的号", "a number for foreign exchange")."""
    for service in services:
        zh, en = service.name.zh, service.name.en.lower()
        if (zh and zh in text) or (en and en in text):
            return service.code
        code = service.code.lower()
        if re.search(
            rf"\b(service|counter|window|type|queue) {code}\b|{code}(类|号窗口|窗口)", text
        ):
            return service.code
    return services[0].code if len(services) == 1 else None
