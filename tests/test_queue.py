"""The durable queue: numbering, calls, status, restarts, SIGKILL and concurrent processes."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from packdata import repo_pack

from kiosk.cli import main
from kiosk.config import REPO_ROOT
from kiosk.errors import QueueError
from kiosk.queue.store import QueueStore, queue_path

DAY = 86_400.0
NOON = time.mktime((2026, 12, 1, 12, 0, 0, 0, 0, -1))


class Clock:
    """A settable clock, so days and waits are exact."""

    def __init__(self, now: float = NOON) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> QueueStore:
    return QueueStore(tmp_path / "queue.sqlite3", clock=clock)


def test_numbers_per_service_per_day_and_people_ahead(store: QueueStore, clock: Clock) -> None:
    labels = [(t.label, t.waiting) for t in (store.take(s) for s in "AABAB")]
    assert labels == [("A001", 0), ("A002", 1), ("B001", 0), ("A003", 2), ("B002", 1)]
    clock.now += DAY
    assert store.take("A").label == "A001"  # a new day starts again at 1
    assert [t.label for t in store.tickets()] == ["A001"]


def test_database_is_wal_with_full_sync(store: QueueStore) -> None:
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_calls_follow_issue_order_and_service_filter(store: QueueStore, clock: Clock) -> None:
    for service in "ABA":
        store.take(service)
        clock.now += 10
    first = store.call_next(1)
    assert first is not None and (first.ticket.label, first.counter) == ("A001", 1)
    only_a = store.call_next(2, ["A"])
    assert only_a is not None and only_a.ticket.label == "A002"
    assert store.call_next(3, ["A"]) is None
    last = store.call_next(3)
    assert last is not None and last.ticket.label == "B001"
    assert store.call_next(1) is None


def test_recall_skip_and_status(store: QueueStore, clock: Clock) -> None:
    store.take("A")
    clock.now += 30
    store.take("A")
    clock.now += 30
    store.call_next(4)  # A001 waited 60 s
    again = store.recall(4)
    assert again is not None and again.ticket.label == "A001" and again.recalls == 1
    skipped = store.skip(4)
    assert skipped is not None and skipped.label == "A001"
    assert store.recall(4) is None and store.skip(4) is None
    clock.now += 40
    store.call_next(4)  # A002 waited 70 s
    status = store.status(["A", "B"])
    a, b = status.services
    assert (a.issued, a.waiting, a.called, a.skipped) == (2, 0, 2, 1)
    assert (a.last_issued, a.last_called, a.average_wait_s) == ("A002", "A002", 65.0)
    assert (b.issued, b.last_issued, b.average_wait_s) == (0, None, None)
    assert [(c.counter, c.ticket) for c in status.counters] == [(4, "A002")]


def test_numbers_continue_after_a_restart(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "queue.sqlite3"
    first = QueueStore(path, clock=clock)
    first.take("A")
    first.take("A")
    first.close()
    assert QueueStore(path, clock=clock).take("A").label == "A003"


def test_print_job_is_committed_with_its_ticket_and_expires_next_day(
    store: QueueStore, clock: Clock
) -> None:
    ticket = store.take("A", render=lambda t: f"job {t.label}".encode())
    (job,) = store.pending_jobs()
    assert job.ticket == ticket and job.data == b"job A001"
    store.job_attempted(job.id)
    assert store.pending_jobs()[0].attempts == 1
    store.job_printed(job.id)
    assert store.pending_jobs() == []
    store.take("B", render=lambda t: b"old")
    clock.now += DAY
    assert store.pending_jobs() == []  # yesterday's ticket would send a visitor astray
    assert store.status(["A"]).unprinted == 0


def test_a_failing_render_issues_nothing(store: QueueStore) -> None:
    def broken(ticket: object) -> bytes:
        raise RuntimeError("layout bug")

    with pytest.raises(RuntimeError):
        store.take("A", render=broken)
    assert store.take("A").label == "A001"


TAKER = """
import sys
from kiosk.queue.store import QueueStore
store = QueueStore(sys.argv[1])
while True:
    print(store.take(sys.argv[2]).label, flush=True)
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT)}


