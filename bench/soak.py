"""Soak: the simulated kiosk, in real time, with scripted visitors; turns, errors and memory.

    python bench/soak.py --minutes 30              # the acceptance soak
    python bench/soak.py --minutes 2 --every 30 --json

One long-lived kiosk, assembled as `kiosk converse` assembles it: the real `Core` (conductor,
turns, barge-in), the grounded answer engine over the metro pack, the listener with
pocketsphinx's wake spotter and recogniser, piper's joe voice and espeak-ng Mandarin, and tickets
from the real queue (kiosk/queue: SQLite, committed before the ticket is announced). The
microphone is a `SimulatedRoom` stepped in real time (a new room per stretch of audio, the same
listener and speaker). Visitors take turns, over and over, until the time is up:

- voice: piper says "Hello kiosk." and a question into the microphone; an answer must follow;
- touch: a tap and a question from the screen (English or Chinese); an answer must follow;
- ticket: the take-ticket button for a service; a `TicketIssued` must follow, and at the end
  the queue database must hold exactly the tickets announced (none lost);
- presence: a synthetic hall video (matplotlib's grace_hopper.jpg walking up to the kiosk and
  away, the vision tests' builder) looping through one kiosk/vision/runner.py for the whole
  soak, as a running kiosk keeps its camera; the kiosk must notice the approach, greet, and
  notice the leave.

Every `--every` seconds and at the end it prints turns handled, errors, RSS (and its slope in
MB/min, from the second sample on, after warm-up), open file descriptors and threads. An error
is a visitor who got no answer, ticket or greeting, an exception, or any ERROR log line.
Stops by itself, cleans up its temporary folder; the exit status is 1 when there were errors.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from soakkiosk import SoakKiosk, Stats, Visitors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30.0, help="how long to run")
    parser.add_argument("--every", type=float, default=60.0, help="seconds between reports")
    parser.add_argument("--json", action="store_true", help="reports as JSON lines")
    parser.add_argument("--pack", default="metro", help="pack name or folder (default metro)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    stats = Stats()
    logging.getLogger().addHandler(stats.log_handler())

    def report(final: bool = False) -> None:
        row = stats.sample(final)
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            slope, late = row["rss_slope_mb_per_min"], row["rss_slope_late_mb_per_min"]
            print(f"[{row['minute']:6.2f} min] turns {row['turns']:4d} ({row['by_kind']})  "
                  f"errors {row['errors']}  rss {row['rss_mb']:.1f} MB "
                  f"(slope {_mb(slope)}, last half {_mb(late)} MB/min)  "
                  f"fds {row['fds']}  threads {row['threads']}"
                  f"{'  FINAL' if final else ''}", flush=True)

    stop = threading.Event()

    def reporter() -> None:
        while not stop.wait(args.every):
            report()

    with tempfile.TemporaryDirectory(prefix="kiosk-soak-") as temp:
        kiosk = SoakKiosk(Path(temp), stats, args.pack)
        visitors: Visitors | None = None
        try:
            visitors = Visitors(kiosk, Path(temp))
            stats.start()
            report()
            thread = threading.Thread(target=reporter, name="soak-reporter", daemon=True)
            thread.start()
            deadline = time.monotonic() + args.minutes * 60
            while time.monotonic() < deadline:
                visitors.next()
            kiosk.check_queue()
        finally:
            stop.set()
            if visitors is not None:
                visitors.close()
            kiosk.close()
        report(final=True)
        for error in stats.errors[:10]:
            print(f"  error: {error}", file=sys.stderr)
    return 1 if stats.errors else 0


def _mb(slope: float | None) -> str:
    return "-" if slope is None else f"{slope:+.2f}"


if __name__ == "__main__":
    raise SystemExit(main())
