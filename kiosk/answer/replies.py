"""The kiosk's own short replies to commands, in both languages (not part of any pack)."""

from __future__ import annotations

from kiosk.knowledge.pack import Pack
from kiosk.lang import Lang

_FIXED: dict[str, dict[Lang, str]] = {
    "call_staff": {
        "zh": "好的，已为您呼叫工作人员，请稍候。",
        "en": "Of course. I've called a member of staff; please wait a moment.",
    },
    "nothing_to_repeat": {
        "zh": "我还没有回答过问题呢，请问有什么可以帮您？",
        "en": "I haven't answered anything yet. How can I help you?",
    },
    "stop": {"zh": "好的。", "en": "Okay."},
    "slower": {"zh": "好的，我会说慢一点。", "en": "Sure, I'll speak more slowly."},
    "louder": {"zh": "好的，我会大声一点。", "en": "Sure, I'll speak up."},
    "nothing_to_confirm": {
        "zh": "好的。请问有什么可以帮您？",
        "en": "All right. How can I help you?",
    },
    "offer_declined": {
        "zh": "好的。工作人员马上就到，您也可以换个说法再问我。",
        "en": "All right. A member of staff is on the way; you can also ask me in other words.",
    },
    "medical_advice": {
        "zh": "抱歉，用药和病情方面的问题我不能回答，请咨询医生或药师。",
        "en": "I'm sorry, I can't give advice about medicines or symptoms; please ask a doctor "
        "or pharmacist.",
    },
    "switch_language": {
        "zh": "好的，我们说中文。请问有什么可以帮您？",
        "en": "Sure, let's speak English. How can I help you?",
    },
}


def fixed_reply(key: str, lang: Lang) -> str:
    """One of the kiosk's own replies."""
    return _FIXED[key][lang]


def ticket_reply(pack: Pack, code: str | None, lang: Lang) -> str:
    """Confirms a ticket for service `code`, or asks which service when it is not known."""
    service = pack.service(code) if code else None
    if service is not None:
        name = service.name.get(lang)
        if lang == "zh":
            return f"好的，正在为您取{name}的号，请稍候。"
        return f"Certainly, I'm printing a ticket for {name}. One moment please."
    listing = ("、" if lang == "zh" else ", ").join(
        f"{s.code} {s.name.get(lang)}" for s in pack.services
    )
    if not listing:
        return fixed_reply("call_staff", lang)
    if lang == "zh":
        return f"请问您要办理哪项业务？{listing}。"
    return f"Which service do you need? {listing}."


def offer_reply(phrasing: str, lang: Lang) -> str:
    """Asks whether the visitor meant the entry asked as `phrasing` ("did you mean")."""
    phrasing = phrasing.rstrip("?？。.!！ ")
    if lang == "zh":
        return f"您是不是想问：“{phrasing}”？是的话，请说“是”。"
    return f'Did you mean: "{phrasing}"? If so, just say yes.'
