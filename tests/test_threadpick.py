"""ThreadChooser: the fastest thread count lately, with a regular look at the others."""

from __future__ import annotations

import pytest

from kiosk.threadpick import ThreadChooser


def run(chooser: ThreadChooser, cost: dict[int, float], calls: int) -> list[int]:
    """Make `calls` calls, each costing `cost[threads]` seconds a unit; the counts picked."""
    picked = []
    for _ in range(calls):
        threads = chooser.pick()
        chooser.record(threads, cost[threads] * 20, 20)
        picked.append(threads)
    return picked


def test_tries_each_count_once_then_keeps_the_fastest() -> None:
    chooser = ThreadChooser([2, 1], explore=8)
    picked = run(chooser, {1: 0.005, 2: 0.003}, 7)
    assert picked == [1, 2, 2, 2, 2, 2, 2]


def test_looks_at_the_slower_count_every_explore_calls() -> None:
    chooser = ThreadChooser([1, 2], explore=8)
    picked = run(chooser, {1: 0.005, 2: 0.003}, 24)
    assert [index for index, threads in enumerate(picked) if threads == 1] == [0, 7, 15, 23]


def test_follows_a_change_in_load() -> None:
    chooser = ThreadChooser([1, 2], explore=4)
    assert run(chooser, {1: 0.005, 2: 0.003}, 10)[-1] == 2
    busy = {1: 0.005, 2: 0.009}  # the other core got busy: a second thread now waits for it
    assert run(chooser, busy, 12)[-4:].count(1) >= 3
    assert run(chooser, {1: 0.005, 2: 0.003}, 12)[-4:].count(2) >= 3


def test_a_single_choice_is_always_picked() -> None:
    chooser = ThreadChooser([3])
    assert set(run(chooser, {3: 0.004}, 10)) == {3}


def test_records_of_unknown_counts_or_no_work_are_ignored() -> None:
    chooser = ThreadChooser([1, 2])
    chooser.record(4, 1.0, 10)
    chooser.record(1, 1.0, 0)
    assert chooser.pick() == 1


def test_thread_counts_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        ThreadChooser([0, 2])
    with pytest.raises(ValueError, match="positive"):
        ThreadChooser([])
