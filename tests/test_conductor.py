"""The conductor, event by event: each test is a visit and the steps it must produce."""

from __future__ import annotations

import pytest

from kiosk.conductor import (
    Answer,
    Cancel,
    Conductor,
    EndSession,
    Greet,
    PlaybackEnded,
    PlaybackStarted,
    SetElderMode,
    SetLanguage,
    SetMic,
    Step,
    TakeTicket,
    Tick,
    TicketTaken,
    TurnAnswered,
)
from kiosk.config import VoiceConfig
from kiosk.events import (
    ButtonPressed,
    FaceSeen,
    FinalTranscript,
    PartialTranscript,
    QuestionTapped,
    SpeechStarted,
    StaffCalled,
    StateChanged,
    TicketIssued,
    Touched,
    VisitorApproached,
    VisitorLeft,
    WakeHeard,
)

CONFIG = VoiceConfig(engaged_window_s=8.0, listen_timeout_s=6.0, turn_timeout_s=60.0)


@pytest.fixture
def conductor() -> Conductor:
    return Conductor(CONFIG, lang="en")


def moved(t: float, previous: str, state: str) -> StateChanged:
    return StateChanged(t, state, previous)  # type: ignore[arg-type]


def final(t: float, text: str, lang: str = "en") -> FinalTranscript:
    return FinalTranscript(t, text, lang, speech_end_t=t - 0.3)  # type: ignore[arg-type]


def test_wake_question_answer_and_back_to_engaged(conductor: Conductor) -> None:
    wake = conductor.handle(WakeHeard(1.0, "hello kiosk", "en"))
    assert wake == Step((moved(1.0, "idle", "listening"),), (SetMic("ask"),))
    assert conductor.handle(SpeechStarted(2.0)) == Step()
    assert conductor.handle(PartialTranscript(2.5, "where is")) == Step()
    asked = conductor.handle(final(3.5, "where is the toilet"))
    assert asked == Step(
        (moved(3.5, "listening", "thinking"),),
        (SetMic("barge"), Answer(1, "where is the toilet", "en")),  # deaf before it speaks
    )
    assert conductor.handle(TurnAnswered(3.6, 1, None, handoff=False)) == Step()
    assert conductor.handle(PlaybackStarted(3.8, 1)) == Step((moved(3.8, "thinking", "speaking"),))
    done = conductor.handle(PlaybackEnded(6.0, 1))
    assert done == Step((moved(6.0, "speaking", "engaged"),), (SetMic("ask"),))
    # a follow-up question needs no wake phrase inside the window …
    follow = conductor.handle(SpeechStarted(7.0))
    assert follow == Step((moved(7.0, "engaged", "listening"),))


def test_engaged_window_expires_to_idle_when_nobody_is_seen(conductor: Conductor) -> None:
    conductor.handle(Touched(0.0))
    assert conductor.state == "engaged" and conductor.mic == "ask"
    assert conductor.handle(Tick(7.9)) == Step()
    expired = conductor.handle(Tick(8.0))
    assert expired == Step((moved(8.0, "engaged", "idle"),), (SetMic("wake"), EndSession()))
    # … and after it, speech without the wake phrase is not taken
    assert conductor.handle(SpeechStarted(9.0)) == Step()
    assert conductor.handle(final(10.0, "what time is it")) == Step()
    assert conductor.state == "idle"


def test_approach_greets_once_with_a_deaf_mic_then_listens(conductor: Conductor) -> None:
    greeted = conductor.handle(VisitorApproached(0.0, frame=12))
    assert greeted == Step((moved(0.0, "idle", "engaged"),), (SetMic("barge"), Greet(1, "en")))
    assert conductor.mic == "barge"  # the greeting itself must not be transcribed
    assert conductor.handle(VisitorApproached(0.5, frame=20)) == Step()  # no second greeting
    assert conductor.handle(PlaybackStarted(0.3, 1)) == Step((moved(0.3, "engaged", "speaking"),))
    ended = conductor.handle(PlaybackEnded(2.0, 1))
    assert ended == Step((moved(2.0, "speaking", "engaged"),), (SetMic("ask"),))
    # the window runs out but the visitor is still there: stay engaged, wait for the wake word
    assert conductor.handle(Tick(10.0)) == Step((), (SetMic("wake"),))
    assert conductor.state == "engaged"
    left = conductor.handle(VisitorLeft(15.0, frame=400))
    assert left == Step((moved(15.0, "engaged", "idle"),), (EndSession(),))


def test_wake_during_speaking_is_barge_in(conductor: Conductor) -> None:
    conductor.handle(WakeHeard(1.0, "hello kiosk", "en"))
    conductor.handle(final(3.0, "where is exit b"))
    conductor.handle(PlaybackStarted(3.4, 1))
    barge = conductor.handle(WakeHeard(4.0, "hello kiosk", "en"))
    assert barge == Step((moved(4.0, "speaking", "listening"),), (Cancel(1), SetMic("ask")))
    # the cancelled turn's late feedback changes nothing
    assert conductor.handle(PlaybackEnded(4.1, 1)) == Step()
    assert conductor.handle(TurnAnswered(4.1, 1, "ticket:A", handoff=False)) == Step()
    assert conductor.state == "listening"
    asked = conductor.handle(final(6.0, "and exit c"))
    assert asked.commands == (SetMic("barge"), Answer(2, "and exit c", "en"))


