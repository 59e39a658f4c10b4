"""Opening a serial port (a device path or a pyserial URL) with errors a person can act on."""

from __future__ import annotations

import errno
import termios
import time

import serial

from kiosk.devices.profiles import SerialSettings
from kiosk.devices.usblp import BytePort, LinePrinterPort, is_line_printer
from kiosk.errors import DeviceError

PORT_ERRORS = (serial.SerialException, OSError, termios.error)
"""What a port that went away raises (termios.error is no OSError)."""


def is_url(port: str) -> bool:
    """A pyserial URL (loop://, socket://…) rather than a device path."""
    return "://" in port


def open_port(
    port: str,
    settings: SerialSettings,
    *,
    baud: int = 0,
    timeout: float = 0.5,
    write_timeout: float = 5.0,
    busy_wait_s: float = 0.0,
) -> serial.Serial:
    """Open `port`; a device path is locked for this process (one owner per port).

    `busy_wait_s`: how long to keep trying while another process holds the port.
    """
    deadline = time.monotonic() + busy_wait_s
    while True:
        try:
            return serial.serial_for_url(
                port,
                baudrate=baud or settings.baud,
                bytesize=settings.bytesize,
                parity=settings.parity,
                stopbits=settings.stopbits,
                rtscts=settings.rtscts,
                xonxoff=settings.xonxoff,
                timeout=timeout,
                write_timeout=write_timeout,
                exclusive=None if is_url(port) else True,
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            if _busy(exc) and time.monotonic() < deadline:
                time.sleep(0.1)
                continue
            raise _device_error(port, exc) from exc


def open_printer_port(
    port: str, settings: SerialSettings, *, baud: int = 0, timeout: float = 0.5,
    busy_wait_s: float = 0.0,
) -> BytePort:
    """A printer's port: a usblp device (/dev/usb/lp0, or a link to one) or a serial port."""
    if not is_line_printer(port):
        return open_port(port, settings, baud=baud, timeout=timeout, busy_wait_s=busy_wait_s)
    try:
        return LinePrinterPort(port, timeout=timeout)
    except OSError as exc:
        raise _device_error(port, exc) from exc


def _busy(exc: BaseException) -> bool:
    return "exclusively lock" in str(exc) or getattr(exc, "errno", None) == errno.EBUSY


def _device_error(port: str, exc: BaseException) -> DeviceError:
    code = getattr(exc, "errno", None)
    text = str(exc)
    if code == errno.ENOENT or "No such file" in text:
        return DeviceError(
            f"{port}: no such device (unplugged?)",
            hint="plug it in; a udev rule gives it a stable name (hardware/README.md)",
        )
    if code == errno.EACCES or "Permission denied" in text:
        return DeviceError(
            f"{port}: permission denied",
            hint="add the kiosk user to the dialout group, or install the udev rule "
            "in hardware/udev/",
        )
    if _busy(exc):
        return DeviceError(f"{port}: in use by another process", hint="stop the other user")
    return DeviceError(f"{port}: cannot open: {text}", hint="check the port name and cable")
