"""Tickets laid out by python-escpos and printed from the durable spool, over pyserial loop://."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest
import serial
from packdata import repo_pack

from kiosk.config import PrinterConfig
from kiosk.devices.escpos_decode import decode_pages
from kiosk.devices.printer import TicketPrinter
from kiosk.devices.profiles import PrinterProfile, load_profile
from kiosk.devices.ticket import TicketLayout
from kiosk.errors import ConfigError, DeviceError
from kiosk.events import DeviceStatus
from kiosk.knowledge.loader import load_pack
from kiosk.queue.desk import TicketDesk
from kiosk.queue.store import QueueStore

PROFILE = dataclasses.replace(load_profile(PrinterProfile, "escpos-80mm"), realtime_status=False)
"""loop:// only echoes, so nothing answers DLE EOT here (the pty tests cover status)."""


@pytest.fixture
def layout() -> TicketLayout:
    return dataclasses.replace(
        TicketLayout.from_config(load_pack(repo_pack("bank")), PrinterConfig()), profile=PROFILE
    )


@pytest.fixture
def store(tmp_path: Path) -> QueueStore:
    return QueueStore(tmp_path / "queue.sqlite3")


def test_ticket_layout_reads_back(layout: TicketLayout, store: QueueStore) -> None:
    store.take("B")
    ticket = store.take("B")
    (page,) = decode_pages(layout(ticket))
    assert page.lines[:2] == ["江城银行 · 江滨支行", "Jiangcheng Bank · Riverside Branch"]
    assert "非现金业务" in page.lines and "Account and Card Services" in page.lines
    assert "您前面还有 1 人等候" in page.lines and "1 person ahead of you" in page.lines
    assert ticket.day in page.text
    assert page.qr_payloads == [f"bank/{ticket.day}/B002"]
    (number,) = [e for e in page.elements if getattr(e, "text", "") == "B002"]
    assert (number.width, number.height) == (4, 4)  # type: ignore[union-attr]


def test_qr_payload_must_hold_the_ticket() -> None:
    with pytest.raises(ConfigError, match="ticket"):
        TicketLayout.from_config(load_pack(repo_pack("bank")), PrinterConfig(qr_payload="x"))


def test_spool_prints_over_loop_and_keeps_jobs_while_unplugged(
    layout: TicketLayout, store: QueueStore
) -> None:
    loop = serial.serial_for_url("loop://", timeout=0.2)
    plugged = False
    events: list[DeviceStatus] = []

    def opener() -> serial.Serial:
        if not plugged:
            raise DeviceError("loop://: no such device (unplugged?)")
        return loop

    printer = TicketPrinter("loop://", PROFILE, store, on_status=events.append, opener=opener)
    desk = TicketDesk(load_pack(repo_pack("bank")), store, render=layout)
    desk.take("A")
    desk.take("a")
    assert printer.run_once()[0] == 0  # unplugged: nothing printed, nothing lost
    assert len(store.pending_jobs()) == 2
    plugged = True
    printed, status = printer.run_once()
    assert (printed, status.status) == (2, "ok")
    pages = decode_pages(loop.read(100_000))
    assert [page.qr_payloads[0].rsplit("/", 1)[1] for page in pages] == ["A001", "A002"]
    assert store.pending_jobs() == []
    assert [(e.status, e.detail) for e in events] == [
        ("fail", "loop://: no such device (unplugged?)"), ("ok", "ready")
    ]


def test_printer_thread_prints_when_woken(layout: TicketLayout, store: QueueStore) -> None:
    loop = serial.serial_for_url("loop://", timeout=0.2)
    printer = TicketPrinter("loop://", PROFILE, store, poll_s=30, opener=lambda: loop)
    desk = TicketDesk(load_pack(repo_pack("bank")), store, render=layout, wake_printer=printer.wake)
    printer.start()
    try:
        desk.take("C")
        data, deadline = b"", time.monotonic() + 20
        while b"\x1dV" not in data:  # up to the cut
            assert time.monotonic() < deadline, "the printer thread printed nothing"
            data += loop.read(4096)
    finally:
        printer.stop()
    assert decode_pages(data)[0].qr_payloads[0].endswith("/C001")
