"""The core's `TicketDesk` (kiosk/core.py) on the durable queue and its printer and display."""

from __future__ import annotations

from kiosk.core import Ticket, TicketDesk
from kiosk.devices.wiring import QueueDevices


class QueueTicketDesk:
    """`issue()` commits and fsyncs the ticket before it returns; the printer's own thread
    prints it. The conductor announces `TicketIssued` itself, so open the devices with
    `open_queue_devices(..., issued_events=False)`."""

    def __init__(self, devices: QueueDevices) -> None:
        self.devices = devices

    def issue(self, service: str) -> Ticket:
        """Take the next ticket for `service`; a `QueueError` (a KioskError) for an unknown one."""
        ticket = self.devices.take(service)
        return Ticket(ticket.label, ticket.service, ticket.waiting)


def core_desk(devices: QueueDevices) -> TicketDesk:
    """The desk to hand to `Core(desk=...)` (typed as the core's protocol, so mypy checks it)."""
    return QueueTicketDesk(devices)
