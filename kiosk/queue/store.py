"""The durable queue: SQLite in WAL mode, every write committed and fsynced before it is used.

Each change is one `BEGIN IMMEDIATE` transaction, so processes sharing the database (a kiosk,
`kiosk queue take` from a script, a counter's `kiosk queue call`) are serialised by SQLite's
write lock and numbers are allocated inside it: distinct and consecutive under concurrency. With
`synchronous=FULL` the WAL is fsynced at every commit, so a ticket that was returned survives a
power cut; a process killed before its commit leaves nothing behind and its number is never
shown. A ticket's print job is written in the same transaction as the ticket (docs/devices.md).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.errors import QueueError
from kiosk.queue.model import Call, QueueStatus, Ticket, ticket_label
from kiosk.queue.stats import counter_status, service_status

SCHEMA = """
CREATE TABLE IF NOT EXISTS tickets (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    service TEXT NOT NULL,
    number INTEGER NOT NULL,
    issued_at REAL NOT NULL,
    waiting INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'called', 'skipped')),
    counter INTEGER,
    called_at REAL,
    recalls INTEGER NOT NULL DEFAULT 0,
    UNIQUE (day, service, number)
);
CREATE INDEX IF NOT EXISTS tickets_by_state ON tickets (day, state, service, id);
CREATE TABLE IF NOT EXISTS print_jobs (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    data BLOB NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'printed', 'expired')),
    attempts INTEGER NOT NULL DEFAULT 0,
    done_at REAL
);
CREATE INDEX IF NOT EXISTS print_jobs_pending ON print_jobs (state, id);
"""

Clock = Callable[[], float]
"""Unix time now; tests pass their own."""

Render = Callable[[Ticket], bytes]
"""Turns a just-allocated ticket into the bytes its printer needs (ESC/POS)."""

_TICKET_COLUMNS = "id, day, service, number, issued_at, waiting"


@dataclass(frozen=True, slots=True)
class PrintJob:
    """A ticket's print data kept until a printer has taken it."""

    id: int
    ticket: Ticket
    data: bytes
    attempts: int


def queue_path(data_dir: Path, pack_id: str) -> Path:
    """Where a pack's queue database lives in a data dir."""
    return Path(data_dir) / "queue" / f"{pack_id}.sqlite3"


def local_day(unix_time: float) -> str:
    """The local calendar date of a unix time, ISO formatted."""
    return time.strftime("%Y-%m-%d", time.localtime(unix_time))


