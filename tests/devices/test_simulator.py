"""kiosk devices simulate, the bench's commands, and the queue devices as a kiosk runs them."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from packdata import repo_pack
from ptybench import Bench, needs_socat

from kiosk.cli import main
from kiosk.config import REPO_ROOT, DevicesConfig, DisplayConfig, KioskConfig, PrinterConfig
from kiosk.devices.sim.bench import simulated_config
from kiosk.devices.sim.report import DeviceNote, DisplayShowed, TicketPrinted
from kiosk.devices.wiring import QueueEvent, open_queue_devices
from kiosk.events import DeviceStatus, TicketIssued
from kiosk.knowledge.loader import load_pack

pytestmark = needs_socat


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
    config = simulated_config(KioskConfig(devices=DevicesConfig(
        printer=PrinterConfig(status_interval_s=0.2), display=DisplayConfig(retry_s=0.2),
    )), bench.devices)
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


def test_devices_status_asks_the_printer(bench: Bench, capsys: pytest.CaptureFixture[str]) -> None:
    port = bench.port("printer")
    assert main(["devices", "status", "--printer", port, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["detail"] == "ready"
    bench.devices.set_cover(True)
    assert main(["devices", "status", "--printer", port]) == 2
    assert "cover open" in capsys.readouterr().out
    bench.devices.unplug("printer")
    assert main(["devices", "status", "--printer", port]) == 2
    assert "unplugged" in capsys.readouterr().out


def test_the_cores_ticket_desk_prints_on_the_queue(bench: Bench, tmp_path: Path) -> None:
    from kiosk.core import Ticket
    from kiosk.devices.core_desk import core_desk
    from kiosk.errors import QueueError

    config = simulated_config(KioskConfig(), bench.devices)
    events: list[QueueEvent] = []
    devices = open_queue_devices(config, load_pack(repo_pack("bank")), tmp_path, events.append,
                                 issued_events=False)
    desk = core_desk(devices)
    devices.start()
    try:
        issued = [desk.issue("B"), desk.issue("b")]
        assert issued == [Ticket("B001", "B", 0), Ticket("B002", "B", 1)]
        assert [bench.next(TicketPrinted).qr[0][-4:] for _ in range(2)] == ["B001", "B002"]
        with pytest.raises(QueueError):
            desk.issue("Q")
    finally:
        devices.stop()
    assert not any(isinstance(event, TicketIssued) for event in events)  # the conductor's job
