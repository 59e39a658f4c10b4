"""The screen's demo core (real engine, silent speech) and scripted journeys."""

from __future__ import annotations

import queue
import time
from pathlib import Path
from typing import Any

import pytest

from kiosk.events import (
    AnswerReady,
    ButtonPressed,
    FaceSeen,
    QuestionTapped,
    SpeakingStarted,
    SpeakingStopped,
    StateChanged,
    TicketIssued,
    Touched,
    VisitorApproached,
)
from kiosk.ui.script import ScriptError, default_journey, load_script


def collect(core: Any) -> queue.Queue[Any]:
    events: queue.Queue[Any] = queue.Queue()
    core.subscribe(events.put)
    return events


def until(events: queue.Queue[Any], kind: type, timeout: float = 20.0) -> list[Any]:
    seen: list[Any] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        event = events.get(timeout=max(0.01, deadline - time.monotonic()))
        seen.append(event)
        if isinstance(event, kind):
            return seen
    raise AssertionError(f"no {kind.__name__} in {seen}")


def test_a_tapped_question_is_answered_and_spoken(demo_core: Any) -> None:
    events = collect(demo_core)
    demo_core.post(QuestionTapped(time.monotonic(), "What is the wifi password?", "en"))
    seen = until(events, SpeakingStopped)
    kinds = [type(e).__name__ for e in seen]
    assert kinds[:3] == ["StateChanged", "AnswerReady", "StateChanged"]
    answer = next(e for e in seen if isinstance(e, AnswerReady))
    assert answer.sources == ("wifi",) and answer.lang == "en"
    spoken = [e for e in seen if isinstance(e, SpeakingStarted)]
    assert spoken and spoken[0].timeline.offset == pytest.approx(spoken[0].t)
    assert " ".join(e.text for e in spoken) == answer.text
    assert not seen[-1].interrupted


def test_a_touch_cuts_speech_short(demo_core: Any) -> None:
    events = collect(demo_core)
    demo_core.post(VisitorApproached(time.monotonic(), 0))
    until(events, SpeakingStarted)
    demo_core.post(Touched(time.monotonic()))
    stopped = until(events, SpeakingStopped)[-1]
    assert stopped.interrupted
    assert isinstance(until(events, StateChanged)[-1], StateChanged)


def test_tickets_count_up_per_service_and_faces_reach_the_screen(demo_core: Any) -> None:
    events = collect(demo_core)
    for _ in range(2):
        demo_core.post(ButtonPressed(time.monotonic(), "take_ticket", service="B"))
    first, second = until(events, TicketIssued)[-1], until(events, TicketIssued)[-1]
    assert (first.ticket, second.ticket) == ("B001", "B002")
    demo_core.post(FaceSeen(time.monotonic(), 0.2, 0.4, 0.3))
    assert isinstance(until(events, FaceSeen)[-1], FaceSeen)


def test_scripts_load_and_bad_ones_say_where(tmp_path: Path, tiny_knowledge: Any) -> None:
    script = tmp_path / "visit.yaml"
    script.write_text(
        "- {at: 2, tap: WiFi密码是多少}\n- {at: 1, approach: true}\n"
        "- {at: 3, button: take_ticket, service: A}\n",
        encoding="utf-8",
    )
    steps = load_script(script)
    assert [s.action for s in steps] == ["approach", "tap", "button"]
    assert isinstance(steps[1].event(1.0), QuestionTapped)
    script.write_text("- {at: 2}\n", encoding="utf-8")
    with pytest.raises(ScriptError, match="step 1"):
        load_script(script)
    journey = default_journey(tiny_knowledge.pack)
    assert journey[0].action == "approach" and journey[-1].action == "leave"
    assert all(step.event(0.0) is not None for step in journey)
