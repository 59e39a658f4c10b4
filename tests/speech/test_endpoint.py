"""The endpointer on scripted VAD decisions: starts, ends, gaps, clicks and monologues."""

from __future__ import annotations

from kiosk.speech.endpoint import Boundary, Endpointer

FRAME = 0.03


def run(endpointer: Endpointer, pattern: str) -> list[tuple[int, Boundary]]:
    """Feed one 30 ms frame per character ('#' speech, '.' silence); boundaries by frame."""
    found = []
    for index, mark in enumerate(pattern):
        boundary = endpointer.process(FRAME, mark == "#")
        if boundary is not None:
            found.append((index, boundary))
    return found


def test_an_utterance_starts_after_enough_speech_and_ends_after_silence() -> None:
    endpointer = Endpointer(speech_start_s=0.09, silence_end_s=0.3, max_utterance_s=10.0)
    found = run(endpointer, "....######" + "." * 12)
    assert [(i, b.kind) for i, b in found] == [(6, "start"), (19, "end")]
    start, end = found[0][1], found[1][1]
    assert abs(start.ago - 0.09) < 1e-9  # speech began three frames before the start fired
    assert abs(end.ago - 0.3) < 1e-9 and not end.cut
    assert not endpointer.in_speech


def test_short_pauses_inside_speech_do_not_end_it() -> None:
    endpointer = Endpointer(speech_start_s=0.06, silence_end_s=0.3, max_utterance_s=10.0)
    found = run(endpointer, "####....####.....####" + "." * 10)
    assert [b.kind for _, b in found] == ["start", "end"]


def test_clicks_separated_by_silence_never_start() -> None:
    endpointer = Endpointer(speech_start_s=0.09, silence_end_s=0.3, max_utterance_s=10.0)
    assert run(endpointer, "##....##....#.....##...") == []


def test_a_monologue_is_cut_at_the_limit_then_starts_again() -> None:
    endpointer = Endpointer(speech_start_s=0.06, silence_end_s=0.3, max_utterance_s=0.6)
    found = run(endpointer, "#" * 30)
    kinds = [(b.kind, b.cut) for _, b in found]
    assert kinds[:3] == [("start", False), ("end", True), ("start", False)]
    assert found[1][0] - found[0][0] == 18  # 0.6 s of utterance, counted from its start


def test_reset_forgets_an_utterance_in_progress() -> None:
    endpointer = Endpointer(speech_start_s=0.06, silence_end_s=0.3, max_utterance_s=10.0)
    run(endpointer, "#####")
    assert endpointer.in_speech
    endpointer.reset()
    assert not endpointer.in_speech
    assert run(endpointer, "." * 20) == []
