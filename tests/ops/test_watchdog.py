"""sd_notify over a real unix datagram socket, as systemd listens for it."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.watchdog import Watchdog


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(tmp_path / "notify"))
    sock.settimeout(5)
    yield sock
    sock.close()


def test_ready_status_and_ping_arrive_as_datagrams(listener: socket.socket) -> None:
    dog = Watchdog.from_environ({"NOTIFY_SOCKET": listener.getsockname(),
                                 "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())})
    assert dog.enabled and dog.interval_s == 15.0
    assert dog.ready("idle")
    assert listener.recv(4096) == b"READY=1\nSTATUS=idle"
    dog.ping()
    assert listener.recv(4096) == b"WATCHDOG=1"
    dog.status("12 turns today")
    dog.stopping()
    assert [listener.recv(4096), listener.recv(4096)] == [b"STATUS=12 turns today",
                                                           b"STOPPING=1"]


def test_abstract_namespace_socket() -> None:
    name = f"kiosk-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        sock.settimeout(5)
        assert Watchdog(f"@{name}").ping()
        assert sock.recv(64) == b"WATCHDOG=1"


def test_outside_systemd_everything_is_a_quiet_no_op() -> None:
    dog = Watchdog.from_environ({})
    assert not dog.enabled and not dog.ready() and not dog.ping()
    assert not Watchdog("/nonexistent/socket").ping()  # a vanished socket: logged, no crash


def test_a_watchdog_for_another_process_is_not_fed() -> None:
    dog = Watchdog.from_environ({"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "1000000",
                                 "WATCHDOG_PID": "1"})
    assert dog.watchdog_usec == 0 and dog.enabled  # READY still goes to systemd


def test_keep_alive_pings_from_the_loop_while_healthy(listener: socket.socket) -> None:
    dog = Watchdog(listener.getsockname(), watchdog_usec=20_000)  # a ping every 10 ms
    healthy = [True]

    async def run() -> list[bytes]:
        task = asyncio.create_task(dog.keep_alive(lambda: healthy[0]))
        got = [await asyncio.to_thread(listener.recv, 64) for _ in range(3)]
        healthy[0] = False  # the core says it is stuck: pings stop
        await asyncio.sleep(0.05)
        listener.settimeout(0)
        while True:  # drain a ping sent before the flag was seen
            try:
                listener.recv(64)
            except BlockingIOError:
                break
        await asyncio.sleep(0.05)
        with pytest.raises(BlockingIOError):
            listener.recv(64)
        task.cancel()
        return got

    assert asyncio.run(run()) == [b"WATCHDOG=1"] * 3


def test_a_blocked_loop_stops_the_pings(listener: socket.socket) -> None:
    """What makes systemd restart a hung kiosk: no ping while the loop cannot run."""
    import contextlib
    import threading
    import time

    dog = Watchdog(listener.getsockname(), watchdog_usec=20_000)

    async def core() -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await dog.keep_alive()

    loop = asyncio.new_event_loop()
    task = loop.create_task(core())
    thread = threading.Thread(target=loop.run_until_complete, args=(task,), daemon=True)
    thread.start()
    try:
        listener.recv(64)
        loop.call_soon_threadsafe(time.sleep, 0.4)  # the core loop hangs for 0.4 s
        time.sleep(0.05)  # let the hang begin; drain pings sent before it
        listener.settimeout(0)
        while True:
            try:
                listener.recv(64)
            except BlockingIOError:
                break
        listener.settimeout(5)
        waited = time.monotonic()
        assert listener.recv(64) == b"WATCHDOG=1"  # pings resume after the hang …
        assert time.monotonic() - waited > 0.25  # … and none came during it
    finally:
        loop.call_soon_threadsafe(task.cancel)
        thread.join(timeout=5)
        loop.close()