def test_sigkill_while_issuing_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite3"
    shown: list[str] = []
    rng = random.Random(5)
    for _round in range(5):
        takers = [
            subprocess.Popen([sys.executable, "-c", TAKER, str(path), "A"], env=_env(),
                             stdout=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        for taker in takers:
            assert taker.stdout is not None
            shown.append(taker.stdout.readline().strip())  # running and issuing
        time.sleep(rng.uniform(0.0, 0.3))
        for taker in takers:
            taker.send_signal(signal.SIGKILL)
        for taker in takers:
            # read the rest through the text stream readline() used: communicate() reads the
            # raw pipe and skips what that stream had already buffered (a cut label)
            assert taker.stdout is not None
            out = taker.stdout.read()
            assert taker.wait(timeout=30) == -signal.SIGKILL
            shown.extend(out.split())
    numbers = [t.number for t in QueueStore(path).tickets()]
    assert numbers == list(range(1, len(numbers) + 1))  # no gap, no duplicate
    assert set(shown) <= {f"A{n:03d}" for n in numbers}  # everything shown was kept
    assert len(shown) == len(set(shown)) and len(numbers) >= 10  # each taker issued one


def test_concurrent_processes_get_distinct_consecutive_numbers(tmp_path: Path) -> None:
    script = TAKER.replace("while True:", "for _ in range(25):")
    path = tmp_path / "queue.sqlite3"
    takers = [
        subprocess.Popen([sys.executable, "-c", script, str(path), "B"], env=_env(),
                         stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    labels = [label for taker in takers for label in taker.communicate(timeout=120)[0].split()]
    assert sorted(labels) == [f"B{n:03d}" for n in range(1, 101)]


def test_concurrent_cli_takes(tmp_path: Path) -> None:
    args = ["-m", "kiosk", "queue", "take", "V", "--pack", "bank", "--data-dir", str(tmp_path),
            "--json"]
    takes = [
        subprocess.Popen([sys.executable, *args], env=_env(), stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    replies = [json.loads(take.communicate(timeout=120)[0]) for take in takes]
    assert all(set(reply) == {"ticket", "service", "waiting"} for reply in replies)
    assert sorted(reply["ticket"] for reply in replies) == [f"V{n:03d}" for n in range(1, 5)]
    assert sorted(reply["waiting"] for reply in replies) == [0, 1, 2, 3]


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["queue", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    where = ["--pack", str(repo_pack("bank")), "--data-dir", str(tmp_path)]
    assert _cli(capsys, "take", "b", *where, "--json")[1] == (
        '{"ticket": "B001", "service": "B", "waiting": 0}\n'
    )
    assert _cli(capsys, "call", "--counter", "3", *where, "--json")[1] == (
        '{"ticket": "B001", "counter": 3}\n'
    )
    code, out, _ = _cli(capsys, "call", "--counter", "3", *where, "--json")
    assert (code, json.loads(out)) == (1, {"ticket": None, "counter": 3})
    code, out, _ = _cli(capsys, "status", *where, "--json")
    status = json.loads(out)
    assert code == 0 and [s["service"] for s in status["services"]] == ["A", "B", "C", "V"]
    assert status["services"][1]["name"]["zh"] == "非现金业务"
    assert status["counters"][0]["ticket"] == "B001"
    assert queue_path(tmp_path, "bank").is_file()


def test_cli_unknown_service_names_the_known_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(capsys, "take", "Z", "--pack", "bank", "--data-dir", str(tmp_path))
    assert code == 2 and out == ""
    assert "no queue service 'Z'" in err and "A (Cash Services)" in err


def test_a_locked_database_is_a_queue_error_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite3"
    store = QueueStore(path, busy_timeout_s=0.1)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with pytest.raises(QueueError, match="refused a change"):
            store.take("A")
    finally:
        holder.execute("ROLLBACK")
    assert store.take("A").label == "A001"


def test_cli_rejects_counter_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, "call", "--counter", "0", "--pack", "bank", "--data-dir",
                        str(tmp_path))
    assert code == 2 and "no counter 0" in err
