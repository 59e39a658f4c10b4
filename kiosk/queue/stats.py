"""Today's queue figures computed from ticket rows: waiting counts, last numbers, average wait."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean
from typing import Any

from kiosk.queue.model import CounterStatus, ServiceStatus, ticket_label

Row = Sequence[Any]
"""(service, number, state, issued_at, called_at, counter), in issue order."""


def service_status(code: str, rows: Sequence[Row]) -> ServiceStatus:
    """The figures of one service from all of today's rows."""
    mine = [row for row in rows if row[0] == code]
    called = [row for row in mine if row[4] is not None]
    last_called = max(called, key=lambda row: (row[4], row[1]), default=None)
    return ServiceStatus(
        service=code,
        issued=len(mine),
        waiting=sum(1 for row in mine if row[2] == "waiting"),
        called=len(called),
        skipped=sum(1 for row in mine if row[2] == "skipped"),
        last_issued=ticket_label(code, mine[-1][1]) if mine else None,
        last_called=ticket_label(code, last_called[1]) if last_called else None,
        average_wait_s=round(fmean(row[4] - row[3] for row in called), 1) if called else None,
    )


def counter_status(rows: Sequence[Row]) -> tuple[CounterStatus, ...]:
    """Each counter's latest call today, by counter number."""
    latest: dict[int, Row] = {}
    for row in rows:
        counter, called_at = row[5], row[4]
        if counter is not None and (counter not in latest or called_at >= latest[counter][4]):
            latest[counter] = row
    return tuple(
        CounterStatus(counter, ticket_label(row[0], row[1]), row[4])
        for counter, row in sorted(latest.items())
    )
