"""The manager's report: what visitors asked and what went unanswered, as one HTML file.

`summarise` turns logged turns into numbers; `render_html` writes a self-contained page whose
charts are inline SVG drawn here (kiosk/svgchart.py), so it opens on a machine with no network.
"""

from __future__ import annotations

import html
import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from kiosk.convlog import Turn
from kiosk.errors import KioskError
from kiosk.svgchart import bar_chart, hbar_chart

PERCENTILES = (50, 90, 95, 99)
CONFIRM_WITHIN_S = 120.0
"""A yes counts for the handoff before it only this soon after (the visitor still there)."""

_SINCE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$")
_UNIT_S = {"m": 60.0, "h": 3600.0, "d": 86_400.0, "w": 604_800.0}


class ReportError(KioskError):
    """The report was asked for with a bad option."""

    code = "report"


def parse_since(text: str, now: float) -> float:
    """`7d`, `24h`, `30m`, `2w` → the unix time that long before `now`; `all` → 0."""
    if text.strip().lower() == "all":
        return 0.0
    match = _SINCE.match(text)
    if not match:
        raise ReportError(
            f"--since {text!r} is not a period",
            hint="write a number and a unit: 30m, 24h, 7d, 2w, or 'all'",
        )
    return now - float(match.group(1)) * _UNIT_S[match.group(2)]


@dataclass(frozen=True, slots=True)
class Summary:
    """The numbers behind the report."""

    since: float
    until: float
    turns: int
    visitors: int
    """Visitors who walked up (presence `approached` events)."""
    by_hour: tuple[int, ...]
    """Questions per local hour of day, 0…23."""
    by_day: tuple[tuple[str, int], ...]
    """Questions per local day (MM-DD), from the first to the last day with a turn."""
    visitors_by_hour: tuple[int, ...]
    top_questions: tuple[tuple[str, int], ...]
    """The most asked questions (grouped ignoring case and end punctuation), with counts."""
    unanswered: tuple[tuple[str, int, float], ...]
    """Questions handed off because the pack had no answer: verbatim, count, last time asked."""
    confirmed: tuple[tuple[str, str, str, int], ...]
    """Questions handed off with "Did you mean …?" and then confirmed with a yes: verbatim,
    language, the entry the visitor said yes to, count. Each is a visitor's own phrasing of
    that entry, the edit that helps the pack most (docs/retrieval.md)."""
    top_sources: tuple[tuple[str, int], ...]
    """The pack entries (FAQ ids, doc sections) that answered most, by their first source."""
    handoffs: int
    """Turns that ended with staff called (for any reason)."""
    latency_ms: tuple[tuple[int, float], ...]
    """(percentile, milliseconds) for PERCENTILES; empty with no turns."""
    channels: tuple[tuple[str, int], ...]
    langs: tuple[tuple[str, int], ...]
    modes: tuple[tuple[str, int], ...]

    @property
    def handoff_rate(self) -> float:
        return self.handoffs / self.turns if self.turns else 0.0


def _key(question: str) -> str:
    return re.sub(r"[\s?？!！。.,，、]+$", "", question.strip()).casefold()


def _grouped(questions: Iterable[str]) -> list[tuple[str, int, str]]:
    """(most common spelling, count, key) per question key, most asked first."""
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for question in questions:
        key = _key(question)
        counts[key] += 1
        spellings.setdefault(key, Counter())[question.strip()] += 1
    return [(spellings[key].most_common(1)[0][0], n, key) for key, n in counts.most_common()]


def _confirmed(turns: Sequence[Turn]) -> list[tuple[str, str, str, int]]:
    """(question, language, entry, count) for each handed-off question whose offer the next
    turn, within CONFIRM_WITHIN_S, took with a yes; most confirmed first."""
    counts: Counter[tuple[str, str, str]] = Counter()
    spellings: dict[tuple[str, str, str], Counter[str]] = {}
    previous: Turn | None = None
    for turn in sorted(turns, key=lambda t: t.t):
        if (turn.intent == "confirm" and turn.sources and previous is not None
                and previous.unanswered and turn.t - previous.t <= CONFIRM_WITHIN_S):
            key = (_key(previous.question), previous.lang, turn.sources[0])
            counts[key] += 1
            spellings.setdefault(key, Counter())[previous.question.strip()] += 1
        previous = turn
    return [(spellings[key].most_common(1)[0][0], key[1], key[2], n)
            for key, n in counts.most_common()]


