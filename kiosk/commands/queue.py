"""`kiosk queue take|call|recall|skip|status|print`: the ticket queue on the command line.

The JSON of `take` and `call` is a contract scripts rely on: exactly
`{"ticket", "service", "waiting"}` and `{"ticket", "counter"}`. Device trouble goes to stderr;
a ticket that could not be printed is kept and printed when the printer is back.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from kiosk.commands import Commands
from kiosk.config import KioskConfig

if TYPE_CHECKING:
    from kiosk.devices.display import QueueDisplay
    from kiosk.queue.desk import TicketDesk
    from kiosk.queue.model import Call


def register(commands: Commands) -> None:
    """Add `queue` and its subcommands to the `kiosk` command."""
    queue = commands.add_parser("queue", help="take tickets, call numbers, show the queue")
    actions = queue.add_subparsers(dest="queue_command", required=True, metavar="ACTION")

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, help=help_text)
        parser.add_argument("--pack", help="pack folder, or a pack name (default: from config)")
        parser.add_argument("--data-dir", help="where the queue database is kept")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        return parser

    take = action("take", "issue the next ticket of a service (and print it)")
    take.add_argument("service", metavar="SERVICE", help="service code from the pack, e.g. A")
    take.add_argument("--printer", metavar="PORT", help="serial device or pyserial URL")
    take.set_defaults(handler=_take)

    call = action("call", "call the next waiting ticket to a counter")
    call.add_argument("--counter", type=int, required=True, metavar="N")
    call.add_argument("--service", metavar="S", help="only this service (default: any)")
    call.add_argument("--display", metavar="PORT", help="serial device or pyserial URL")
    call.set_defaults(handler=_call)

    recall = action("recall", "call a counter's current ticket again")
    recall.add_argument("--counter", type=int, required=True, metavar="N")
    recall.add_argument("--display", metavar="PORT", help="serial device or pyserial URL")
    recall.set_defaults(handler=_recall)

    skip = action("skip", "mark a counter's current ticket as a no-show")
    skip.add_argument("--counter", type=int, required=True, metavar="N")
    skip.set_defaults(handler=_skip)

    status = action("status", "waiting counts, last numbers and average wait per service")
    status.set_defaults(handler=_status)

    spool = action("print", "print tickets kept while the printer was away")
    spool.add_argument("--printer", metavar="PORT", help="serial device or pyserial URL")
    spool.set_defaults(handler=_print_spool)


def _desk(config: KioskConfig, args: argparse.Namespace, printer: str = "") -> TicketDesk:
    from kiosk.devices.ticket import TicketLayout
    from kiosk.knowledge.loader import load_pack
    from kiosk.queue.desk import TicketDesk
    from kiosk.queue.store import QueueStore, queue_path

    pack = load_pack(config.pack_path(args.pack))
    store = QueueStore(
        queue_path(config.data_path(args.data_dir), pack.id),
        busy_timeout_s=config.devices.busy_timeout_s,
    )
    render = TicketLayout.from_config(pack, config.devices.printer) if printer else None
    return TicketDesk(pack, store, render=render)


def _emit(args: argparse.Namespace, payload: dict[str, Any], human: str) -> None:
    print(json.dumps(payload, ensure_ascii=False) if args.json else human)


def _take(config: KioskConfig, args: argparse.Namespace) -> int:
    printer = args.printer or config.devices.printer.port
    desk = _desk(config, args, printer)
    ticket = desk.take(args.service)
    name = desk.service(ticket.service).name
    _emit(
        args,
        {"ticket": ticket.label, "service": ticket.service, "waiting": ticket.waiting},
        f"{ticket.label}  {name.zh} {name.en}  · {ticket.waiting} waiting ahead",
    )
    if printer:
        _drain(config, desk, printer)
    return 0


def _drain(config: KioskConfig, desk: TicketDesk, port: str) -> int:
    """Print every kept job now; report a printer that is away on stderr."""
    from kiosk.devices.printer import TicketPrinter

    printer = TicketPrinter.from_config(port, config.devices.printer, desk.store)
    try:
        printed, status = printer.run_once()
    finally:
        printer.close()
    if status.status != "ok":
        print(
            f"printer: {status.detail}; the ticket is kept and prints when the printer is back",
            file=sys.stderr,
        )
    return printed


def _display(config: KioskConfig, args: argparse.Namespace) -> QueueDisplay | None:
    """The display to show calls on, set up (profile checked) before anything is called."""
    from kiosk.devices.display import open_display

    port = args.display or config.devices.display.port
    return open_display(port, config.devices.display) if port else None


def _show(display: QueueDisplay | None, ticket: str, counter: int) -> None:
    from kiosk.devices.display import show_on

    problem = show_on(display, ticket, counter) if display is not None else ""
    if problem:
        print(f"display: {problem}", file=sys.stderr)


def _check_counter(config: KioskConfig, counter: int) -> None:
    from kiosk.errors import QueueError

    limit = config.devices.counters
    if counter < 1 or (limit and counter > limit):
        raise QueueError(
            f"there is no counter {counter}",
            hint=f"use a counter from 1 to {limit}" if limit else "use a counter number from 1",
        )


def _call(config: KioskConfig, args: argparse.Namespace) -> int:
    _check_counter(config, args.counter)
    desk, display = _desk(config, args), _display(config, args)
    services = (desk.service(args.service).code,) if args.service else ()
    call = desk.store.call_next(args.counter, services)
    return _announce(args, display, call, "", "nobody is waiting")


def _recall(config: KioskConfig, args: argparse.Namespace) -> int:
    _check_counter(config, args.counter)
    desk, display = _desk(config, args), _display(config, args)
    call = desk.store.recall(args.counter)
    return _announce(args, display, call, " (again)", "this counter called nobody")


def _announce(args: argparse.Namespace, display: QueueDisplay | None, call: Call | None,
              again: str, nobody: str) -> int:
    """Print a call (or that there was none) and show it on the display; the exit code."""
    label = call.ticket.label if call else None
    text = f"{label} → counter {args.counter}{again}" if label else nobody
    _emit(args, {"ticket": label, "counter": args.counter}, text)
    if label is not None:
        _show(display, label, args.counter)
    return 0 if label else 1


def _skip(config: KioskConfig, args: argparse.Namespace) -> int:
    _check_counter(config, args.counter)
    desk = _desk(config, args)
    ticket = desk.store.skip(args.counter)
    label = ticket.label if ticket else None
    _emit(
        args,
        {"ticket": label, "counter": args.counter},
        f"{label} skipped" if label else "this counter called nobody",
    )
    return 0 if ticket else 1


def _status(config: KioskConfig, args: argparse.Namespace) -> int:
    import dataclasses

    desk = _desk(config, args)
    status = desk.store.status([service.code for service in desk.pack.services])
    if args.json:
        payload = dataclasses.asdict(status)
        for row in payload["services"]:
            name = desk.service(row["service"]).name
            row["name"] = {"zh": name.zh, "en": name.en}
        print(json.dumps(payload, ensure_ascii=False))
        return 0
    print(f"{desk.pack.name.get('zh')} · {status.day}")
    for row in status.services:
        name = desk.service(row.service).name
        wait = f"{row.average_wait_s:.0f} s" if row.average_wait_s is not None else "-"
        print(
            f"  {row.service} {name.zh} / {name.en}: {row.waiting} waiting, {row.issued} issued,"
            f" last issued {row.last_issued or '-'}, last called {row.last_called or '-'},"
            f" average wait {wait}"
        )
    for counter in status.counters:
        print(f"  counter {counter.counter}: {counter.ticket}")
    if status.unprinted:
        print(f"  {status.unprinted} ticket(s) waiting for the printer")
    return 0


def _print_spool(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.errors import DeviceError

    port = args.printer or config.devices.printer.port
    if not port:
        raise DeviceError("no printer given", hint="pass --printer PORT or set [devices.printer]")
    desk = _desk(config, args, port)
    printed = _drain(config, desk, port)
    _emit(args, {"printed": printed}, f"printed {printed} kept ticket(s)")
    return 0
