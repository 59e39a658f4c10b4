"""`kiosk report`: numbers from the log, a self-contained page, the page as Chromium draws it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from opsasked import AskedSession
from PIL import Image

from kiosk.config import LogConfig
from kiosk.convlog import ConversationLog, Turn
from kiosk.report import ReportError, parse_since, render_html, summarise

KIOSK = [sys.executable, "-m", "kiosk"]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NOW = time.time()


def _turn(question: str, *, hours_ago: float = 1, handoff: bool = False,
          intent: str | None = None, latency: float = 20) -> Turn:
    return Turn(NOW - hours_ago * 3600, "voice", "zh", question, () if handoff else ("x",),
                "handoff" if handoff else "grounded", handoff, intent, latency)


def test_since_takes_minutes_hours_days_weeks_or_all() -> None:
    assert parse_since("7d", 1_000_000) == 1_000_000 - 7 * 86_400
    assert parse_since("90m", 10_000) == 10_000 - 5_400
    assert parse_since("all", 5) == 0
    with pytest.raises(ReportError, match="7d"):
        parse_since("last week", 5)


def test_summary_groups_questions_and_lists_unanswered_verbatim() -> None:
    turns = [
        _turn("末班车几点", latency=10), _turn("末班车几点？", latency=20),
        _turn("Where is the toilet?", latency=30),
        _turn("你们卖冰淇淋吗", handoff=True, latency=40),
        _turn("你们卖冰淇淋吗", handoff=True, latency=50),
        _turn("转人工", handoff=True, intent="call_staff", latency=1),
    ]
    summary = summarise(turns, [(NOW - 60, "approached")], 0.0, NOW)
    assert summary.turns == 6 and summary.visitors == 1 and summary.handoffs == 3
    assert summary.top_questions[0] == ("末班车几点", 2)  # "？" at the end groups with it
    assert "转人工" not in dict(summary.top_questions)  # a command, not a question
    assert [(q, n) for q, n, _ in summary.unanswered] == [("你们卖冰淇淋吗", 2)]
    assert dict(summary.latency_ms)[50] == pytest.approx(25.0)  # of 1, 10 … 50
    assert sum(summary.by_hour) == 6
    assert summary.top_sources == (("x", 3),)


def test_page_is_self_contained_and_escapes_questions() -> None:
    turns = [_turn("<script>alert(1)</script>", handoff=True)]
    page = render_html(summarise(turns, [], 0.0, NOW))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert page.count("<svg") >= 4


def _kiosk(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KIOSK, *args], input=stdin, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
def test_report_after_kiosk_ask_turns_renders_in_chromium(
    tmp_path: Path, asked: AskedSession, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    shutil.copytree(asked.data_dir, data)  # four real `kiosk ask` turns, two unanswered
    assert len(asked.answers) == 4
    with ConversationLog(data / "log" / "conversations.db", LogConfig()) as log:
        # a day of traffic besides, so the hourly chart has bars in several hours
        for hour in range(0, 24, 3):
            log.record_turn(channel="touch", question="opening hours", lang="en",
                            sources=["opening-hours"], handoff=False, latency_ms=hour * 10,
                            t=NOW - hour * 3600)
            log.record_presence("approached", t=NOW - hour * 3600)
        assert [t.channel for t in log.turns()].count("cli") == 4

    out = tmp_path / "report.html"
    done = _kiosk("report", "--data-dir", str(data), "--since", "2d", "--out", str(out))
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert "do you sell ice cream on the moon" in page.split('id="unanswered"')[1]
    assert "几点开门" not in page.split('id="unanswered"')[1].split("</table>")[0]

    from kiosk.cli import main  # the same numbers, for scripts

    assert main(["report", "--data-dir", str(data), "--since", "2d", "--json"]) == 0
    numbers = json.loads(capsys.readouterr().out)
    assert [q for q, _, _ in numbers["unanswered"]] == ["do you sell ice cream on the moon"]
    assert numbers["turns"] == 12 and numbers["visitors"] == 8

    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1300,2400", f"--screenshot={shot}", out.as_uri()],
                   capture_output=True, timeout=120, check=True)
    image = Image.open(shot).convert("RGB")
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 20) or []}
    # the bars were drawn: the chart blue, the handoff red and the answered green are on screen
    assert {(0x3B, 0x6E, 0xA5), (0xC0, 0x39, 0x2B), (0x3B, 0x8C, 0x4A)} <= colours


def test_days_without_questions_show_as_zero() -> None:
    def at(day: int, hour: int) -> Turn:
        t = time.mktime((2026, 3, day, hour, 0, 0, 0, 0, -1))
        return Turn(t, "voice", "en", "q", (), "grounded", False, None, 10)

    summary = summarise([at(1, 9), at(1, 17), at(4, 10)], [], 0.0, NOW)
    assert summary.by_day == (("03-01", 2), ("03-02", 0), ("03-03", 0), ("03-04", 1))
    assert "Questions per day" in render_html(summary)


def _at(seconds: float, question: str, *, lang: str = "zh", sources: tuple[str, ...] = (),
        handoff: bool = False, intent: str | None = None) -> Turn:
    return Turn(NOW - 3600 + seconds, "voice", lang, question, sources,
                "handoff" if handoff else "grounded", handoff, intent, 20)


def test_questions_confirmed_after_an_offer_are_listed_as_phrasings_to_add() -> None:
    night = "夜里突然不舒服，医院还有人看吗"
    turns = [
        _at(0, night, handoff=True),
        _at(8, "是的", sources=("emergency-hours",), intent="confirm"),
        _at(600, night + "？", handoff=True),  # asked again another day, the same way
        _at(610, "对", sources=("emergency-hours",), intent="confirm"),
        _at(900, "Can I bring my <dog>?", lang="en", handoff=True),
        _at(905, "yes", lang="en", sources=("pets",), intent="confirm"),
        _at(1200, "wifi?", lang="en", handoff=True),
        _at(1500, "yes", lang="en", sources=("wifi",), intent="confirm"),  # 5 min later
        _at(1800, "几点开门", sources=("opening-hours",)),
        _at(1805, "是的", sources=("opening-hours",), intent="confirm"),  # after an answer
        _at(2000, "转人工", handoff=True, intent="call_staff"),
        _at(2004, "是的", intent="confirm"),  # nothing was offered: no sources
    ]
    summary = summarise(turns, [], 0.0, NOW)
    assert summary.confirmed == (
        (night, "zh", "emergency-hours", 2),
        ("Can I bring my <dog>?", "en", "pets", 1),
    )
    # The handed-off questions stay in the unanswered list: they were handed off.
    assert night in [q for q, _, _ in summary.unanswered]
    table = render_html(summary).split('id="confirmed"')[1].split("</table>")[0]
    assert "emergency-hours" in table and "&lt;dog&gt;" in table and "wifi" not in table
    assert 'id="confirmed"' not in render_html(summarise(turns[8:], [], 0.0, NOW))


def test_report_json_lists_confirmed_phrasings_from_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with ConversationLog(tmp_path / "log" / "conversations.db", LogConfig()) as log:
        log.record_turn(channel="cli", question="where do I sign in to see a doctor",
                        lang="en", sources=[], handoff=True, latency_ms=40, t=NOW - 20)
        log.record_turn(channel="cli", question="yes", lang="en", sources=["registration"],
                        handoff=False, latency_ms=5, mode="grounded", intent="confirm",
                        t=NOW - 12)
    from kiosk.cli import main

    assert main(["report", "--data-dir", str(tmp_path), "--since", "1h", "--json"]) == 0
    numbers = json.loads(capsys.readouterr().out)
    assert numbers["confirmed"] == [
        ["where do I sign in to see a doctor", "en", "registration", 1]
    ]
