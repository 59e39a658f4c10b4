"""systemd service notifications (sd_notify): READY, WATCHDOG pings and STATUS lines.

kiosk.service is `Type=notify` with `WatchdogSec=`: the app sends READY=1 once it can take a
visitor, then WATCHDOG=1 from its core loop at half the watchdog period. If the loop hangs,
the pings stop and systemd restarts the app. Outside systemd ($NOTIFY_SOCKET unset) every call
does nothing, so the same code runs on a laptop.

The protocol is one datagram of `KEY=value` lines to a unix socket (sd_notify(3), which invites
reimplementation); written here with the socket module rather than taking the `sdnotify`
package (unmaintained since 2017, and it swallows every error) or python-systemd (needs
libsystemd headers to build).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)


class Watchdog:
    """Talks to systemd over $NOTIFY_SOCKET; a no-op when there is none."""

    def __init__(self, socket_path: str = "", watchdog_usec: int = 0) -> None:
        self.socket_path = socket_path
        """The notify socket; a leading '@' means Linux's abstract namespace."""
        self.watchdog_usec = watchdog_usec
        """systemd's WatchdogSec in microseconds; 0 when the watchdog is off."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Watchdog:
        """From the variables systemd sets ($NOTIFY_SOCKET, $WATCHDOG_USEC, $WATCHDOG_PID)."""
        env = os.environ if environ is None else environ
        usec = env.get("WATCHDOG_USEC", "")
        pid = env.get("WATCHDOG_PID", "")
        # A watchdog meant for another process (our parent) is not ours to feed.
        ours = usec.isdigit() and (not pid or pid == str(os.getpid()))
        return cls(env.get("NOTIFY_SOCKET", ""), int(usec) if ours else 0)

    @property
    def enabled(self) -> bool:
        """True when systemd listens."""
        return bool(self.socket_path)

    @property
    def interval_s(self) -> float:
        """How often to ping: half the watchdog period (0 when the watchdog is off)."""
        return self.watchdog_usec / 2e6

    def notify(self, *fields: str) -> bool:
        """Send `KEY=value` fields in one datagram; False (and a log line) when it fails."""
        if not self.socket_path:
            return False
        address = self.socket_path
        if address.startswith("@"):
            address = "\0" + address[1:]
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.sendto("\n".join(fields).encode("utf-8"), address)
        except OSError as exc:
            log.warning("cannot notify systemd at %s: %s", self.socket_path, exc)
            return False
        return True

    def ready(self, status: str = "") -> bool:
        """The kiosk can take visitors (systemd marks the service started)."""
        return self.notify("READY=1", *([f"STATUS={status}"] if status else []))

    def ping(self) -> bool:
        """The core loop is alive."""
        return self.notify("WATCHDOG=1")

    def status(self, text: str) -> bool:
        """One line for `systemctl status kiosk`, e.g. "idle, 12 turns today"."""
        return self.notify(f"STATUS={text}")

    def stopping(self) -> bool:
        """The kiosk is shutting down on purpose."""
        return self.notify("STOPPING=1")

    async def keep_alive(self, healthy: Callable[[], bool] = lambda: True) -> None:
        """Ping from the event loop until cancelled: run it as a task on the core loop.

        A blocked loop cannot run this task, so a hang stops the pings; `healthy` lets the
        core also withhold them when it knows it is stuck (e.g. a turn running far too long).
        """
        if not self.watchdog_usec:
            return
        while True:
            if healthy():
                self.ping()
            else:
                log.error("core loop reports itself unhealthy: not feeding the watchdog")
            await asyncio.sleep(self.interval_s)
