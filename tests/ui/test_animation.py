"""The avatar's motion, as pure functions of time: lip sync, coarticulation, blinks, gaze."""

from __future__ import annotations

import pytest

from kiosk.events import FaceSeen, VisemeKey, VisemeTimeline
from kiosk.ui.avatar.animation import COARTICULATION_S, Animator, mouth_weights
from kiosk.ui.textvisemes import estimate_timeline

TIMELINE = VisemeTimeline(
    (VisemeKey("aa", 0.0, 0.30), VisemeKey("PP", 0.30, 0.40), VisemeKey("ou", 0.40, 0.80)),
    offset=10.0,
)


def top(weights: tuple[tuple[str, float], ...]) -> str:
    return weights[0][0]


def test_closed_mouth_outside_the_utterance() -> None:
    assert mouth_weights(None, 3.0) == (("sil", 1.0),)
    assert top(mouth_weights(TIMELINE, 9.0)) == "sil"
    assert top(mouth_weights(TIMELINE, 11.5)) == "sil"


@pytest.mark.parametrize("local", [0.05, 0.15, 0.34, 0.5, 0.7])
def test_the_shape_shown_is_the_timeline_shape_within_40_ms(local: float) -> None:
    """Lip-sync error budget: 40 ms after a key starts, its shape leads the blend."""
    for key in TIMELINE.keys:
        at = TIMELINE.offset + key.start + 0.04
        assert top(mouth_weights(TIMELINE, at)) == key.viseme
    assert top(mouth_weights(TIMELINE, TIMELINE.offset + local)) == TIMELINE.at(
        TIMELINE.offset + local + 0.02
    )


def test_neighbours_blend_at_a_boundary_and_weights_sum_to_one() -> None:
    weights = dict(mouth_weights(TIMELINE, TIMELINE.offset + 0.40 - 0.02))
    assert {"PP", "ou"} <= weights.keys()
    assert sum(weights.values()) == pytest.approx(1.0)
    far = mouth_weights(TIMELINE, TIMELINE.offset + 0.15)
    assert far == (("aa", 1.0),)  # farther than the window from any boundary: pure


def test_lips_close_fully_for_a_short_bilabial() -> None:
    """p/b/m dominate their neighbours: a 100 ms PP between vowels still leads."""
    middle = TIMELINE.offset + 0.35 - 0.02  # anticipation shifts the window forward
    assert top(mouth_weights(TIMELINE, middle)) == "PP"
    assert COARTICULATION_S < 0.1


def test_blinks_are_random_but_reproducible_and_close_the_eyes() -> None:
    one, two, other = Animator(seed=1), Animator(seed=1), Animator(seed=2)
    samples = [t / 100 for t in range(0, 3000)]
    blinks = [one.pose(t).blink for t in samples]
    assert blinks == [two.pose(t).blink for t in samples]
    assert blinks != [other.pose(t).blink for t in samples]
    assert max(blinks) > 0.95 and min(blinks) == 0.0
    closed_share = sum(b > 0.5 for b in blinks) / len(blinks)
    assert 0.005 < closed_share < 0.08  # eyes are mostly open


def test_breathing_and_gaze_follow_the_visitor() -> None:
    animator = Animator()
    breaths = [animator.pose(t / 10).breath for t in range(60)]
    assert max(breaths) > 0.9 and min(breaths) < -0.9
    animator.look_at(FaceSeen(0.0, x=0.1, y=0.45, size=0.3))  # visitor on the camera's left
    animator.pose(0.0)
    eased = animator.pose(2.0)
    assert eased.gaze_x > 0.7 and eased.yaw > 0.2  # the avatar looks (and turns) that way
    animator.look_at(None)
    assert abs(animator.pose(5.0).gaze_x) < 0.05


def test_speech_follows_the_playback_clock_and_greeting_smiles() -> None:
    animator = Animator()
    animator.speak(TIMELINE, started_at=100.0)  # audio of TIMELINE.offset starts at 100 s
    assert animator.playback_clock(100.5) == pytest.approx(10.5)
    assert animator.pose(100.15).weight("aa") == 1.0
    animator.stop_speaking()
    assert animator.pose(100.15).visemes == (("sil", 1.0),)
    animator.greet(200.0)
    assert animator.pose(201.0).smile == 1.0 and animator.pose(210.0).smile == 0.0


def test_text_timelines_are_sorted_and_use_the_right_shapes() -> None:
    zh = estimate_timeline("末班车几点？", "zh", offset=5.0)
    en = estimate_timeline("Bob will phone.", "en")
    for timeline in (zh, en):
        pairs = zip(timeline.keys, timeline.keys[1:], strict=False)
        assert all(a.end <= b.start + 1e-9 for a, b in pairs)
        assert all(key.end > key.start for key in timeline.keys)
    assert zh.keys[0].viseme == "PP" and zh.offset == 5.0  # 末 mo: lips closed first
    assert "FF" in {key.viseme for key in en.keys}  # "ph"
    assert estimate_timeline("慢一点", "zh", rate=0.75).end > estimate_timeline("慢一点", "zh").end
