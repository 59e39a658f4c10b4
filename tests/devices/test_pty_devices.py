"""Printer and displays through socat pseudo-terminals: far-end bytes, faults, recovery."""

from __future__ import annotations

import dataclasses
import json
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
import serial
from packdata import repo_pack

from kiosk.cli import main
from kiosk.config import REPO_ROOT, DevicesConfig, DisplayConfig, KioskConfig, PrinterConfig
from kiosk.devices.display import DisplayWorker, open_display, show_once
from kiosk.devices.escpos_decode import decode_pages
from kiosk.devices.printer import TicketPrinter
from kiosk.devices.profiles import DisplayProfile, PrinterProfile, load_profile
from kiosk.devices.sim.bench import DeviceBench
from kiosk.devices.sim.pty import PtyPair
from kiosk.devices.sim.report import DeviceNote, DisplayShowed, SimEvent, TicketPrinted
from kiosk.devices.ticket import TicketLayout
from kiosk.devices.wiring import QueueEvent, open_queue_devices
from kiosk.events import DeviceStatus, TicketIssued
from kiosk.knowledge.loader import load_pack
from kiosk.queue.desk import TicketDesk
from kiosk.queue.store import QueueStore

pytestmark = pytest.mark.skipif(shutil.which("socat") is None, reason="needs socat")

Event = TypeVar("Event")


class Bench:
    """A DeviceBench whose events land in a queue the test waits on."""

    def __init__(self, folder: Path, display: str = "led-line") -> None:
        self.events: queue.Queue[SimEvent] = queue.Queue()
        self.devices = DeviceBench(
            folder, self.events.put, printer=load_profile(PrinterProfile, "escpos-80mm"),
            display=load_profile(DisplayProfile, display),
        )

    def port(self, device: str) -> str:
        return str(self.devices.port("printer" if device == "printer" else "display"))

    def next(self, kind: type[Event], timeout: float = 20.0) -> Event:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {kind.__name__} within {timeout} s"
            try:
                event = self.events.get(timeout=remaining)
            except queue.Empty:
                continue
            if isinstance(event, kind):
                return event


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    made = Bench(tmp_path / "sim")
    with made.devices:
        yield made


@pytest.fixture
def desk(tmp_path: Path) -> TicketDesk:
    pack = load_pack(repo_pack("bank"))
    store = QueueStore(tmp_path / "queue.sqlite3")
    return TicketDesk(pack, store, render=TicketLayout.from_config(pack, PrinterConfig()))


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


def test_call_shows_ticket_and_counter(bench: Bench, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    where = ["--pack", "bank", "--data-dir", str(tmp_path)]
    assert main(["queue", "take", "A", *where]) == 0
    assert main(["queue", "call", "--counter", "5", *where, "--display", bench.port("display"),
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1]) == {"ticket": "A001",
                                                                   "counter": 5}
    assert bench.next(DisplayShowed).text == "A001 请到5号窗口"


@pytest.mark.parametrize("profile", ["led-line-stx", "modbus-display"])
def test_framed_and_modbus_displays(tmp_path: Path, profile: str) -> None:
    bench = Bench(tmp_path / "sim", display=profile)
    config = DisplayConfig(profile=profile)
    with bench.devices:
        assert show_once(bench.port("display"), config, load_pack(repo_pack("bank")),
                         "C007", 12) == ""
        shown = bench.next(DisplayShowed).text
    assert shown == ("请C007号到12号窗口" if profile == "led-line-stx" else "C007 → 12")


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


def test_display_worker_shows_the_latest_call_after_replug(bench: Bench) -> None:
    statuses: list[DeviceStatus] = []
    worker = DisplayWorker(open_display(bench.port("display"), DisplayConfig()),
                           on_status=statuses.append, retry_s=0.2)
    worker.start()
    try:
        bench.devices.unplug("display")
        worker.show("A001", 1)
        worker.show("A002", 2)  # called while the sign was away: only the latest matters
        time.sleep(0.5)
        bench.devices.replug("display")
        assert bench.next(DisplayShowed).text == "A002 请到2号窗口"
    finally:
        worker.stop()
    assert statuses[0].status == "fail" and statuses[-1].status == "ok"


def test_simulate_command_runs_and_cleans_up(tmp_path: Path) -> None:
    folder = tmp_path / "sim"
    simulator = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "devices", "simulate", "--dir", str(folder), "--json"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO_ROOT,
    )
    lines: queue.Queue[dict[str, object]] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(json.loads(line)) for line in simulator.stdout
                                     or ()], daemon=True).start()

    def until(event: str) -> dict[str, object]:
        while True:
            line = lines.get(timeout=60)
            if line["event"] == event:
                return line

    assert simulator.stdin is not None
    try:
        ready = until("ready")
        assert main(["queue", "take", "C", "--pack", "bank", "--data-dir", str(tmp_path),
                     "--printer", str(ready["printer"])]) == 0
        printed = until("printed")
        assert "C001" in str(printed["text"]).splitlines()
        simulator.stdin.write("unplug printer\n")
        simulator.stdin.flush()
        assert until("unplugged")["device"] == "printer"
        assert not Path(str(ready["printer"])).exists()
        simulator.stdin.write("quit\n")
        simulator.stdin.flush()
        assert simulator.wait(timeout=30) == 0
    finally:
        if simulator.poll() is None:
            simulator.kill()
            simulator.wait(timeout=10)
    assert not Path(str(ready["display"])).exists()  # socat gone with it


def test_simulator_notes_are_events(bench: Bench) -> None:
    bench.devices.command("paper out")
    note = bench.next(DeviceNote)
    while note.event == "plugged":
        note = bench.next(DeviceNote)
    assert (note.device, note.event, note.detail) == ("printer", "paper", "out")
    with pytest.raises(ValueError, match="unknown command"):
        bench.devices.command("paper maybe")


def test_queue_devices_as_the_kiosk_runs_them(bench: Bench, tmp_path: Path) -> None:
    config = KioskConfig(devices=DevicesConfig(
        printer=PrinterConfig(port=bench.port("printer"), status_interval_s=0.2),
        display=DisplayConfig(port=bench.port("display"), retry_s=0.2),
    ))
    events: queue.Queue[QueueEvent] = queue.Queue()
    devices = open_queue_devices(config, load_pack(repo_pack("hotel")), tmp_path, events.put)
    devices.start()
    try:
        code = devices.desk.pack.services[0].code
        ticket = devices.take(code)
        issued = events.get(timeout=10)
        while isinstance(issued, DeviceStatus):  # the printer thread says "ready" meanwhile
            issued = events.get(timeout=10)
        assert isinstance(issued, TicketIssued)
        assert issued.ticket == ticket.label == f"{code}001"
        assert ticket.label in bench.next(TicketPrinted).text.splitlines()
        call = devices.call_next(2)
        assert call is not None and call.ticket.label == ticket.label
        assert bench.next(DisplayShowed).text == f"{ticket.label} 请到2号窗口"
    finally:
        devices.stop()
    assert [t.name for t in threading.enumerate() if t.name.startswith(("printer", "queue"))] == []


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
