"""The conversation log: every turn's text and presence counts in SQLite, purged by age.

One call per turn from any channel (`ConversationLog.record_turn`, or `record_answer` with an
`Answer`). Text only: never audio, never images. The database is in WAL mode, so a reader
(`kiosk report`) never blocks the kiosk, and a power cut loses at most the turn being written.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kiosk.answer.types import Answer
from kiosk.config import KioskConfig, LogConfig
from kiosk.errors import KioskError

Channel = Literal["voice", "touch", "cli"]
"""Where a question came from: spoken, tapped on the screen, or `kiosk ask`."""

PresenceKind = Literal["approached", "left"]

DAY_S = 86_400.0
SCHEMA = 1
MAX_QUESTION = 1000
"""Characters of a question kept in the log."""
"""Version of the tables below, kept in the `meta` table."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY,
    t REAL NOT NULL,               -- unix time (seconds) the question arrived
    channel TEXT NOT NULL,
    lang TEXT NOT NULL,
    question TEXT NOT NULL,
    sources TEXT NOT NULL,         -- JSON list of FAQ ids / doc chunks, best first
    mode TEXT NOT NULL,            -- grounded | generative | intent | handoff
    handoff INTEGER NOT NULL,
    intent TEXT,
    latency_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_t ON turns (t);
CREATE TABLE IF NOT EXISTS presence (
    id INTEGER PRIMARY KEY,
    t REAL NOT NULL,
    kind TEXT NOT NULL             -- approached | left
);
CREATE INDEX IF NOT EXISTS presence_t ON presence (t);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class LogError(KioskError):
    """The conversation log cannot be opened or written."""

    code = "log"


@dataclass(frozen=True, slots=True)
class Turn:
    """One logged turn, as read back for reports."""

    t: float
    """Unix time the question arrived."""
    channel: str
    lang: str
    question: str
    sources: tuple[str, ...]
    mode: str
    handoff: bool
    intent: str | None
    latency_ms: float

    @property
    def unanswered(self) -> bool:
        """Handed off because nothing in the pack matched (not a visitor asking for staff)."""
        return self.handoff and self.intent is None


def log_path(config: KioskConfig, data_dir: str | None = None) -> Path:
    """The log database file for this config (`data_dir`, e.g. from --data-dir, wins)."""
    if config.log.path and data_dir is None:
        return Path(config.log.path).expanduser()
    return config.data_path(data_dir) / "log" / "conversations.db"