def summarise(
    turns: Sequence[Turn], presence: Sequence[tuple[float, str]], since: float, until: float,
    top: int = 15,
) -> Summary:
    """Count, group and rank the turns of a period."""
    by_hour = [0] * 24
    days: Counter[str] = Counter()
    for turn in turns:
        by_hour[time.localtime(turn.t).tm_hour] += 1
        days[time.strftime("%Y-%m-%d", time.localtime(turn.t))] += 1
    visitors_by_hour = [0] * 24
    arrivals = [t for t, kind in presence if kind == "approached"]
    for t in arrivals:
        visitors_by_hour[time.localtime(t).tm_hour] += 1
    questions = [turn for turn in turns if turn.intent is None]
    missed = [turn for turn in turns if turn.unanswered]
    last_asked: dict[str, float] = {}
    for turn in missed:
        last_asked[_key(turn.question)] = turn.t
    latencies = np.array([turn.latency_ms for turn in turns], dtype=float)
    return Summary(
        since=since,
        until=until,
        turns=len(turns),
        visitors=len(arrivals),
        by_hour=tuple(by_hour),
        by_day=_every_day(days),
        visitors_by_hour=tuple(visitors_by_hour),
        top_questions=tuple(
            (text, n) for text, n, _ in _grouped(t.question for t in questions)[:top]
        ),
        unanswered=tuple(
            (text, n, last_asked[key]) for text, n, key in _grouped(t.question for t in missed)
        ),
        confirmed=tuple(_confirmed(turns)),
        top_sources=tuple(
            Counter(turn.sources[0] for turn in turns if turn.sources).most_common(top)
        ),
        handoffs=sum(turn.handoff for turn in turns),
        latency_ms=tuple(
            (p, float(np.percentile(latencies, p))) for p in PERCENTILES
        ) if len(latencies) else (),
        channels=tuple(Counter(turn.channel for turn in turns).most_common()),
        langs=tuple(Counter(turn.lang for turn in turns).most_common()),
        modes=tuple(Counter(turn.mode for turn in turns).most_common()),
    )


