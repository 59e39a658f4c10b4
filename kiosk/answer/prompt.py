"""The generative prompt: a static system message per language, then only the retrieved entries.

The system message is the pack's instructions plus fixed rules. It is built once per language
and must stay byte-identical in every prompt: it is the prefix the model keeps evaluated
(see LlamaCppBackend), so anything that varies per turn — the entries, the question — goes
into the user message after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.answer.grounding import EvidenceText
from kiosk.answer.llm import ChatMessage
from kiosk.knowledge.pack import Pack
from kiosk.knowledge.retrieve import Hit
from kiosk.lang import Lang

MAX_QUESTION_CHARS = 300
"""A 10-minute monologue from the ASR is cut to this; the entries matter, not the rambling."""


@dataclass(frozen=True, slots=True)
class _Wording:
    role: str
    rules: str
    entries: str
    question: str


_WORDING: dict[Lang, _Wording] = {
    "en": _Wording(
        role="You are the digital front-desk assistant of {name}.",
        rules=(
            "Rules:\n"
            "- Answer only from the entries in the visitor's message. Add no fact, number or "
            "advice that they do not contain.\n"
            "- If the entries do not answer the question, say so in one sentence and say that "
            "a member of staff will help.\n"
            "- Answer in English.\n"
            "- Speak in short, plain sentences: at most three, no lists, no markdown, no links.\n"
            "- Copy times, prices, phone numbers and names exactly as the entries write them."
        ),
        entries="Entries:",
        question="Visitor's question: ",
    ),
    "zh": _Wording(
        role="你是{name}的数字人前台助手。",
        rules=(
            "规则：\n"
            "- 只根据访客消息里提供的资料回答，不要添加资料里没有的事实、数字或建议。\n"
            "- 如果资料回答不了这个问题，用一句话说明，并告诉对方工作人员会来帮忙。\n"
            "- 用中文回答。\n"
            "- 句子简短、口语化，最多三句，不用列表、符号或网址。\n"
            "- 时间、价格、电话和名称照资料原样写。"
        ),
        entries="资料：",
        question="访客的问题：",
    ),
}


def system_message(pack: Pack, lang: Lang) -> ChatMessage:
    """The static part: the pack's instructions (or a plain role) and the fixed rules."""
    wording = _WORDING[lang]
    role = pack.instructions.get(lang) or wording.role.format(name=pack.name.get(lang))
    return ChatMessage("system", f"{role}\n\n{wording.rules}")


def priming_messages(pack: Pack, lang: Lang) -> tuple[ChatMessage, ChatMessage]:
    """What primes the model: the system message and the fixed start of every user message."""
    return system_message(pack, lang), ChatMessage("user", _WORDING[lang].entries)


def evidence(pack: Pack, hits: Sequence[Hit], lang: Lang) -> list[EvidenceText]:
    """The retrieved entries as the model is shown them: a FAQ entry's approved answer, or a
    document section's heading and text. Sources the pack no longer has are skipped."""
    texts: list[EvidenceText] = []
    for hit in hits:
        if hit.kind == "faq":
            entry = pack.entry(hit.source)
            if entry is not None:
                # The answer alone: small models shown the question too tend to repeat it.
                texts.append(EvidenceText(hit.source, entry.answer.get(lang)))
        else:
            chunk = pack.doc(hit.source)
            if chunk is not None:
                texts.append(EvidenceText(hit.source, f"{chunk.heading}\n{chunk.text}"))
    return texts


def user_message(question: str, lang: Lang, entries: Sequence[EvidenceText]) -> ChatMessage:
    """The per-turn part: numbered entries, then the visitor's question."""
    wording = _WORDING[lang]
    blocks = [f"[{number}] {item.text.strip()}" for number, item in enumerate(entries, start=1)]
    asked = " ".join(question.split())[:MAX_QUESTION_CHARS]
    body = "\n\n".join(blocks)
    return ChatMessage("user", f"{wording.entries}\n{body}\n\n{wording.question}{asked}")
