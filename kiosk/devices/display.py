"""Queue displays: a serial LED sign (text lines) or a Modbus RTU register display.

Both sit behind `QueueDisplay`; `DisplayWorker` is the one thread that owns the display's port
in a running kiosk (it shows the latest call, reopening the port when the display comes back);
`show_once`/`show_on` are the one-shot path of `kiosk queue call`.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Literal, Protocol

import serial

from kiosk.config import DisplayConfig
from kiosk.devices.line_protocol import LineCodec
from kiosk.devices.link import PORT_ERRORS, open_port
from kiosk.devices.modbus_display import ModbusDisplay
from kiosk.devices.profiles import DisplayProfile, load_profile
from kiosk.errors import DeviceError
from kiosk.events import DeviceStatus

log = logging.getLogger(__name__)


class QueueDisplay(Protocol):
    """A display that shows the ticket called and its counter."""

    def show(self, ticket: str, counter: int) -> None:
        """Show a call; raises DeviceError (or SerialException) when the display is away."""

    def close(self) -> None:
        """Release the port."""


class LineDisplay:
    """A serial LED sign that takes framed text lines (profile protocol "line")."""

    def __init__(self, port: str, profile: DisplayProfile, baud: int = 0) -> None:
        self.codec = LineCodec(profile)
        self._port_name = port
        self._profile = profile
        self._baud = baud
        self._port: serial.Serial | None = None

    def show(self, ticket: str, counter: int) -> None:
        """Send the call's text as one frame."""
        if self._port is None:
            self._port = open_port(self._port_name, self._profile.serial, baud=self._baud,
                                   busy_wait_s=5.0)
        try:
            self._port.write(self.codec.frame(self.codec.text(ticket, counter)))
            self._port.flush()
        except PORT_ERRORS:
            self.close()
            raise

    def close(self) -> None:
        """Close the port."""
        if self._port is not None:
            with contextlib.suppress(*PORT_ERRORS):
                self._port.close()
            self._port = None


def open_display(port: str, config: DisplayConfig) -> QueueDisplay:
    """The display on `port` as its profile says it talks."""
    profile = load_profile(DisplayProfile, config.profile)
    if profile.protocol == "modbus":
        return ModbusDisplay(port, profile, config.baud)
    return LineDisplay(port, profile, config.baud)


def show_once(port: str, config: DisplayConfig, ticket: str, counter: int) -> str:
    """Show one call on the display at `port`; what went wrong in words, or ""."""
    return show_on(open_display(port, config), ticket, counter)


def show_on(display: QueueDisplay, ticket: str, counter: int) -> str:
    """Show one call and close the port; what went wrong in words, or "" when it was shown."""
    try:
        display.show(ticket, counter)
        return ""
    except DeviceError as error:
        return error.message
    except PORT_ERRORS as error:
        log.info("display: %s", error)
        return "connection lost (unplugged?)"
    finally:
        display.close()


class DisplayWorker:
    """Owns the display's port in its own thread; shows the latest call, retries when away."""

    def __init__(
        self,
        display: QueueDisplay,
        *,
        on_status: Callable[[DeviceStatus], None] | None = None,
        retry_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._display = display
        self._on_status = on_status
        self._retry_s = retry_s
        self._clock = clock
        self._calls: queue.Queue[tuple[str, int] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._last_status = ""

    def start(self) -> None:
        """Start the owner thread."""
        self._thread = threading.Thread(target=self._run, name="queue display", daemon=True)
        self._thread.start()

    def show(self, ticket: str, counter: int) -> None:
        """Show a call (from any thread)."""
        self._calls.put((ticket, counter))

    def stop(self) -> None:
        """Stop the thread and close the port."""
        self._calls.put(None)
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        pending: tuple[str, int] | None = None
        try:
            while True:
                try:
                    item = self._calls.get(timeout=self._retry_s if pending else None)
                    if item is None:
                        return
                    pending = item  # a newer call replaces one the display never showed
                except queue.Empty:
                    pass
                try:
                    if pending is not None and self._try(*pending):
                        pending = None
                except Exception:  # a bug must not silence the display for the rest of the day
                    log.exception("display: unexpected failure; retrying")
                    self._display.close()
        finally:
            self._display.close()

    def _try(self, ticket: str, counter: int) -> bool:
        try:
            self._display.show(ticket, counter)
        except DeviceError as error:
            self._report("fail", error.message)
            return False
        except PORT_ERRORS as error:
            log.info("display: %s", error)
            self._report("fail", "connection lost (unplugged?)")
            return False
        self._report("ok", "ready")
        return True

    def _report(self, status: Literal["ok", "fail"], detail: str) -> None:
        if status == self._last_status:  # an event only when the health changes
            return
        self._last_status = status
        if self._on_status is not None:
            self._on_status(DeviceStatus(self._clock(), "display", status, detail))