class ConversationLog:
    """The SQLite conversation log; safe to call from any thread (one lock, short writes)."""

    def __init__(self, path: Path, settings: LogConfig) -> None:
        if settings.retention_days < 1:
            raise LogError(
                f"[log] retention_days = {settings.retention_days} keeps nothing",
                hint="give at least 1 day, or set [log] enabled = false to log nothing",
            )
        self.path = path
        self.settings = settings
        self._lock = threading.Lock()
        self._db = _connect(path)
        self._last_purge = 0.0

    @classmethod
    def open(cls, config: KioskConfig, data_dir: str | None = None) -> ConversationLog:
        """Open (creating it 0600 in a 0700 folder) and purge what is past retention."""
        log = cls(log_path(config, data_dir), config.log)
        log.purge()
        return log

    def record_turn(
        self,
        *,
        channel: Channel,
        question: str,
        lang: str,
        sources: Sequence[str],
        handoff: bool,
        latency_ms: float,
        mode: str = "",
        intent: str | None = None,
        t: float | None = None,
    ) -> None:
        """Log one turn: what was asked, in which language, what answered it, how fast."""
        if not self.settings.enabled:
            return
        now = time.time() if t is None else t
        question = question[:MAX_QUESTION]  # a 10-minute monologue is not worth keeping whole
        row = (now, channel, lang, question, json.dumps(list(sources), ensure_ascii=False),
               mode or ("handoff" if handoff else ""), int(handoff), intent, float(latency_ms))
        self._write(
            "INSERT INTO turns (t, channel, lang, question, sources, mode, handoff, intent,"
            " latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )
        self._purge_daily(now)

    def record_answer(self, channel: Channel, answer: Answer, t: float | None = None) -> None:
        """Log a turn from the `Answer` the engine returned."""
        self.record_turn(
            channel=channel,
            question=answer.question,
            lang=answer.lang,
            sources=answer.sources,
            handoff=answer.handoff,
            latency_ms=answer.latency_ms,
            mode=answer.mode,
            intent=answer.intent,
            t=t,
        )

    def record_presence(self, kind: PresenceKind, t: float | None = None) -> None:
        """Count a visitor arriving in front of the kiosk, or leaving (no image is kept)."""
        if not self.settings.enabled:
            return
        now = time.time() if t is None else t
        self._write("INSERT INTO presence (t, kind) VALUES (?, ?)", (now, kind))
        self._purge_daily(now)

    def purge(self, now: float | None = None) -> int:
        """Delete turns and presence counts older than the retention period; returns rows gone."""
        now = time.time() if now is None else now
        cutoff = now - self.settings.retention_days * DAY_S
        with self._lock, self._db:
            gone = self._db.execute("DELETE FROM turns WHERE t < ?", (cutoff,)).rowcount
            gone += self._db.execute("DELETE FROM presence WHERE t < ?", (cutoff,)).rowcount
        self._last_purge = now
        return gone

    def turns(self, since: float = 0.0) -> Iterator[Turn]:
        """Logged turns from unix time `since` on, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT t, channel, lang, question, sources, mode, handoff, intent, latency_ms"
                " FROM turns WHERE t >= ? ORDER BY t",
                (since,),
            ).fetchall()
        for t, channel, lang, question, sources, mode, handoff, intent, latency in rows:
            yield Turn(t, channel, lang, question, tuple(json.loads(sources)), mode,
                       bool(handoff), intent, latency)

    def presence(self, since: float = 0.0) -> list[tuple[float, str]]:
        """(unix time, kind) of every presence event from `since` on, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT t, kind FROM presence WHERE t >= ? ORDER BY t", (since,)
            ).fetchall()
        return [(float(t), str(kind)) for t, kind in rows]

    def close(self) -> None:
        """Close the database (the WAL is checkpointed)."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> ConversationLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, sql: str, row: tuple[object, ...]) -> None:
        # A full disk must not stop the kiosk answering: the turn is lost from the log only.
        try:
            with self._lock, self._db:
                self._db.execute(sql, row)
        except sqlite3.Error as exc:
            logging.getLogger(__name__).warning("conversation log %s: %s", self.path, exc)

    def _purge_daily(self, now: float) -> None:
        # A kiosk runs for months: purge once a day from the write path, not only at start.
        if now - self._last_purge >= DAY_S:
            try:
                self.purge(now)
            except sqlite3.Error as exc:  # retried on the next write
                logging.getLogger(__name__).warning("purging %s: %s", self.path, exc)


def open_log_or_none(config: KioskConfig, data_dir: str | None = None) -> ConversationLog | None:
    """The log, or None when it is disabled or cannot be opened (answering goes on; a warning
    says why), so a full or read-only disk never stops the kiosk from answering."""
    if not config.log.enabled:
        return None
    try:
        return ConversationLog.open(config, data_dir)
    except LogError as error:
        logging.getLogger(__name__).warning("%s", error)
        return None


def _connect(path: Path) -> sqlite3.Connection:
    """Open the database with tight permissions: folder 0700, file (and WAL files) 0600."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path.parent, 0o700)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        os.chmod(path, 0o600)
        db = sqlite3.connect(path, check_same_thread=False, timeout=10.0)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        _check_schema(db, path)
        # SQLite makes the -wal and -shm files with the process umask; the 0700 folder already
        # keeps them private, and 0600 says so to anyone who looks.
        for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if extra.exists():
                os.chmod(extra, 0o600)
    except sqlite3.DatabaseError as exc:
        raise LogError(
            f"the conversation log {path} is damaged: {exc}",
            hint=f"move it aside (mv {path} {path}.damaged); the kiosk then starts a new one",
        ) from exc
    except (OSError, sqlite3.Error) as exc:
        raise LogError(
            f"cannot open the conversation log {path}: {exc}",
            hint="check that the data folder is writable by the kiosk user, or set "
            "[log] path (or [log] enabled = false)",
        ) from exc
    return db


def _check_schema(db: sqlite3.Connection, path: Path) -> None:
    """Stamp a new log with the schema version; refuse one written by a newer kiosk."""
    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (str(SCHEMA),))
    db.commit()
    (found,) = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    if int(found) > SCHEMA:
        raise LogError(f"{path} was written by a newer kiosk (log schema {found})",
                       hint="upgrade this kiosk, or set [log] path to another file")