class QueueStore:
    """Tickets, calls and print jobs of one pack; safe across threads and processes."""

    def __init__(self, path: Path, *, clock: Clock = time.time, busy_timeout_s: float = 30.0):
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
            )
            mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise QueueError(
                    f"{self.path}: SQLite could not switch to WAL mode (got {mode!r})",
                    hint="keep the data dir on a local disk (not a network share)",
                )
            self._db.execute("PRAGMA synchronous=FULL")  # fsync the WAL at every commit
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(SCHEMA)  # idempotent; each statement its own transaction
        except sqlite3.Error as exc:
            raise QueueError(
                f"{self.path}: cannot open the queue database: {exc}",
                hint="check that the data dir is writable and the file is a kiosk queue",
            ) from exc

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction holding SQLite's write lock from its first statement."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:  # locked too long, disk full, file damaged
                raise QueueError(
                    f"{self.path}: the queue database refused a change: {exc}",
                    hint="check free disk space and that no other program holds the file",
                ) from exc

    def today(self) -> str:
        """Today's local date, as the queue counts days."""
        return local_day(self._clock())

    def take(self, service: str, render: Render | None = None) -> Ticket:
        """Issue the next ticket of `service` today; with `render`, keep its print job too.

        When this returns, the ticket (and its print job) are on disk.
        """
        now = self._clock()
        day = local_day(now)
        with self._write() as db:
            number = db.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM tickets WHERE day = ? AND service = ?",
                (day, service),
            ).fetchone()[0]
            waiting = db.execute(
                "SELECT COUNT(*) FROM tickets WHERE day = ? AND service = ? AND state = 'waiting'",
                (day, service),
            ).fetchone()[0]
            cursor = db.execute(
                "INSERT INTO tickets (day, service, number, issued_at, waiting) "
                "VALUES (?, ?, ?, ?, ?)",
                (day, service, number, now, waiting),
            )
            ticket = Ticket(int(cursor.lastrowid or 0), day, service, number, now, waiting)
            if render is not None:
                db.execute(
                    "INSERT INTO print_jobs (ticket_id, data) VALUES (?, ?)",
                    (ticket.id, render(ticket)),
                )
        return ticket

    def call_next(self, counter: int, services: Sequence[str] = ()) -> Call | None:
        """Call the longest-waiting ticket (of `services`, or any) to `counter`; None if empty."""
        now = self._clock()
        day = local_day(now)
        only = f" AND service IN ({', '.join('?' * len(services))})" if services else ""
        with self._write() as db:
            row = db.execute(
                f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE day = ? AND state = 'waiting'"
                f"{only} ORDER BY id LIMIT 1",
                (day, *services),
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE tickets SET state = 'called', counter = ?, called_at = ? WHERE id = ?",
                (counter, now, row[0]),
            )
        return Call(Ticket(*row), counter, now)

    def recall(self, counter: int) -> Call | None:
        """Call the counter's current ticket again (the visitor did not come yet)."""
        with self._write() as db:
            row = self._current(db, counter)
            if row is None:
                return None
            db.execute("UPDATE tickets SET recalls = recalls + 1 WHERE id = ?", (row[0],))
        return Call(Ticket(*row[:6]), counter, row[6], row[7] + 1)

    def skip(self, counter: int) -> Ticket | None:
        """Mark the counter's current ticket as a no-show; the next call moves on."""
        with self._write() as db:
            row = self._current(db, counter)
            if row is None:
                return None
            db.execute("UPDATE tickets SET state = 'skipped' WHERE id = ?", (row[0],))
        return Ticket(*row[:6])

    def _current(self, db: sqlite3.Connection, counter: int) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = db.execute(
            f"SELECT {_TICKET_COLUMNS}, called_at, recalls FROM tickets "
            "WHERE day = ? AND counter = ? AND state = 'called' "
            "ORDER BY called_at DESC, id DESC LIMIT 1",
            (self.today(), counter),
        ).fetchone()
        return row

    def status(self, services: Sequence[str]) -> QueueStatus:
        """Today's numbers for each of `services` (in that order) and each counter."""
        day = self.today()
        with self._lock:
            rows = self._db.execute(
                "SELECT service, number, state, issued_at, called_at, counter "
                "FROM tickets WHERE day = ? ORDER BY id",
                (day,),
            ).fetchall()
            unprinted = self._db.execute(
                "SELECT COUNT(*) FROM print_jobs WHERE state = 'pending'"
            ).fetchone()[0]
        return QueueStatus(
            day=day,
            services=tuple(service_status(code, rows) for code in services),
            counters=counter_status(rows),
            unprinted=int(unprinted),
        )

    def tickets(self, day: str | None = None) -> list[Ticket]:
        """Every ticket of a day (default today), in issue order."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE day = ? ORDER BY id",
                (day or self.today(),),
            ).fetchall()
        return [Ticket(*row) for row in rows]

    # ---- the print spool ----------------------------------------------------------------

    def pending_jobs(self) -> list[PrintJob]:
        """Print jobs not yet printed, oldest first; jobs of earlier days are expired first.

        A ticket from yesterday printed today would send a visitor to the wrong queue.
        """
        today = self.today()
        with self._lock:  # a read: the printer thread polls this every few seconds
            rows = self._db.execute(
                "SELECT j.id, j.data, j.attempts, "
                + ", ".join(f"t.{c.strip()}" for c in _TICKET_COLUMNS.split(","))
                + " FROM print_jobs j JOIN tickets t ON t.id = j.ticket_id "
                "WHERE j.state = 'pending' ORDER BY j.id"
            ).fetchall()
        jobs = [PrintJob(row[0], Ticket(*row[3:]), bytes(row[1]), row[2]) for row in rows]
        stale = [job.id for job in jobs if job.ticket.day != today]
        if stale:
            with self._write() as db:
                db.executemany(
                    "UPDATE print_jobs SET state = 'expired', done_at = ? WHERE id = ?",
                    [(self._clock(), job_id) for job_id in stale],
                )
        return [job for job in jobs if job.ticket.day == today]

    def job_attempted(self, job_id: int) -> None:
        """Count a failed attempt to print a job (it stays pending)."""
        with self._write() as db:
            db.execute("UPDATE print_jobs SET attempts = attempts + 1 WHERE id = ?", (job_id,))

    def job_printed(self, job_id: int) -> None:
        """The printer took the job and reported no fault afterwards."""
        with self._write() as db:
            db.execute(
                "UPDATE print_jobs SET state = 'printed', done_at = ? WHERE id = ?",
                (self._clock(), job_id),
            )


__all__ = ["PrintJob", "QueueStore", "local_day", "queue_path", "ticket_label"]
