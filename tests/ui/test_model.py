"""What the screen shows, from event sequences alone (the pure view model, no Qt)."""

from __future__ import annotations

from kiosk.events import (
    AnswerReady,
    AnswerSentence,
    DeviceStatus,
    Heard,
    PartialTranscript,
    SpeakingStarted,
    SpeakingStopped,
    StaffCalled,
    StateChanged,
    TicketIssued,
    VisemeKey,
    VisemeTimeline,
)
from kiosk.ui.model import ScreenEvent, View, reduce, tapped


def run(events: list[ScreenEvent], view: View | None = None, now: float = 0.0) -> View:
    view = view or View()
    for event in events:
        view = reduce(view, event, now)
    return view


def speaking(t: float, text: str, seconds: float) -> SpeakingStarted:
    return SpeakingStarted(t, text, VisemeTimeline((VisemeKey("aa", 0.0, seconds),), offset=t))


TURN: list[ScreenEvent] = [
    StateChanged(1.0, "listening", "engaged"),
    PartialTranscript(1.2, "末班车"),
    PartialTranscript(1.5, "末班车几点"),
    StateChanged(2.0, "thinking", "listening"),
    AnswerReady(2.1, "末班车几点", "末班车23:15。首班车6:05。", ("first-last-train",), False, "zh"),
    StateChanged(2.1, "speaking", "thinking"),
    AnswerSentence(2.1, "末班车23:15。", 0, "zh"),
    speaking(2.2, "末班车23:15。", 2.0),
]


def test_a_spoken_turn_shows_captions_answer_and_sources() -> None:
    view = run(TURN[:3])
    assert view.screen == "conversation" and view.heard == "末班车几点"
    view = run(TURN)
    assert view.answer == "末班车23:15。首班车6:05。" and view.sources == ("first-last-train",)
    assert view.speaking and view.speech == (2.2, 4.2)


def test_the_highlight_follows_the_sentence_being_spoken() -> None:
    view = run(TURN)
    assert view.spoken_chars(2.2) == 0
    assert view.spoken_chars(3.2) == len("末班车23:15。") // 2
    view = run(
        [
            SpeakingStopped(4.2, interrupted=False),
            AnswerSentence(4.3, "首班车6:05。", 1, "zh"),
            speaking(4.3, "首班车6:05。", 1.0),
        ],
        view,
    )
    assert view.spoken_chars(4.3) == len("末班车23:15。")
    cut = reduce(view, SpeakingStopped(4.8, interrupted=True), 4.8)
    assert not cut.speaking and cut.spoken_chars(99.0) == len("末班车23:15。") + 4


def test_streamed_sentences_build_the_answer_in_english_with_spaces() -> None:
    view = run(
        [
            StateChanged(0.0, "thinking", "engaged"),
            AnswerSentence(0.1, "Line 1 is on B2.", 0, "en"),
            AnswerSentence(0.2, "Line 2 is on B3.", 1, "en"),
        ]
    )
    assert view.answer == "Line 1 is on B2. Line 2 is on B3." and view.lang == "en"


def test_a_new_turn_replaces_the_last_answer() -> None:
    view = run(TURN)
    view = tapped(view, "How do I change to Line 2?")
    assert view.heard == "How do I change to Line 2?" and view.answer == ""
    view = run(
        [
            StateChanged(5.0, "thinking", "speaking"),
            AnswerReady(
                5.1, "How do I change to Line 2?", "Take the stairs.", ("transfer",), False, "en"
            ),
        ],
        view,
    )
    assert view.answer == "Take the stairs." and view.sources == ("transfer",)


def test_ticket_staff_faults_and_back_to_idle() -> None:
    view = run([TicketIssued(1.0, "A001", "Cash", 2)])
    assert view.screen == "ticket" and view.ticket is not None and view.ticket.ticket == "A001"
    view = run([StaffCalled(2.0, "button")], view)
    assert view.screen == "staff"
    view = run([DeviceStatus(3.0, "printer", "fail", "paper out")], view)
    assert [f.detail for f in view.faults] == ["paper out"]
    view = run([StateChanged(4.0, "idle", "engaged")], view)
    assert view.screen == "staff" and view.faults  # idle does not hide what staff must see
    view = run([DeviceStatus(5.0, "printer", "ok", "")], view)
    assert view.faults == ()
    conversation = run([*TURN, StateChanged(9.0, "idle", "engaged")])
    assert conversation.screen == "attract" and conversation.answer == ""


def test_the_cores_heard_captions_show_what_the_visitor_says() -> None:
    view = run([Heard(1.0, "小安小安", "wake", "zh")])
    assert view.heard == "" and view.screen == "attract"
    view = run([Heard(1.1, "末班", "partial", "zh"), Heard(1.4, "末班车几点", "final", "zh")], view)
    assert view.screen == "conversation" and view.heard == "末班车几点"


def test_a_handoff_answer_stays_on_the_conversation() -> None:
    view = run(
        [
            AnswerReady(1.0, "讲个笑话", "已为您呼叫工作人员。", (), True, "zh"),
            StaffCalled(1.1, "handoff"),
        ]
    )
    assert view.screen == "conversation" and view.handoff
