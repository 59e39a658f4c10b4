"""The ticket printer: one owner thread per port prints the durable spool and reports faults.

Print jobs live in the queue database (written with their ticket). Whoever owns the port — the
kiosk's printer thread, or `kiosk queue take` for one pass — checks the realtime status, sends
each pending job, checks again, and only then marks it printed. A printer that is unplugged,
out of paper or open keeps its jobs pending; they print when it is back. Printing is at least
once: a job interrupted by a fault is printed again in full, never lost.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable

from kiosk.config import PrinterConfig
from kiosk.devices.link import PORT_ERRORS, open_printer_port
from kiosk.devices.printer_status import PrinterState, read_state
from kiosk.devices.profiles import PrinterProfile, load_profile
from kiosk.devices.usblp import BytePort
from kiosk.errors import DeviceError, QueueError
from kiosk.events import DeviceStatus
from kiosk.queue.store import QueueStore

log = logging.getLogger(__name__)

StatusSink = Callable[[DeviceStatus], None]
"""Receives a printer's DeviceStatus whenever it changes (from the owner thread)."""


class TicketPrinter:
    """Prints the queue's spool on one ESC/POS printer; `start()` gives it its own thread."""

    def __init__(
        self,
        port: str,
        profile: PrinterProfile,
        store: QueueStore,
        *,
        baud: int = 0,
        on_status: StatusSink | None = None,
        poll_s: float = 2.0,
        busy_wait_s: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        opener: Callable[[], BytePort] | None = None,
    ) -> None:
        """`opener` opens the port (default: `open_port` on `port` with the profile's line
        settings); it may raise DeviceError while the printer is unplugged."""
        self.port_name = port
        self._opener = opener or self._open_port
        self.profile = profile
        self._store = store
        self._baud = baud
        self._on_status = on_status
        self._poll_s = poll_s
        self._busy_wait_s = busy_wait_s
        self._clock = clock
        self._port: BytePort | None = None
        self._last: DeviceStatus | None = None
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_config(
        cls,
        port: str,
        config: PrinterConfig,
        store: QueueStore,
        on_status: StatusSink | None = None,
    ) -> TicketPrinter:
        """A printer for a one-shot pass (it waits a while for a port another process holds)."""
        return cls(
            port,
            load_profile(PrinterProfile, config.profile),
            store,
            baud=config.baud,
            on_status=on_status,
            poll_s=config.status_interval_s,
            busy_wait_s=10.0,
        )

    @property
    def status(self) -> DeviceStatus | None:
        """The latest status reported."""
        return self._last

    # ---- the owner thread -------------------------------------------------------------

    def start(self) -> None:
        """Run the printer in its own thread until `stop()`."""
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=f"printer {self.port_name}",
                                        daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """A job was just added: print it now rather than at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        """Stop the thread and close the port."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                try:
                    self.run_once()
                except Exception:  # a bug must not end printing for the rest of the day
                    log.exception("printer %s: unexpected failure; retrying", self.port_name)
                    self._close()
                self._wake.wait(self._poll_s)
                self._wake.clear()
        finally:
            self._close()

    # ---- one pass --------------------------------------------------------------------

    def run_once(self) -> tuple[int, DeviceStatus]:
        """Check the printer and print every pending job it will take; (printed, status)."""
        printed = 0
        try:
            port = self._open()
            state = self._state(port)
            for job in self._store.pending_jobs() if state.ready else ():
                port.write(job.data)
                port.flush()
                state = self._state(port)
                if not state.ready:
                    self._store.job_attempted(job.id)
                    break
                self._store.job_printed(job.id)
                printed += 1
                log.info("printed %s on %s", job.ticket.label, self.port_name)
            status = state.event(self._clock())
        except DeviceError as error:
            self._close()
            status = DeviceStatus(self._clock(), "printer", "fail", error.message)
        except QueueError as error:  # the spool is unreadable for now: retry at the next poll
            log.warning("printer %s: %s", self.port_name, error)
            return printed, self._last or DeviceStatus(self._clock(), "printer", "warn",
                                                       "queue database busy")
        except PORT_ERRORS as error:
            log.info("printer %s: %s", self.port_name, error)
            self._close()
            status = DeviceStatus(self._clock(), "printer", "fail", "connection lost (unplugged?)")
        self._report(status)
        return printed, status

    def _open(self) -> BytePort:
        if self._port is None:
            self._port = self._opener()
        return self._port

    def _open_port(self) -> BytePort:
        return open_printer_port(
            self.port_name,
            self.profile.serial,
            baud=self._baud,
            timeout=min(self.profile.status_timeout_s, 0.2),
            busy_wait_s=self._busy_wait_s,
        )

    def _state(self, port: BytePort) -> PrinterState:
        if not self.profile.realtime_status:
            return PrinterState(answering=True)
        return read_state(port, self.profile.status_timeout_s)

    def _close(self) -> None:
        if self._port is not None:
            with contextlib.suppress(*PORT_ERRORS):
                self._port.close()
            self._port = None

    def close(self) -> None:
        """Release the port (one-shot use)."""
        self._close()

    def _report(self, status: DeviceStatus) -> None:
        last = self._last
        self._last = status
        if last is not None and (last.status, last.detail) == (status.status, status.detail):
            return
        log.info("printer %s: %s", self.port_name, status.detail)  # the event is the report
        if self._on_status is not None:
            self._on_status(status)
