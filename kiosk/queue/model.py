"""What the queue hands out and reports: immutable tickets, calls and status snapshots."""

from __future__ import annotations

from dataclasses import dataclass


def ticket_label(service: str, number: int) -> str:
    """The printed and displayed number: the service letter and at least three digits (A001)."""
    return f"{service}{number:03d}"


@dataclass(frozen=True, slots=True)
class Ticket:
    """One issued ticket, as committed to the database."""

    id: int
    """Row id: global issue order across services and days."""
    day: str
    """Local date of issue, ISO (2026-12-01): numbers restart at 1 each day."""
    service: str
    """Service code, one uppercase letter."""
    number: int
    """Sequence number within the service and day, from 1."""
    issued_at: float
    """Unix time of issue."""
    waiting: int
    """People of the same service waiting ahead of this ticket when it was issued."""

    @property
    def label(self) -> str:
        """"A001"."""
        return ticket_label(self.service, self.number)


@dataclass(frozen=True, slots=True)
class Call:
    """A ticket called (or recalled) to a counter."""

    ticket: Ticket
    counter: int
    """The counter (window) number the visitor goes to."""
    called_at: float
    """Unix time of the first call."""
    recalls: int = 0
    """How many times it was called again after the first call."""


@dataclass(frozen=True, slots=True)
class ServiceStatus:
    """One service's queue today."""

    service: str
    """Service code."""
    issued: int
    """Tickets issued today."""
    waiting: int
    """Tickets issued and not yet called or skipped."""
    called: int
    """Tickets called to a counter."""
    skipped: int
    """Tickets called and then skipped as no-shows."""
    last_issued: str | None
    """The newest ticket of the service today ("A012"), None before the first."""
    last_called: str | None
    """The ticket most recently called to a counter."""
    average_wait_s: float | None
    """Mean seconds from issue to first call over today's called tickets (None: none yet)."""


@dataclass(frozen=True, slots=True)
class CounterStatus:
    """What a counter shows now: its latest call today."""

    counter: int
    ticket: str
    """The ticket it called last ("A012")."""
    called_at: float
    """Unix time of that call."""


@dataclass(frozen=True, slots=True)
class QueueStatus:
    """The whole queue today."""

    day: str
    """The local date the figures are for."""
    services: tuple[ServiceStatus, ...]
    """In the pack's order."""
    counters: tuple[CounterStatus, ...]
    """By counter number."""
    unprinted: int
    """Print jobs kept for a printer that was away (printed when it returns)."""
