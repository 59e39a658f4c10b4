"""Recognises attempts to manipulate the kiosk, which get the handoff text and nothing else.

The grounded answerer cannot be talked into anything (it only returns approved texts); this
guard matters for generative mode and keeps such turns visible in the logs as handoffs.
"""

from __future__ import annotations

import re

from kiosk.knowledge.text import normalize

_INJECTION = (
    re.compile(
        r"\b(ignore|disregard|forget|override|bypass|skip)\b.{0,30}\b(instruction|instructions|"
        r"rules?|prompts?|guidelines|polic(y|ies)|restrictions?|everything|above|previous|prior)\b"
    ),
    re.compile(
        r"\b(system prompt|your prompt|initial prompt|hidden prompt|developer mode|jailbreak|"
        r"dan mode|do anything now|no restrictions|unfiltered|without (any )?(rules|limits))\b"
    ),
    re.compile(r"\byou are (now|no longer)\b|\bfrom now on,? you\b|\bnew instructions\b"),
    re.compile(
        r"\b(pretend|act as|roleplay|role play|play the role|imagine you are|behave as)\b.{0,40}"
        r"\b(you|manager|admin|administrator|developer|staff|human|unrestricted|ai|another)\b"
    ),
    re.compile(
        r"\b(reveal|show|print|repeat|tell me|output)\b.{0,20}\b(prompt|instructions|"
        r"configuration|system message)\b"
    ),
    re.compile(
        r"(忽略|无视|忘记|忘掉|不要管|别管|绕过|跳过|覆盖)(掉)?.{0,12}(指令|规则|设定|提示|限制|要求|"
        r"之前|以前|上面|前面|所有)"
    ),
    re.compile(
        r"系统提示|提示词|系统指令|开发者模式|越狱|不受限制|没有限制|解除限制|内部指令|原始指令"
    ),
    re.compile(r"(你现在是|从现在开始你|现在起你|你不再是|新的指令|新指令)"),
    re.compile(
        r"(假装|假设你是|扮演|充当|冒充|你就是).{0,16}(经理|管理员|开发者|工作人员|员工|人类|"
        r"没有限制|另一个|客服|行长|主管)"
    ),
)


def is_manipulation(text: str) -> bool:
    """True when `text` tries to change the kiosk's rules or role, or extract its prompt."""
    cleaned = normalize(text)
    return any(pattern.search(cleaned) for pattern in _INJECTION)
