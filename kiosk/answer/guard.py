"""Recognises attempts to manipulate the kiosk, which get the handoff text and nothing else,
and requests for personal medical advice, which get a "please ask a doctor" and the handoff.

The grounded answerer cannot be talked into anything (it only returns approved texts); the
manipulation guard matters for generative mode and keeps such turns visible in the logs as
handoffs. The medical one matters for both: a question about which medicine to take lands
close to a clinic's "which department" or a hotel's "nearest pharmacy" entry, and answering it
from there would look like advice the institution never gave.
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
    # taking on any role: "假装你是馆长", "现在你就是院长", "pretend you're the director"
    re.compile(r"(假装|扮演|充当|冒充)(一下)?(你|成)|(你现在|现在你)(就)?是"),
    re.compile(r"\b(pretend|imagine) (that )?(you re|you are|to be)\b"),
    # a claimed mode or authority: "进入调试模式", "SYSTEM OVERRIDE", "I'm authorising you"
    re.compile(
        r"(调试|维护|测试|管理员|开发者?|工程师|上帝)模式|系统(通知|指令|覆盖)|管理员指令|"
        r"(授权|命令|批准)你|\b(debug|maintenance|test|admin|administrator|developer|god|"
        r"service) mode\b|\bsystem override\b|\b(authoris|authoriz)(e|ing) you\b|"
        r"\bforget (that )?you (re|are)\b"
    ),
)


_OTHERS_DATA = (
    re.compile(
        r"(上一位|上一个|前一位|前一个|别人|他人|其他|另一位|某位)(读者|顾客|客人|乘客|患者|病人|观众|"
        r"客户|用户|人)?的.{0,12}(记录|手机|电话|号码|地址|房间|名单|身份证号|余额|信息|资料)"
    ),
    re.compile(
        r"\b(phone number|room number|address|records?|details|card number|balance)\b.{0,24}"
        r"\b((the last|the previous|another) (guest|customer|patient|reader|visitor|passenger|"
        r"person|user|caller|one)|someone else|whoever|other (guests?|customers?|"
        r"patients?|readers?|visitors?|passengers?))\b"
        r"|\b(someone else|another (guest|customer|patient|reader|visitor|passenger)) s\b"
        r"|\b(his|her|their) room number\b|\bwhich (room|ward|bed)\b.{0,30}\bis in\b"
    ),
    re.compile(r"(他|她)(住)?(在)?哪(个|间)房|(所有|全部).{0,10}(名单|电话|手机号)"),
)
"""Someone else's personal data: the kiosk never reads out another person's records."""
_FOR_SOMEONE = re.compile(
    r"充值|缴费|交费|续费|代办|代缴|掉|丢|捡|\b(top up|topping up|recharge|pay for|pay the bill|"
    r"found|lost|dropped|pick up|collect)\b"
)
"""A service done for someone else, or their lost thing: "给别人的号码充值", "can I top up
someone else's number?", "别人的身份证掉在地上了" — questions for the pack, not a data request."""


def is_manipulation(text: str) -> bool:
    """True when `text` tries to change the kiosk's rules or role, or extract its prompt."""
    cleaned = normalize(text)
    if any(pattern.search(cleaned) for pattern in _INJECTION):
        return True
    return any(pattern.search(cleaned) for pattern in _OTHERS_DATA) and not _FOR_SOMEONE.search(
        cleaned
    )


_MEDICINE = (
    r"(medicine|medicines|medication|medications|meds|pills?|tablets?|capsules?|antibiotics?|"
    r"painkillers?|ibuprofen|paracetamol|acetaminophen|aspirin|antihistamines?|"
    r"sleeping pills?|insulin)"
)
_MEDICAL_ADVICE = (
    # what to take, whether to take it, how much: "should I take antibiotics for a cold?"
    re.compile(
        rf"\b(should|must) i (take|start taking|stop taking|keep taking|be taking|use)"
        rf"( some| any| an?| more| my)? (\w+ ){{0,2}}{_MEDICINE}\b|"
        rf"\bdo i (really )?need( to take)?( some| any| an?| more)? {_MEDICINE}\b"
    ),
    re.compile(
        rf"\bwhat (kind of |sort of )?({_MEDICINE}|dose|dosage) "
        rf"(should i|do i take|can i take|could i take)\b"
    ),
    re.compile(
        rf"\bhow (much|many) (\w+ ){{0,2}}should i take\b|\bdosage\b|"
        rf"\bhow (much|many) (\w+ ){{0,2}}{_MEDICINE} (can|should|do) i\b"
    ),
    # whether two things mix: "is it safe to take ibuprofen with my blood pressure pills?"
    re.compile(r"\bis it (safe|ok|okay|alright|all right|fine|dangerous|bad) to (take|mix|combine)\b"),
    re.compile(
        rf"\b(take|taking|mix|mixing|combine|combining) (\w+ ){{0,3}}(with|and) (my )?(\w+ ){{0,3}}"
        rf"({_MEDICINE}|alcohol)\b"
    ),
    re.compile(rf"\b{_MEDICINE} (\w+ ){{0,3}}together\b"),
    # what an illness is: "I've had a headache for three days, what could it be?"
    re.compile(r"\bwhat could (it|this|that) be\b|\bwhat s wrong with me\b|\bis (it|this) serious\b"),
    re.compile(r"(吃|服|用)(点|些)?(什么|啥|哪种|哪个|哪些)药"),
    re.compile(
        r"(是不是|要不要|该不该|需不需要|用不用|得不得|需要|应该|应不应该)(得|要|开始|先){0,2}"
        r"(吃|服|用|停)(点|些|上)?.{0,6}(药|抗生素|激素)"
    ),
    re.compile(
        r"(药|片|胶囊|冲剂|布洛芬|阿司匹林|对乙酰氨基酚|抗生素|头孢|酒).{0,16}"
        r"(一起|同时|混着)(吃|服|服用|用|喝)"
    ),
    re.compile(r"(一次|每次|一天|一日)(吃|服|用)(几|多少)(片|粒|颗|次|毫升|袋)|剂量"),
    re.compile(r"(我|这)(是|得了?)(什么|啥)(毛病|病(?![房区历案号人]))"),
)


def asks_medical_advice(text: str) -> bool:
    """True when `text` asks what medicine to take, whether medicines mix, or what an illness
    is: personal medical advice, which a front desk never gives (a doctor or pharmacist does)."""
    cleaned = normalize(text)
    return any(pattern.search(cleaned) for pattern in _MEDICAL_ADVICE)