def test_touch_during_speaking_cancels_and_stays_engaged(conductor: Conductor) -> None:
    conductor.handle(QuestionTapped(1.0, "Is there wifi?", "en"))
    conductor.handle(PlaybackStarted(1.2, 1))
    touched = conductor.handle(Touched(2.0))
    assert touched == Step((moved(2.0, "speaking", "engaged"),), (Cancel(1), SetMic("ask")))


def test_stop_button_and_leaving_cancel_the_turn(conductor: Conductor) -> None:
    conductor.handle(QuestionTapped(1.0, "Is there wifi?", "en"))
    stop = conductor.handle(ButtonPressed(1.5, "stop"))
    assert stop == Step((moved(1.5, "thinking", "engaged"),), (Cancel(1), SetMic("ask")))
    conductor.handle(QuestionTapped(2.0, "Opening hours?", "en"))
    conductor.handle(PlaybackStarted(2.2, 2))
    left = conductor.handle(VisitorLeft(3.0, frame=90))
    assert left == Step(
        (moved(3.0, "speaking", "idle"),), (Cancel(2), SetMic("wake"), EndSession())
    )


def test_transcripts_while_speaking_are_ignored(conductor: Conductor) -> None:
    """Half-duplex: whatever the mic hears while the kiosk speaks is not a question."""
    conductor.handle(QuestionTapped(1.0, "Is there wifi?", "en"))
    conductor.handle(PlaybackStarted(1.2, 1))
    assert conductor.handle(SpeechStarted(1.5)) == Step()
    assert conductor.handle(final(2.0, "the wifi network is tiny lib")) == Step()
    assert conductor.state == "speaking"


def test_tapped_question_during_speaking_replaces_the_turn(conductor: Conductor) -> None:
    conductor.handle(QuestionTapped(1.0, "Is there wifi?", "en"))
    conductor.handle(PlaybackStarted(1.2, 1))
    tapped = conductor.handle(QuestionTapped(2.0, "几点开门", "zh"))
    assert tapped == Step(
        (moved(2.0, "speaking", "thinking"),),
        (Cancel(1), SetLanguage("zh"), Answer(2, "几点开门", "zh")),
    )


def test_empty_transcript_keeps_listening_without_answering(conductor: Conductor) -> None:
    conductor.handle(WakeHeard(1.0, "hello kiosk", "en"))
    heard = conductor.handle(final(3.0, "  "))
    assert heard == Step((moved(3.0, "listening", "engaged"),))
    assert conductor.turn == 0


def test_no_question_after_wake_times_out(conductor: Conductor) -> None:
    conductor.handle(WakeHeard(1.0, "hello kiosk", "en"))
    assert conductor.handle(Tick(6.9)) == Step()
    assert conductor.handle(Tick(7.0)) == Step(
        (moved(7.0, "listening", "idle"),), (SetMic("wake"), EndSession())
    )


def test_a_stuck_turn_is_given_up(conductor: Conductor) -> None:
    conductor.handle(QuestionTapped(0.0, "Is there wifi?", "en"))
    stuck = conductor.handle(Tick(60.0))
    assert stuck == Step((moved(60.0, "thinking", "engaged"),), (Cancel(1), SetMic("ask")))


def test_ticket_from_an_answer_and_from_the_button(conductor: Conductor) -> None:
    conductor.handle(WakeHeard(1.0, "hello kiosk", "en"))
    conductor.handle(final(2.0, "I need a ticket for library cards"))
    answered = conductor.handle(TurnAnswered(2.1, 1, "ticket:B", handoff=False))
    assert answered == Step((), (TakeTicket("B", "en"),))
    issued = conductor.handle(TicketTaken(2.2, "B001", "B", waiting=3))
    assert issued == Step((TicketIssued(2.2, "B001", "B", 3),))
    pressed = conductor.handle(ButtonPressed(9.0, "take_ticket", service="A"))
    assert pressed.commands == (TakeTicket("A", "en"),)


def test_handoff_and_call_staff_emit_staff_called(conductor: Conductor) -> None:
    conductor.handle(QuestionTapped(1.0, "Tell me a joke", "en"))
    handoff = conductor.handle(TurnAnswered(1.1, 1, "call_staff", handoff=True))
    assert handoff == Step((StaffCalled(1.1, "handoff"),))
    conductor.handle(PlaybackEnded(3.0, 1))
    pressed = conductor.handle(ButtonPressed(4.0, "call_staff"))
    assert pressed == Step((StaffCalled(4.0, "button"),))


def test_language_follows_the_visitor_and_resets_for_the_next(conductor: Conductor) -> None:
    switched = conductor.handle(ButtonPressed(1.0, "switch_language"))
    assert switched.commands[0] == SetLanguage("zh")
    assert conductor.lang == "zh"
    conductor.handle(final(2.0, "where is the exit", "en"))
    assert conductor.lang == "en"
    conductor.handle(ButtonPressed(3.0, "switch_language"))
    conductor.handle(VisitorLeft(4.0, frame=1))
    assert conductor.lang == "en"  # the next visitor starts in the default language


def test_elder_mode_toggles(conductor: Conductor) -> None:
    assert conductor.handle(ButtonPressed(1.0, "elder_mode")).commands[0] == SetElderMode(True)
    assert conductor.handle(ButtonPressed(2.0, "elder_mode")).commands[0] == SetElderMode(False)


def test_faces_do_not_change_state(conductor: Conductor) -> None:
    assert conductor.handle(FaceSeen(1.0, 0.5, 0.4, 0.3)) == Step()
    assert conductor.state == "idle"
