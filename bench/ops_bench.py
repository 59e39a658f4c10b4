"""Operations numbers: conversation-log writes, report build time, bundle pack/install speed.

    python bench/ops_bench.py [--turns 100000] [--runs 5] [--bundle-mb 200]

Prints medians of several runs. Everything happens in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from kiosk.config import LogConfig
from kiosk.convlog import ConversationLog
from kiosk.models import install_bundle, pack_bundle
from kiosk.report import render_html, summarise

QUESTIONS = ["末班车几点", "wifi password?", "where is exit B", "厕所在哪里", "我要取号",
             "can I bring a bike", "卖冰淇淋吗", "lost my card"]


def _median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.2f} ms"


def bench_log(folder: Path, turns: int, runs: int) -> ConversationLog:
    log = ConversationLog(folder / "log.db", LogConfig(retention_days=3650))
    now = time.time()
    single = []
    for i in range(runs * 20):
        started = time.perf_counter()
        log.record_turn(channel="voice", question=random.choice(QUESTIONS), lang="zh",
                        sources=["x"], handoff=False, latency_ms=50, t=now - i)
        single.append(time.perf_counter() - started)
    print(f"record_turn (one committed turn, WAL): median {_median_ms(single)}")
    started = time.perf_counter()
    for _ in range(turns):
        log.record_turn(channel=random.choice(("voice", "touch", "cli")),
                        question=random.choice(QUESTIONS), lang="zh", sources=["x"],
                        handoff=random.random() < 0.1, latency_ms=random.gauss(400, 120),
                        t=now - random.uniform(0, 7 * 86_400))
    print(f"logged {turns} turns in {time.perf_counter() - started:.1f} s")
    return log


def bench_report(log: ConversationLog, runs: int) -> None:
    samples = []
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        page = render_html(summarise(list(log.turns()), log.presence(), 0.0, time.time()))
        samples.append(time.perf_counter() - started)
        size = len(page.encode())
    print(f"report over {sum(1 for _ in log.turns())} turns: median {_median_ms(samples)}, "
          f"{size / 1024:.0f} KB of HTML")


def bench_bundle(folder: Path, megabytes: int, runs: int) -> None:
    source = folder / "src"
    (source / "big").mkdir(parents=True)
    with (source / "big" / "weights.gguf").open("wb") as out:
        for _ in range(megabytes):
            out.write(os.urandom(1 << 20))
    packs, installs = [], []
    for run in range(runs):
        bundle = folder / f"b{run}.tar"
        started = time.perf_counter()
        pack_bundle(source, bundle)
        packs.append(time.perf_counter() - started)
        started = time.perf_counter()
        install_bundle(bundle, folder / "models")
        installs.append(time.perf_counter() - started)
        bundle.unlink()
    pack_s, install_s = statistics.median(packs), statistics.median(installs)
    print(f"bundle of {megabytes} MB: pack median {pack_s:.2f} s ({megabytes / pack_s:.0f} MB/s), "
          f"verified install median {install_s:.2f} s ({megabytes / install_s:.0f} MB/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bundle-mb", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with bench_log(folder, args.turns, args.runs) as log:
            bench_report(log, args.runs)
        bench_bundle(folder, args.bundle_mb, args.runs)


if __name__ == "__main__":
    main()
