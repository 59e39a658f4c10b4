"""The ticket desk: what the core calls for a take_ticket intent or button, and `kiosk queue`."""

from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.errors import QueueError
from kiosk.events import TicketIssued
from kiosk.knowledge.pack import Pack, Service
from kiosk.queue.model import Ticket
from kiosk.queue.store import QueueStore, Render


class TicketDesk:
    """Issues tickets for a pack's services: commit first, then tell, then print.

    `render` turns a ticket into printer bytes, kept as a print job in the same transaction;
    `wake_printer` tells the printer's owner thread a job is waiting (it also finds it by
    itself at its next poll). The desk never touches a serial port.
    """

    def __init__(
        self,
        pack: Pack,
        store: QueueStore,
        *,
        render: Render | None = None,
        on_issued: Callable[[TicketIssued], None] | None = None,
        wake_printer: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.pack = pack
        self.store = store
        self._render = render
        self._on_issued = on_issued
        self._wake_printer = wake_printer
        self._clock = clock

    def service(self, code: str) -> Service:
        """The pack's service with this code (case-insensitive), or a QueueError saying which
        codes exist."""
        wanted = code.strip().upper()
        service = self.pack.service(wanted)
        if service is None:
            known = ", ".join(f"{s.code} ({s.name.get('en')})" for s in self.pack.services)
            raise QueueError(
                f"pack {self.pack.id!r} has no queue service {code!r}",
                hint=f"use one of: {known}" if known else
                f"add [[services]] to {self.pack.root / 'pack.toml'}",
            )
        return service

    def take(self, service_code: str) -> Ticket:
        """Issue a ticket for `service_code`; it is on disk before anyone hears of it."""
        service = self.service(service_code)
        ticket = self.store.take(service.code, render=self._render)
        if self._on_issued is not None:
            self._on_issued(self.issued_event(ticket))
        if self._wake_printer is not None and self._render is not None:
            self._wake_printer()
        return ticket

    def issued_event(self, ticket: Ticket) -> TicketIssued:
        """The event the screen and the logs read for this ticket."""
        return TicketIssued(
            t=self._clock(), ticket=ticket.label, service=ticket.service, waiting=ticket.waiting
        )
