"""The screens and the touch flow (pytest-qt, real windows under Xvfb), with the real engine
behind the screen's demo core, and the GL avatar drawing in the window."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from kiosk.assemble import Knowledge
from kiosk.events import AnswerReady, FinalTranscript, QuestionTapped, TicketIssued, Touched


@pytest.fixture
def screen(qtbot: Any, tiny_knowledge: Knowledge, demo_core: Any) -> Iterator[Any]:
    from kiosk.ui.app import build_screen

    built = build_screen(tiny_knowledge.pack, demo_core, "xiaojiang")
    qtbot.addWidget(built.window)
    built.window.resize(540, 960)
    built.window.show()
    qtbot.waitUntil(lambda: built.avatar.frames > 0, timeout=10_000)
    yield built
    built.window.close()


def texts(widget: Any) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel) if label.isVisible()]


def buttons(widget: Any) -> list[QPushButton]:
    return [b for b in widget.findChildren(QPushButton) if b.isVisible()]


def tap(qtbot: Any, button: QPushButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.wait(60)  # widgets added to a shown layout appear on the next event loop turn


def test_attract_screen_greets_and_suggests_questions(screen: Any) -> None:
    window = screen.window
    assert window.view.screen == "attract"
    shown = texts(window.attract)
    assert "您好，欢迎来到小小图书馆。" in shown
    assert "图书馆几点开门" in shown  # the pack's suggested entry, as visitors ask it
    assert "小小图书馆" in texts(window)


def test_tapping_a_question_answers_it_as_if_asked_aloud(
    qtbot: Any, screen: Any, demo_core: Any
) -> None:
    window = screen.window
    posted: list[Any] = []
    heard: list[AnswerReady] = []
    original = demo_core.post
    demo_core.post = lambda event: (posted.append(event), original(event))
    demo_core.subscribe(lambda e: heard.append(e) if isinstance(e, AnswerReady) else None)
    question = next(b for b in buttons(window.attract) if b.accessibleName() == "图书馆几点开门")
    tap(qtbot, question)
    assert any(isinstance(e, QuestionTapped) and e.text == "图书馆几点开门" for e in posted)
    # every press also wakes the kiosk and stops speech, once per press
    assert isinstance(posted[0], Touched) and sum(isinstance(e, Touched) for e in posted) == 1
    qtbot.waitUntil(
        lambda: window.view.screen == "conversation" and bool(window.view.answer), timeout=20_000
    )
    assert window.view.answer == "我们每天上午9点到晚上9点开放，周一上午闭馆。"
    assert window.view.sources == ("opening-hours",)
    assert "图书馆几点开门" in texts(window.conversation)  # "you said"
    qtbot.waitUntil(lambda: any("✓" in t for t in texts(window.conversation)), timeout=5_000)
    # the same words spoken aloud get the same answer and sources
    demo_core.post(FinalTranscript(0.0, "图书馆几点开门", "zh", 0.0))
    qtbot.waitUntil(lambda: len(heard) == 2, timeout=20_000)
    assert (heard[0].text, heard[0].sources) == (heard[1].text, heard[1].sources)


def test_the_answer_is_highlighted_as_it_is_spoken(qtbot: Any, screen: Any) -> None:
    window = screen.window
    window.ask("Are you open at weekends?")
    qtbot.waitUntil(lambda: window.view.speaking, timeout=20_000)
    start, end = window.view.speech
    assert end > start
    early = window.view.spoken_chars(start + 0.1 * (end - start))
    late = window.view.spoken_chars(start + 0.9 * (end - start))
    assert 0 <= early < late <= len(window.view.answer)
    assert screen.avatar.animator.timeline is not None  # the mouth follows the same speech
    qtbot.waitUntil(lambda: not window.view.speaking, timeout=20_000)
    assert window.view.spoken_chars(end + 1) == len(window.view.answer)


def test_browsing_by_topic_then_tapping_asks(qtbot: Any, screen: Any) -> None:
    window = screen.window
    tap(qtbot, window.browse_button)
    assert window.view.screen == "browse"
    topics = {b.text(): b for b in buttons(window.browse) if b.objectName() == "Tag"}
    assert {"全部", "Hours"} <= topics.keys()
    all_questions = [b for b in buttons(window.browse) if b.objectName() == "Question"]
    assert len(all_questions) == 3
    tap(qtbot, topics["Hours"])
    only = [b for b in buttons(window.browse) if b.objectName() == "Question"]
    assert [b.accessibleName() for b in only] == ["图书馆几点开门"]
    tap(qtbot, only[0])
    qtbot.waitUntil(lambda: window.view.sources == ("opening-hours",), timeout=20_000)


def test_language_toggle_and_elder_mode(qtbot: Any, screen: Any) -> None:
    window = screen.window
    small = window.theme.px(44)
    tap(qtbot, window.lang_button)
    assert window.view.lang == "en"
    assert "Hello, welcome to the Tiny Library." in texts(window.attract)
    assert window.ticket_button.text() == "Take a ticket"
    tap(qtbot, window.elder_button)
    assert window.view.elder and window.theme.px(44) > small
    assert "What are your opening hours?" in [b.accessibleName() for b in buttons(window.attract)]


def test_taking_a_ticket_shows_number_service_and_qr(
    qtbot: Any, screen: Any, demo_core: Any
) -> None:
    window = screen.window
    issued: list[TicketIssued] = []
    demo_core.subscribe(lambda e: issued.append(e) if isinstance(e, TicketIssued) else None)
    tap(qtbot, window.ticket_button)
    assert window.view.screen == "services"
    service = next(b for b in buttons(window.services) if "办证" in b.text())
    tap(qtbot, service)
    qtbot.waitUntil(lambda: window.view.screen == "ticket", timeout=10_000)
    assert issued[0].ticket == "B001"
    shown = texts(window.ticket)
    assert "B001" in shown and "办证" in shown
    qr = next(
        label
        for label in window.ticket.findChildren(QLabel)
        if label.pixmap() is not None and not label.pixmap().isNull()
    )
    assert qr.pixmap().width() > 100


def test_call_staff_and_landscape(qtbot: Any, screen: Any) -> None:
    window = screen.window
    tap(qtbot, window.staff_button)
    qtbot.waitUntil(lambda: window.view.screen == "staff", timeout=10_000)
    assert "工作人员马上就到" in texts(window.staff)
    window.resize(960, 540)
    qtbot.waitUntil(
        lambda: window.avatar.geometry().right() < window.width() * 0.6, timeout=5_000
    )  # avatar on the left, screens on the right


def test_a_handoff_offers_what_came_close(
    qtbot: Any, screen: Any, demo_core: Any, tiny_knowledge: Knowledge
) -> None:
    window = screen.window
    demo_core._emit(AnswerReady(0.0, "reader card?", "已为您呼叫工作人员。", (), True, "zh",
                                "call_staff", ("library-card",)))
    qtbot.waitUntil(lambda: "您是不是想问" in texts(window.conversation), timeout=10_000)
    assert window.view.near == ("library-card",)
    entry = tiny_knowledge.pack.entry("library-card")
    assert entry is not None
    first = entry.questions.get("zh")[0]
    qtbot.waitUntil(  # the entry's first question, as a button to tap
        lambda: first in [b.accessibleName() for b in buttons(window.conversation)],
        timeout=5_000)
