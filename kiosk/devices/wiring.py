"""The queue with its devices, as a running kiosk holds them: desk, printer thread, display thread.

`open_queue_devices(config, pack, data_dir, on_event)` is what `kiosk run` (and the core's
take_ticket intent or button) uses: `take()` commits, emits `TicketIssued`, wakes the printer
thread; `call_next()` commits and sends the call to the display thread. Device faults arrive
as `DeviceStatus` on the same `on_event`, from the devices' own threads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import KioskConfig
from kiosk.devices.display import DisplayWorker, open_display
from kiosk.devices.printer import TicketPrinter
from kiosk.devices.profiles import PrinterProfile, load_profile
from kiosk.devices.ticket import TicketLayout
from kiosk.events import DeviceStatus, TicketIssued
from kiosk.knowledge.pack import Pack
from kiosk.queue.desk import TicketDesk
from kiosk.queue.model import Call, Ticket
from kiosk.queue.store import QueueStore, queue_path

QueueEvent = TicketIssued | DeviceStatus
"""What the queue and its devices tell the core and the screen."""


@dataclass(slots=True)
class QueueDevices:
    """A pack's queue, its printer (if configured) and its display (if configured)."""

    desk: TicketDesk
    printer: TicketPrinter | None
    display: DisplayWorker | None

    def start(self) -> None:
        """Start the devices' owner threads (the printer prints any spool left from before)."""
        for device in (self.printer, self.display):
            if device is not None:
                device.start()

    def stop(self) -> None:
        """Stop the threads and close the ports and the database."""
        for device in (self.printer, self.display):
            if device is not None:
                device.stop()
        self.desk.store.close()

    def take(self, service_code: str) -> Ticket:
        """Issue (and print) a ticket; see `TicketDesk.take`."""
        return self.desk.take(service_code)

    def call_next(self, counter: int, services: tuple[str, ...] = ()) -> Call | None:
        """Call the next ticket to `counter` and show it on the display."""
        call = self.desk.store.call_next(counter, services)
        if call is not None and self.display is not None:
            self.display.show(call.ticket.label, counter)
        return call


def open_queue_devices(
    config: KioskConfig,
    pack: Pack,
    data_dir: str | Path | None,
    on_event: Callable[[QueueEvent], None],
    *,
    issued_events: bool = True,
) -> QueueDevices:
    """The queue of `pack` with the devices in `config.devices` (not started yet).

    `issued_events=False` when the caller announces tickets itself (the voice core's
    conductor turns `issue()`'s result into `TicketIssued`): then only `DeviceStatus` comes.
    """
    devices = config.devices
    store = QueueStore(queue_path(config.data_path(str(data_dir) if data_dir else None), pack.id),
                       busy_timeout_s=devices.busy_timeout_s)
    printer = None
    render = None
    if devices.printer.port:
        render = TicketLayout.from_config(pack, devices.printer)
        printer = TicketPrinter(
            devices.printer.port,
            load_profile(PrinterProfile, devices.printer.profile),
            store,
            baud=devices.printer.baud,
            on_status=on_event,
            poll_s=devices.printer.status_interval_s,
        )
    display = None
    if devices.display.port:
        display = DisplayWorker(open_display(devices.display.port, devices.display),
                                on_status=on_event, retry_s=devices.display.retry_s)
    desk = TicketDesk(pack, store, render=render, on_issued=on_event if issued_events else None,
                      wake_printer=printer.wake if printer else None)
    return QueueDevices(desk, printer, display)
