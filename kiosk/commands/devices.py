"""`kiosk devices simulate|status`: virtual printer and display on ptys; the printer's status."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType

from kiosk.commands import Commands
from kiosk.config import KioskConfig


def register(commands: Commands) -> None:
    """Add `devices simulate` and `devices status` to the `kiosk` command."""
    devices = commands.add_parser("devices", help="serial devices: simulators, printer status")
    actions = devices.add_subparsers(dest="devices_command", required=True, metavar="ACTION")
    simulate = actions.add_parser(
        "simulate",
        help="run a virtual printer and display on pseudo-terminals",
        description="Makes DIR/printer and DIR/display (pass them to --printer / --display), "
        "prints what the devices print and show, and reads commands on stdin: "
        "unplug printer|display, replug printer|display, paper ok|low|out|N (N tickets "
        "left on the roll), "
        "cover open|closed, quit. Ctrl-C, SIGTERM or SIGHUP stops it.",
    )
    simulate.add_argument("--dir", type=Path, help="where the ports and ticket previews go "
                          "(default: a new temporary folder)")
    simulate.add_argument("--printer-profile", help="printer profile (default: from config)")
    simulate.add_argument("--display-profile", help="display profile (default: from config)")
    simulate.add_argument("--no-preview", action="store_true", help="write no PNG previews")
    simulate.add_argument("--json", action="store_true", help="one JSON object per line")
    simulate.set_defaults(handler=_simulate)

    status = actions.add_parser("status", help="ask the ticket printer how it is (DLE EOT)")
    status.add_argument("--printer", metavar="PORT", help="serial device, /dev/usb/lp0 or URL "
                        "(default: from config)")
    status.add_argument("--json", action="store_true", help="print one JSON object")
    status.set_defaults(handler=_status)


def _simulate(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.devices.profiles import DisplayProfile, PrinterProfile, load_profile
    from kiosk.devices.sim.bench import DeviceBench
    from kiosk.devices.sim.report import SimEvent, to_json, to_text

    folder = args.dir or Path(tempfile.mkdtemp(prefix="kiosk-devices-"))
    printing = threading.Lock()

    def say(event: SimEvent) -> None:
        line = json.dumps(to_json(event), ensure_ascii=False) if args.json else to_text(event)
        with printing:
            print(line, flush=True)

    printer = args.printer_profile or config.devices.printer.profile
    display = args.display_profile or config.devices.display.profile
    bench = DeviceBench(
        folder,
        say,
        printer=load_profile(PrinterProfile, printer),
        display=load_profile(DisplayProfile, display),
        previews=not args.no_preview,
    )
    stop = threading.Event()

    def on_signal(_number: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {number: signal.signal(number, on_signal)
                for number in (signal.SIGTERM, signal.SIGHUP)}  # socat must not outlive us
    try:
        with bench:
            ready = {"device": "simulator", "event": "ready",
                     "printer": str(bench.port("printer")), "display": str(bench.port("display"))}
            with printing:
                print(json.dumps(ready) if args.json else
                      f"printer: {ready['printer']}\ndisplay: {ready['display']}", flush=True)
            if not _in_background():
                threading.Thread(target=_read_commands, args=(bench, stop), daemon=True).start()
            while not stop.wait(0.2):
                pass
    except KeyboardInterrupt:
        pass
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    return 0


def _in_background() -> bool:
    """Started with `&` from a terminal: reading stdin would stop the whole process (SIGTTIN)."""
    try:
        return sys.stdin.isatty() and os.tcgetpgrp(sys.stdin.fileno()) != os.getpgrp()
    except OSError:
        return False


def _read_commands(bench: object, stop: threading.Event) -> None:
    """Commands from stdin until `quit`; at end of input the devices keep running."""
    from kiosk.devices.sim.bench import DeviceBench
    from kiosk.errors import KioskError

    assert isinstance(bench, DeviceBench)
    for line in sys.stdin:
        try:
            if not bench.command(line):
                stop.set()
                return
        except (ValueError, KioskError) as error:
            print(f"error: {error}", file=sys.stderr, flush=True)


def _status(config: KioskConfig, args: argparse.Namespace) -> int:
    """The printer's realtime status in words; exit 0 ready, 1 warning, 2 not printing."""
    import time

    from kiosk.devices.link import PORT_ERRORS, open_printer_port
    from kiosk.devices.printer_status import read_state
    from kiosk.devices.profiles import PrinterProfile, load_profile
    from kiosk.errors import DeviceError
    from kiosk.events import DeviceStatus

    port = args.printer or config.devices.printer.port
    if not port:
        raise DeviceError("no printer given", hint="pass --printer PORT or set [devices.printer]")
    profile = load_profile(PrinterProfile, config.devices.printer.profile)
    try:
        link = open_printer_port(port, profile.serial, baud=config.devices.printer.baud,
                                 timeout=0.2, busy_wait_s=5.0)
        try:
            status = read_state(link, profile.status_timeout_s).event(time.monotonic())
        finally:
            link.close()
    except DeviceError as error:
        status = DeviceStatus(time.monotonic(), "printer", "fail", error.message)
    except PORT_ERRORS:
        status = DeviceStatus(time.monotonic(), "printer", "fail", "connection lost (unplugged?)")
    if args.json:
        print(json.dumps({"device": "printer", "port": port, "status": status.status,
                          "detail": status.detail}, ensure_ascii=False))
    else:
        print(f"printer {port}: {status.status} — {status.detail}")
    return {"ok": 0, "warn": 1}.get(status.status, 2)
