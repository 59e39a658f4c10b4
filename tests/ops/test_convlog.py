"""The conversation log: what a turn keeps, tight permissions, the retention purge."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from kiosk.answer.types import Answer
from kiosk.config import KioskConfig, LogConfig
from kiosk.convlog import DAY_S, ConversationLog, LogError, log_path, open_log_or_none

NOW = 1_790_000_000.0


def _log(tmp_path: Path, retention_days: int = 30) -> ConversationLog:
    path = tmp_path / "log" / "conversations.db"
    return ConversationLog(path, LogConfig(retention_days=retention_days))


def test_a_turn_is_kept_as_text_with_its_sources(tmp_path: Path) -> None:
    with _log(tmp_path) as log:
        log.record_turn(channel="voice", question="末班车几点", lang="zh",
                        sources=["first-last-train", "docs#night"], handoff=False,
                        latency_ms=512.5, mode="grounded", t=NOW)
        log.record_answer("touch", Answer("wifi?", "en", "no password", ("wifi",), False,
                                          "grounded", latency_ms=12.0), t=NOW + 1)
        turns = list(log.turns())
    assert [(t.channel, t.question, t.sources, t.latency_ms) for t in turns] == [
        ("voice", "末班车几点", ("first-last-train", "docs#night"), 512.5),
        ("touch", "wifi?", ("wifi",), 12.0),
    ]
    db = sqlite3.connect(tmp_path / "log" / "conversations.db")
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    columns = {row[1] for row in db.execute("PRAGMA table_info(turns)")}
    assert not columns & {"audio", "image", "frame", "answer"}  # text of the question only


def test_unanswered_means_handed_off_without_a_visitor_asking_for_staff(tmp_path: Path) -> None:
    with _log(tmp_path) as log:
        log.record_turn(channel="cli", question="卖冰淇淋吗", lang="zh", sources=[],
                        handoff=True, latency_ms=9, mode="handoff", t=NOW)
        log.record_turn(channel="cli", question="转人工", lang="zh", sources=[],
                        handoff=True, latency_ms=1, mode="intent", intent="call_staff", t=NOW)
        assert [t.unanswered for t in log.turns()] == [True, False]


def test_files_are_private(tmp_path: Path) -> None:
    with _log(tmp_path) as log:
        log.record_presence("approached", t=NOW)
    folder = tmp_path / "log"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_retention_purge_deletes_only_what_is_older(tmp_path: Path) -> None:
    with _log(tmp_path, retention_days=30) as log:
        log.purge(now=NOW)  # as at start-up: the write path purges again only a day later
        for age_days in (45, 31, 29, 1):
            t = NOW - age_days * DAY_S
            log.record_turn(channel="voice", question=f"{age_days} days ago", lang="en",
                            sources=[], handoff=False, latency_ms=1, t=t)
            log.record_presence("approached", t=t)
        assert log.purge(now=NOW) == 4
        assert [t.question for t in log.turns()] == ["29 days ago", "1 days ago"]
        assert len(log.presence()) == 2


def test_opening_the_log_purges(tmp_path: Path) -> None:
    config = KioskConfig(data_dir=str(tmp_path), log=LogConfig(retention_days=1))
    with ConversationLog.open(config) as log:
        log.record_turn(channel="cli", question="old", lang="en", sources=[], handoff=False,
                        latency_ms=1, t=1_000.0)
    with ConversationLog.open(config) as log:
        assert list(log.turns()) == []


def test_a_long_running_writer_purges_once_a_day(tmp_path: Path) -> None:
    with _log(tmp_path, retention_days=2) as log:
        log.purge(now=NOW)
        log.record_turn(channel="voice", question="a", lang="en", sources=[], handoff=False,
                        latency_ms=1, t=NOW)
        log.record_turn(channel="voice", question="b", lang="en", sources=[], handoff=False,
                        latency_ms=1, t=NOW + 3 * DAY_S)  # a day has passed: "a" is too old
        assert [t.question for t in log.turns()] == ["b"]


def test_disabled_or_unwritable_log_never_stops_answering(tmp_path: Path) -> None:
    assert open_log_or_none(KioskConfig(log=LogConfig(enabled=False))) is None
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    config = KioskConfig(log=LogConfig(path=str(blocker / "sub" / "log.db")))
    assert open_log_or_none(config) is None
    assert log_path(config) == blocker / "sub" / "log.db"
    assert log_path(config, str(tmp_path)) == tmp_path / "log" / "conversations.db"


def test_a_damaged_log_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "log" / "conversations.db"
    path.parent.mkdir()
    path.write_bytes(b"\x00garbage" * 1000)
    config = KioskConfig(log=LogConfig(path=str(path)))
    with pytest.raises(LogError, match="damaged") as caught:
        ConversationLog.open(config)
    assert "mv " in caught.value.hint
    assert open_log_or_none(config) is None  # `kiosk ask` still answers


def test_a_log_from_a_newer_kiosk_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    ConversationLog(path, LogConfig()).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(LogError, match="newer kiosk"):
        ConversationLog(path, LogConfig())


def test_a_monologue_is_cut_and_zero_retention_is_refused(tmp_path: Path) -> None:
    with _log(tmp_path) as log:
        log.record_turn(channel="voice", question="啊" * 50_000, lang="zh", sources=[],
                        handoff=True, latency_ms=1)
        (turn,) = log.turns()
    assert len(turn.question) == 1000
    with pytest.raises(LogError, match="retention_days"):
        ConversationLog(tmp_path / "x.db", LogConfig(retention_days=0))