def _every_day(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    """Counts for each day from the first to the last, quiet days included as 0."""
    if not counts:
        return ()
    first, last = (time.mktime(time.strptime(d, "%Y-%m-%d")) for d in (min(counts), max(counts)))
    days: list[tuple[str, int]] = []
    t = first
    while t <= last + 3600:  # an hour's slack for a daylight-saving change
        day = time.strftime("%Y-%m-%d", time.localtime(t))
        if not days or days[-1][0] != day:
            days.append((day, counts.get(day, 0)))
        t += 86_400
    return tuple((day[5:], n) for day, n in days)


_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;margin:24px;color:#1d2733;
background:#f6f7f9}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:24px 0 8px}
.period{color:#5b6675;margin-bottom:16px}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{background:#fff;border-radius:8px;padding:12px 16px;min-width:130px;
box-shadow:0 1px 2px #0002}
.card b{display:block;font-size:24px}
.grid{display:flex;gap:16px;flex-wrap:wrap;margin-top:16px;align-items:flex-start}
.panel{background:#fff;border-radius:8px;padding:12px;box-shadow:0 1px 2px #0002}
.panel h2{margin-top:0}
table{border-collapse:collapse;background:#fff} td,th{padding:4px 10px;text-align:left;
border-bottom:1px solid #e3e6ea} th{background:#eef1f4}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.none{color:#2f7d32}
"""


def _fmt_time(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t))


def _card(label: str, value: str) -> str:
    return f'<div class="card">{html.escape(label)}<b>{html.escape(value)}</b></div>'


def _unanswered_table(summary: Summary) -> str:
    if not summary.unanswered:
        return '<p class="none">Every question in this period was answered from the pack.</p>'
    rows = "".join(
        f"<tr><td>{html.escape(text)}</td><td class='n'>{n}</td><td>{_fmt_time(last)}</td></tr>"
        for text, n, last in summary.unanswered
    )
    return (
        '<table id="unanswered"><tr><th>question, as asked</th><th>times</th>'
        f"<th>last asked</th></tr>{rows}</table>"
    )


def _confirmed_table(summary: Summary) -> str:
    if not summary.confirmed:
        return ""
    rows = "".join(
        f"<tr><td>{html.escape(text)}</td><td>{html.escape(lang)}</td><td>{html.escape(entry)}</td>"
        f"<td class='n'>{n}</td></tr>"
        for text, lang, entry, n in summary.confirmed
    )
    return (
        "<h2>Confirmed after “Did you mean …?” — add these as phrasings of the entry</h2>"
        '<table id="confirmed"><tr><th>question, as asked</th><th>language</th>'
        f"<th>entry the visitor said yes to</th><th>times</th></tr>{rows}</table>"
    )


def _pairs(items: Sequence[tuple[str, int]]) -> str:
    return ", ".join(f"{html.escape(name or '—')} {n}" for name, n in items) or "—"


def render_html(summary: Summary, title: str = "Kiosk report") -> str:
    """The whole report page: no scripts, no external files."""
    hours = [f"{h:02d}" for h in range(24)]
    latency = ", ".join(f"p{p} {ms:.0f} ms" for p, ms in summary.latency_ms) or "—"
    p95 = dict(summary.latency_ms).get(95)
    top = summary.top_questions
    charts = [
        ("Questions per hour of day", bar_chart(hours, summary.by_hour, label="questions")),
        ("Answered vs handed off", hbar_chart(
            ["answered", "handed off"], [summary.turns - summary.handoffs, summary.handoffs],
            colours=("#3b8c4a", "#c0392b"), width=420)),
        ("Top questions", hbar_chart([q for q, _ in top], [n for _, n in top])),
        ("Most used answers (pack entries)", hbar_chart(
            [name for name, _ in summary.top_sources], [n for _, n in summary.top_sources],
            colours=("#3b8c4a",))),
        ("Answer latency percentiles (ms)", bar_chart(
            [f"p{p}" for p, _ in summary.latency_ms], [ms for _, ms in summary.latency_ms],
            label="ms", colour="#c77d2e", width=320)),
        *([("Questions per day", bar_chart([d for d, _ in summary.by_day],
                                           [n for _, n in summary.by_day], label="questions"))]
          if len(summary.by_day) > 1 else []),
        ("Visitors per hour of day", bar_chart(hours, summary.visitors_by_hour,
                                                label="visitors", colour="#6a8caf")),
    ]
    panels = "".join(
        f'<div class="panel"><h2>{html.escape(name)}</h2>{svg}</div>' for name, svg in charts
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{_CSS}</style></head><body>
<h1>{html.escape(title)}</h1>
<div class="period">{_fmt_time(summary.since) if summary.since else "all time"} →
{_fmt_time(summary.until)}</div>
<div class="cards">
{_card("questions", str(summary.turns))}
{_card("visitors", str(summary.visitors))}
{_card("unanswered turns", str(sum(n for _, n, _ in summary.unanswered)))}
{_card("handoff rate", f"{summary.handoff_rate:.0%}")}
{_card("p95 latency", f"{p95:.0f} ms" if p95 is not None else "—")}
</div>
<h2>Unanswered questions — add these to the pack</h2>
{_unanswered_table(summary)}
{_confirmed_table(summary)}
<div class="grid">{panels}</div>
<h2>Details</h2>
<table>
<tr><th>channels</th><td>{_pairs(summary.channels)}</td></tr>
<tr><th>languages</th><td>{_pairs(summary.langs)}</td></tr>
<tr><th>answer modes</th><td>{_pairs(summary.modes)}</td></tr>
<tr><th>latency</th><td>{latency}</td></tr>
</table>
</body></html>
"""
