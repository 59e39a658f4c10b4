"""The screen's own words in both languages (the pack supplies the institution's)."""

from __future__ import annotations

from kiosk.lang import Lang

TEXTS: dict[str, tuple[str, str]] = {
    "ask_me": ("您可以直接说话，或点一个问题", "Just speak to me, or tap a question"),
    "suggested": ("常见问题", "POPULAR QUESTIONS"),
    "take_ticket": ("取号", "Take a ticket"),
    "call_staff": ("呼叫工作人员", "Call staff"),
    "browse": ("全部问题", "All questions"),
    "home": ("返回首页", "Home"),
    "lang_toggle": ("EN", "中文"),
    "elder": ("长辈模式", "Large text"),
    "you_said": ("您说", "You said"),
    "listening": ("我在听，请说……", "I'm listening…"),
    "thinking": ("正在查找答案……", "Looking that up…"),
    "sources": ("答案来源", "SOURCE"),
    "handoff": ("已为您呼叫工作人员", "Staff have been called"),
    "choose_service": ("请选择要办理的业务", "Which service do you need?"),
    "your_number": ("您的号码", "YOUR NUMBER"),
    "waiting": ("前面还有 {n} 人在等候", "{n} people ahead of you"),
    "waiting_none": ("前面没有人，请留意叫号", "You're next — watch the display"),
    "scan": ("扫码查看排队进度", "Scan to follow the queue"),
    "ticket_hint": (
        "请取走打印的号票，留意叫号屏",
        "Please take your printed ticket and watch the display",
    ),
    "staff_title": ("工作人员马上就到", "A member of staff is on the way"),
    "staff_hint": (
        "请在此稍候，我们会尽快为您服务",
        "Please wait here — someone will be with you shortly",
    ),
    "more": ("您还可以问", "YOU CAN ALSO ASK"),
    "near": ("您是不是想问", "DID YOU MEAN"),
    "categories": ("按类别浏览", "BROWSE BY TOPIC"),
    "all": ("全部", "All"),
}

TAGS: dict[str, tuple[str, str]] = {
    "accessibility": ("无障碍", "Accessibility"), "accounts": ("开户与账户", "Accounts"),
    "atm": ("自助设备", "ATMs"), "branch": ("网点服务", "Branch"),
    "business": ("商务", "Business"), "cards": ("卡片", "Cards"),
    "cash": ("现金", "Cash"), "concierge": ("礼宾", "Concierge"),
    "credit-card": ("信用卡", "Credit cards"), "deposits": ("存款", "Deposits"),
    "digital": ("手机银行", "Digital banking"), "dining": ("餐饮", "Dining"),
    "exhibits": ("展览", "Exhibitions"), "explore": ("周边游览", "Explore"),
    "facilities": ("设施", "Facilities"), "family": ("亲子", "Families"),
    "fares": ("票价", "Fares"), "food": ("餐饮", "Food"), "forex": ("外汇", "Foreign exchange"),
    "help": ("帮助", "Help"), "learning": ("教育活动", "Learning"),
    "leisure": ("休闲", "Leisure"), "lines": ("线路", "Lines"), "loans": ("贷款", "Loans"),
    "lost": ("失物招领", "Lost property"), "membership": ("会员", "Membership"),
    "payment": ("支付", "Payment"), "payments": ("缴费", "Payments"),
    "policy": ("规定", "Policies"), "room": ("客房", "Rooms"), "rules": ("乘车规定", "Rules"),
    "safety": ("安全", "Safety"), "security": ("安全", "Security"),
    "shopping": ("购物", "Shopping"), "social-security": ("社保", "Social security"),
    "station": ("车站", "Station"), "stay": ("入住", "Your stay"),
    "support": ("支持", "Support"), "tickets": ("门票", "Tickets"),
    "timetable": ("时刻", "Timetable"), "tours": ("讲解导览", "Tours"),
    "transfers": ("转账", "Transfers"), "transport": ("交通", "Transport"),
    "visit": ("参观", "Visiting"), "wealth": ("理财", "Wealth"),
}  # fmt: skip
"""Labels for the tags the shipped packs use; any other tag is shown as written."""


def text(key: str, lang: Lang, **values: object) -> str:
    """One of the screen's texts in `lang`."""
    zh, en = TEXTS[key]
    return (zh if lang == "zh" else en).format(**values)


def tag_label(tag: str, lang: Lang) -> str:
    """A category's name for the browse screen."""
    if tag in TAGS:
        return TAGS[tag][0 if lang == "zh" else 1]
    return tag.replace("-", " ").capitalize()
