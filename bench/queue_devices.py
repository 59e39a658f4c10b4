"""Queue and device timings: take (commit + fsync), concurrent takes, ticket to paper over a pty.

    .venv/bin/python bench/queue_devices.py [--rounds 200]

Prints medians (and p95) of several runs; the machine's disk and load decide the fsync cost.
"""

from __future__ import annotations

import argparse
import queue
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.config import REPO_ROOT, PrinterConfig
from kiosk.devices.printer import TicketPrinter
from kiosk.devices.profiles import DisplayProfile, PrinterProfile, load_profile
from kiosk.devices.sim.bench import DeviceBench
from kiosk.devices.sim.report import SimEvent, TicketPrinted
from kiosk.devices.ticket import TicketLayout
from kiosk.knowledge.loader import load_pack
from kiosk.queue.store import QueueStore

TAKER = """
import sys, time
from kiosk.queue.store import QueueStore
store = QueueStore(sys.argv[1])
for _ in range(int(sys.argv[2])):
    store.take("A")
"""


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


def take_latency(folder: Path, rounds: int) -> None:
    pack = load_pack(REPO_ROOT / "knowledge" / "bank")
    store = QueueStore(folder / "take.sqlite3")
    layout = TicketLayout.from_config(pack, PrinterConfig())
    for label, render in (("take", None), ("take + print job", layout)):
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            store.take("A", render=render)
            times.append(time.perf_counter() - started)
        print(f"{label:<28} {_ms(times)}  ({rounds} tickets)")


def concurrent(folder: Path, processes: int, each: int) -> None:
    runs = []
    for run in range(3):
        path = folder / f"concurrent-{run}.sqlite3"
        QueueStore(path).close()
        started = time.perf_counter()
        takers = [subprocess.Popen([sys.executable, "-c", TAKER, str(path), str(each)],
                                   env={"PYTHONPATH": str(REPO_ROOT)}) for _ in range(processes)]
        for taker in takers:
            taker.wait(timeout=300)
        runs.append(time.perf_counter() - started)
    total = processes * each
    best = statistics.median(runs)
    print(f"{processes} processes x {each} takes    median {best:.2f} s for {total} tickets "
          f"(incl. process start-up)")


def ticket_to_paper(folder: Path, rounds: int) -> None:
    events: queue.Queue[SimEvent] = queue.Queue()
    pack = load_pack(REPO_ROOT / "knowledge" / "bank")
    profile = load_profile(PrinterProfile, "escpos-80mm")
    with DeviceBench(folder / "sim", events.put, printer=profile,
                     display=load_profile(DisplayProfile, "led-line"), previews=False) as bench:
        store = QueueStore(folder / "print.sqlite3")
        layout = TicketLayout.from_config(pack, PrinterConfig())
        printer = TicketPrinter(str(bench.port("printer")), profile, store)
        times = []
        try:
            for _ in range(rounds):
                started = time.perf_counter()
                store.take("B", render=layout)
                printer.run_once()
                while not isinstance(events.get(timeout=30), TicketPrinted):
                    pass
                times.append(time.perf_counter() - started)
        finally:
            printer.close()
    print(f"{'take → decoded at far end':<28} {_ms(times)}  ({rounds} tickets, 3 DLE EOT "
          "queries before and after each)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        take_latency(Path(folder), args.rounds)
        concurrent(Path(folder), 4, 50)
        ticket_to_paper(Path(folder), max(args.rounds // 10, 5))


if __name__ == "__main__":
    main()
