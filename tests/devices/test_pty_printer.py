"""The ticket printer through a socat pty: far-end bytes, faults, spool, recovery."""

from __future__ import annotations

import dataclasses
import json
import queue
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import serial
from ptybench import Bench, needs_socat

from kiosk.cli import main
from kiosk.config import REPO_ROOT
from kiosk.devices.escpos_decode import decode_pages
from kiosk.devices.line_protocol import cells
from kiosk.devices.printer import TicketPrinter
from kiosk.devices.profiles import PrinterProfile, load_profile
from kiosk.devices.sim.pty import PtyPair
from kiosk.devices.sim.report import TicketPrinted
from kiosk.events import DeviceStatus
from kiosk.queue.desk import TicketDesk

pytestmark = needs_socat


def test_concurrent_cli_tickets_reach_the_far_end(bench: Bench, tmp_path: Path) -> None:
    """Three processes share one printer port: each waits for the port, none is lost."""
    command = [sys.executable, "-m", "kiosk", "queue", "take", "B", "--pack", "bank",
               "--data-dir", str(tmp_path), "--printer", bench.port("printer"), "--json"]
    takes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=REPO_ROOT) for _ in range(3)]
    replies = []
    for take in takes:
        out, err = take.communicate(timeout=120)
        assert take.returncode == 0 and err == "", err
        replies.append(json.loads(out)["ticket"])
    printed = {bench.next(TicketPrinted) for _ in range(3)}
    by_number = {p.qr[0].rsplit("/", 1)[1]: p for p in printed}
    assert sorted(replies) == sorted(by_number) == ["B001", "B002", "B003"]
    lines = by_number["B002"].text.splitlines()
    assert "B002" in lines and "非现金业务" in lines and "您前面还有 1 人等候" in lines
    assert Path(by_number["B002"].preview).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_ticket_taken_while_unplugged_prints_later(bench: Bench, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    where = ["--pack", "bank", "--data-dir", str(tmp_path), "--printer", bench.port("printer")]
    bench.devices.unplug("printer")
    assert main(["queue", "take", "A", *where, "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["ticket"] == "A001" and "the ticket is kept" in err
    bench.devices.replug("printer")
    assert main(["queue", "print", *where]) == 0
    assert "printed 1" in capsys.readouterr().out
    assert "A001" in bench.next(TicketPrinted).text.splitlines()


def test_paper_out_and_cover_open_keep_the_ticket(bench: Bench, desk: TicketDesk) -> None:
    statuses: list[DeviceStatus] = []
    printer = TicketPrinter(bench.port("printer"), load_profile(PrinterProfile, "escpos-80mm"),
                            desk.store, on_status=statuses.append)
    try:
        bench.devices.set_paper("out")
        desk.take("A")
        assert printer.run_once()[0] == 0
        bench.devices.set_paper("ok")
        bench.devices.set_cover(True)
        assert printer.run_once()[0] == 0
        bench.devices.set_cover(False)
        bench.devices.set_paper("low")
        printed, status = printer.run_once()
    finally:
        printer.close()
    assert (printed, status.status, status.detail) == (1, "warn", "paper low")
    assert [s.detail for s in statuses] == ["paper out", "cover open", "paper low"]
    assert "A001" in bench.next(TicketPrinted).text.splitlines()
    assert desk.store.pending_jobs() == []


def test_unplugged_printer_prints_its_spool_when_back(bench: Bench, desk: TicketDesk) -> None:
    statuses: queue.Queue[DeviceStatus] = queue.Queue()
    printer = TicketPrinter(bench.port("printer"), load_profile(PrinterProfile, "escpos-80mm"),
                            desk.store, on_status=statuses.put, poll_s=0.2)
    desk = TicketDesk(desk.pack, desk.store, render=desk._render, wake_printer=printer.wake)
    printer.start()
    try:
        assert statuses.get(timeout=20).detail == "ready"
        bench.devices.unplug("printer")
        desk.take("V")
        desk.take("V")
        assert _first(statuses, lambda s: s.status == "fail").detail.endswith("(unplugged?)")
        assert len(desk.store.pending_jobs()) == 2
        bench.devices.replug("printer")
        printed = [bench.next(TicketPrinted).qr[0] for _ in range(2)]
        assert _first(statuses, lambda s: s.status == "ok").detail == "ready"
    finally:
        printer.stop()
    assert [payload.rsplit("/", 1)[1] for payload in printed] == ["V001", "V002"]
    assert desk.store.pending_jobs() == []


def _first(events: queue.Queue[DeviceStatus], test: Callable[[DeviceStatus], bool]
           ) -> DeviceStatus:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            event = events.get(timeout=0.5)
        except queue.Empty:
            continue
        if test(event):
            return event
    raise AssertionError("no such status")


def test_paper_running_out_mid_ticket_prints_it_again(bench: Bench, desk: TicketDesk) -> None:
    printer = TicketPrinter(bench.port("printer"), load_profile(PrinterProfile, "escpos-80mm"),
                            desk.store)
    try:
        bench.devices.command("paper 1")  # one whole ticket left on the roll
        for _ in range(3):
            desk.take("B")
        printed, status = printer.run_once()
        assert (printed, status.detail) == (1, "paper out")  # B002 was sent, then paper ended
        assert [job.ticket.label for job in desk.store.pending_jobs()] == ["B002", "B003"]
        bench.devices.set_paper("ok")
        assert printer.run_once()[0] == 2
    finally:
        printer.close()
    labels = [bench.next(TicketPrinted).qr[0].rsplit("/", 1)[1] for _ in range(3)]
    assert labels == ["B001", "B002", "B003"]


def test_raw_bytes_at_the_far_end(tmp_path: Path, desk: TicketDesk) -> None:
    """No virtual printer: the test itself reads the far end of the pty and decodes it."""
    pair = PtyPair(tmp_path / "printer", tmp_path / "far")
    profile = dataclasses.replace(load_profile(PrinterProfile, "escpos-80mm"),
                                  realtime_status=False)
    with pair:
        far = serial.Serial(str(pair.far_end), timeout=0.2)
        printer = TicketPrinter(str(pair.device), profile, desk.store)
        try:
            desk.take("C")
            desk.take("C")
            assert printer.run_once()[0] == 2
            data, deadline = b"", time.monotonic() + 20
            while data.count(b"\x1dV") < 2 and time.monotonic() < deadline:
                data += far.read(4096)
        finally:
            printer.close()
            far.close()
    first, second = decode_pages(data)
    assert "C002" in second.lines and "对公业务" in second.lines
    assert second.qr_payloads == [f"bank/{desk.store.today()}/C002"]
    assert "C001" in first.lines


def test_printer_without_cutter_ends_tickets_by_reset_and_silence(
    tmp_path: Path, desk: TicketDesk
) -> None:
    bench = Bench(tmp_path / "sim", printer="escpos-58mm")
    profile = load_profile(PrinterProfile, "escpos-58mm")
    layout = dataclasses.replace(desk._render, profile=profile)
    desk = TicketDesk(desk.pack, desk.store, render=layout)
    with bench.devices:
        printer = TicketPrinter(bench.port("printer"), profile, desk.store)
        try:
            desk.take("A")
            desk.take("A")
            assert printer.run_once()[0] == 2
            printed = [bench.next(TicketPrinted) for _ in range(2)]
        finally:
            printer.close()
    assert [p.qr[0].rsplit("/", 1)[1] for p in printed] == ["A001", "A002"]
    assert all(sum(map(cells, line)) <= 32 for line in printed[0].text.splitlines())
