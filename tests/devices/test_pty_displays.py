"""Queue displays through a socat pty: LED line, framed and Modbus signs, replug."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from ptybench import Bench, needs_socat

from kiosk.cli import main
from kiosk.config import DisplayConfig
from kiosk.devices.display import DisplayWorker, open_display, show_once
from kiosk.devices.sim.report import DisplayShowed
from kiosk.events import DeviceStatus

pytestmark = needs_socat


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
        assert show_once(bench.port("display"), config, "C007", 12) == ""
        shown = bench.next(DisplayShowed).text
    assert shown == ("请C007号到12号窗口" if profile == "led-line-stx" else "C007 → 12")


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


def test_a_bad_display_profile_stops_the_call_before_it_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "sign.toml"
    bad.write_text('template = "{ticket} to {window}"\n', encoding="utf-8")
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[devices.display]\nprofile = "{bad}"\n', encoding="utf-8")
    where = ["--pack", "bank", "--data-dir", str(tmp_path)]
    assert main(["queue", "take", "A", *where]) == 0
    assert main(["--config", str(config), "queue", "call", "--counter", "1", *where,
                 "--display", "loop://"]) == 2
    assert "cannot be filled in" in capsys.readouterr().err
    assert main(["queue", "call", "--counter", "1", *where, "--json"]) == 0
    assert '"A001"' in capsys.readouterr().out  # still waiting: nothing was called
