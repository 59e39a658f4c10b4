"""The echo gate: wake phrases in the kiosk's own sentences, and only while they sound."""

from __future__ import annotations

from kiosk.speech.gate import EchoGate


def test_a_wake_while_the_kiosk_says_the_phrase_is_its_own_echo() -> None:
    gate = EchoGate(["hello kiosk"], tail_s=0.3)
    gate.playing("Just say Hello, kiosk! and ask.", start=10.0, end=12.0)
    gate.playing("The toilets are downstairs.", start=12.0, end=14.0)
    assert gate.is_echo(11.0)
    assert gate.is_echo(12.25)  # the room still rings
    assert not gate.is_echo(12.5)  # the other sentence has no wake phrase: a visitor
    assert not gate.is_echo(9.0)


def test_a_barge_in_ends_what_was_queued() -> None:
    gate = EchoGate(["hello kiosk"], tail_s=0.3)
    gate.playing("Say hello kiosk any time.", start=10.0, end=15.0)
    gate.silenced(11.0)
    assert gate.is_echo(11.2)
    assert not gate.is_echo(12.0)


def test_words_must_match_whole() -> None:
    gate = EchoGate(["hello kiosk"], tail_s=0.0)
    gate.playing("Othello kiosks are sold out.", start=0.0, end=2.0)
    assert not gate.is_echo(1.0)
