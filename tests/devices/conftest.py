"""Fixtures of the device tests: a simulated bench on ptys (needs socat) and a bank desk."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from packdata import repo_pack
from ptybench import Bench

from kiosk.config import PrinterConfig
from kiosk.devices.ticket import TicketLayout
from kiosk.knowledge.loader import load_pack
from kiosk.queue.desk import TicketDesk
from kiosk.queue.store import QueueStore


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    """A virtual printer and LED sign on socat pty pairs, unplugged at the end."""
    if shutil.which("socat") is None:
        pytest.skip("needs socat (apt-get install socat)")
    made = Bench(tmp_path / "sim")
    with made.devices:
        yield made


@pytest.fixture
def desk(tmp_path: Path) -> TicketDesk:
    """The bank pack's desk with a printer layout, on a fresh queue."""
    pack = load_pack(repo_pack("bank"))
    store = QueueStore(tmp_path / "queue.sqlite3")
    return TicketDesk(pack, store, render=TicketLayout.from_config(pack, PrinterConfig()))
