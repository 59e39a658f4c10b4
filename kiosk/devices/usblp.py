"""USB printer-class devices (/dev/usb/lp0): a thermal printer without a serial adapter.

Linux's usblp driver gives a plain character device: no line settings, reads return what a
bidirectional printer sends back (the DLE EOT replies). `LinePrinterPort` offers the few
pyserial calls the printer uses, so `TicketPrinter` drives either kind the same way.
"""

from __future__ import annotations

import os
import select
import time
from pathlib import Path
from typing import Protocol


class BytePort(Protocol):
    """What the printer needs of a port (pyserial's `Serial` has it all)."""

    def write(self, data: bytes, /) -> int | None: ...
    def flush(self) -> None: ...
    def read(self, size: int = 1, /) -> bytes: ...
    def reset_input_buffer(self) -> None: ...
    def close(self) -> None: ...


def is_line_printer(port: str) -> bool:
    """`port` is (a link to) a usblp device rather than a serial port."""
    return os.path.realpath(port).startswith("/dev/usb/lp")


class LinePrinterPort:
    """A usblp character device opened for reading and writing."""

    def __init__(self, path: str | Path, *, timeout: float = 0.5, write_timeout: float = 5.0):
        self._fd = os.open(path, os.O_RDWR | os.O_NONBLOCK | os.O_NOCTTY)
        self._timeout = timeout
        self._write_timeout = write_timeout

    def write(self, data: bytes, /) -> int:
        """Write all of `data`; OSError (ETIMEDOUT) when the printer takes nothing for long."""
        view, deadline = memoryview(data), time.monotonic() + self._write_timeout
        while view:
            _, ready, _ = select.select([], [self._fd], [], max(deadline - time.monotonic(), 0))
            if not ready:
                raise TimeoutError("the printer took no data (busy, off or out of paper)")
            view = view[os.write(self._fd, view) :]
        return len(data)

    def flush(self) -> None:
        """Writes are unbuffered here."""

    def read(self, size: int = 1, /) -> bytes:
        """Up to `size` bytes, waiting at most the timeout for the first."""
        ready, _, _ = select.select([self._fd], [], [], self._timeout)
        if not ready:
            return b""
        try:
            return os.read(self._fd, size)
        except BlockingIOError:
            return b""

    def reset_input_buffer(self) -> None:
        """Drop whatever the printer sent earlier."""
        while True:
            try:
                if not os.read(self._fd, 4096):
                    return
            except BlockingIOError:
                return

    def close(self) -> None:
        """Close the device."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
