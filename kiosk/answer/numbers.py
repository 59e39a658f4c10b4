"""The numbers a sentence states — prices, times, weekdays, extensions, codes — in canonical form.

A wrong number is the worst thing a kiosk can say ("the last train is at 23:30"), and lexical
overlap cannot see it: "3 yuan" and "5 yuan" share every word. So every number a generated
sentence states must be found among the numbers of the retrieved entries. Both sides are
brought to the same forms first: 九点 = 9点 = 9:00 = 9 a.m.; 下午5点 also reads as 17:00; 周一 =
Monday; "ext. 8021" = 分机8021 = 8021.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
# Chinese numerals count as numbers only before a unit: 一 alone is in 一下, 一起, 统一.
_ZH_NUMERAL = re.compile(
    r"[零〇一二两三四五六七八九十百千万]+(?=点|元|块|分钟|小时|个小时|天|个月|年|岁|公里|米|楼|层|号|路|折|站|%)"
)
_ZH_TIME_AFTER_ONE = re.compile(r"点(?:钟|半|\d|[零〇一二三四五六七八九十])")
_EN_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
             "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
             "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100}
_EN_WORD = re.compile(r"\b(" + "|".join(_EN_WORDS) + r")\b")
_WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_EN = re.compile(r"\b(" + "|".join(_WEEKDAYS_EN) + r")s?\b")
_WEEKDAY_ZH = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_WEEKDAYS_ZH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
_AFTERNOON_ZH = ("下午", "晚上", "傍晚", "夜里", "夜间")
_TIME_EN = re.compile(r"(?<![\d.])(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s?m\b\.?")
_TIME_COLON = re.compile(r"(?<![\d.:])(\d{1,2}):(\d{2})(?![\d:])")
_TIME_ZH = re.compile(r"(\d{1,2})点(?:钟)?(半|(\d{1,2})分?)?")
_DASHED = re.compile(r"(?<![a-z0-9-])\d+(?:-\d+)+(?![a-z0-9-])")
_TOKEN = re.compile(r"[a-z]*\d[a-z0-9]*(?:[.,]\d+)*")
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
_PHONE_DIGITS = 7
"""A dashed digit run this long is a phone number; shorter ones ("3-5") are ranges."""


@dataclass(frozen=True, slots=True)
class Mention:
    """One number stated in a text."""

    text: str
    """As written, e.g. "9点半" or "8021"."""
    forms: frozenset[str]
    """Canonical forms it may stand for; it is supported when the entries have any of them."""


_Reader = Callable[[re.Match[str], str], list[Mention]]
"""Reads the mentions of one match; gets the whole (prepared) text for context such as 下午."""


def mentions(text: str) -> list[Mention]:
    """Every number stated in `text`, in canonical forms."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _ZH_NUMERAL.sub(_replace_zh_numeral, text)
    text = _EN_WORD.sub(lambda m: str(_EN_WORDS[m.group(1)]), text)
    found: list[Mention] = []
    readers: tuple[tuple[re.Pattern[str], _Reader], ...] = (
        (_WEEKDAY_EN, lambda m, _: [_one(m, f"day:{_WEEKDAYS_EN.index(m.group(1)) + 1}")]),
        (_WEEKDAY_ZH, lambda m, _: [_one(m, f"day:{_WEEKDAYS_ZH[m.group(1)]}")]),
        (_TIME_EN, _read_time_en),
        (_TIME_ZH, _read_time_zh),
        (_TIME_COLON, lambda m, t: [_time(m, int(m.group(1)), int(m.group(2)), _pm_zh(t, m))]),
        (_DASHED, _read_dashed),
        (_TOKEN, _read_token),
    )
    for pattern, read in readers:
        for match in pattern.finditer(text):
            found.extend(read(match, text))
        # Blank out what was read so that a later, looser pattern does not read it again.
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return found


def evidence_forms(text: str) -> frozenset[str]:
    """Every canonical form the numbers of an entry's text can support."""
    return frozenset(form for mention in mentions(text) for form in mention.forms)


def unsupported(text: str, evidence: frozenset[str]) -> tuple[str, ...]:
    """The numbers stated in `text` that none of the evidence forms supports, as written."""
    return tuple(m.text for m in mentions(text) if not m.forms & evidence)


def _one(match: re.Match[str], form: str) -> Mention:
    return Mention(match.group(0).strip(), frozenset({form}))


def _time(match: re.Match[str], hour: int, minute: int, pm: bool) -> Mention:
    hours = {hour, hour + 12} if pm and hour < 12 else {hour}
    forms = {f"{h}:{minute:02d}" for h in hours}
    if minute == 0:
        forms |= {str(h) for h in hours}  # "9:00" and "9" say the same; "9:30" and "9" do not
    return Mention(match.group(0).strip().rstrip("."), frozenset(forms))


def _read_time_en(match: re.Match[str], _: str) -> list[Mention]:
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    return [_time(match, hour, minute, match.group(3) == "p")]


def _read_time_zh(match: re.Match[str], text: str) -> list[Mention]:
    half, minutes = match.group(2), match.group(3)
    minute = 30 if half == "半" else int(minutes or 0)
    return [_time(match, int(match.group(1)), minute, _pm_zh(text, match))]


def _pm_zh(text: str, match: re.Match[str]) -> bool:
    before = text[max(0, match.start() - 3):match.start()]
    return any(word in before for word in _AFTERNOON_ZH)


def _read_dashed(match: re.Match[str], _: str) -> list[Mention]:
    groups = match.group(0).split("-")
    joined = "".join(groups)
    if len(joined) < _PHONE_DIGITS:
        return [Mention(group, frozenset({str(int(group))})) for group in groups]
    # Whole only: "8820" alone is not the hotline 400-820-8820.
    return [Mention(match.group(0), frozenset({joined}))]


def _read_token(match: re.Match[str], _: str) -> list[Mention]:
    written = match.group(0)
    token = written.replace(",", "") if _THOUSANDS.fullmatch(written) else written
    ordinal = _ORDINAL.fullmatch(token)
    if ordinal:
        return [Mention(written, frozenset({ordinal.group(1)}))]
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return [Mention(written, frozenset({_plain_number(token)}))]
    if re.fullmatch(r"[\d.,]+", token):
        # "1,2" or "3,5,7": a list of numbers.
        parts = re.findall(r"\d+", token)
        return [Mention(part, frozenset({_plain_number(part)})) for part in parts]
    # A code such as B2 or reading2024 must be found whole: "the password is 2024" is wrong.
    return [Mention(written, frozenset({token}))]


def _plain_number(token: str) -> str:
    if "." not in token:
        return token
    whole, fraction = token.split(".", 1)
    fraction = fraction.rstrip("0")
    return f"{int(whole)}.{fraction}" if fraction else str(int(whole))


def _replace_zh_numeral(match: re.Match[str]) -> str:
    numeral = match.group(0)
    after = match.string[match.end():]
    if numeral == "一" and after.startswith("点") and not _ZH_TIME_AFTER_ONE.match(after):
        return numeral  # 一点 is "a little" unless a time follows (一点半, 一点钟)
    return str(_zh_numeral(numeral))


def _zh_numeral(digits: str) -> int:
    """九 → 9, 二十五 → 25, 一百零五 → 105, 两万 → 20000."""
    total, section, current = 0, 0, 0
    for char in digits:
        if char in _ZH_DIGITS:
            current = _ZH_DIGITS[char]
        elif char == "万":
            total += (section + current) * 10000
            section, current = 0, 0
        else:
            section += (current or 1) * _ZH_UNITS[char]
            current = 0
    return total + section + current
