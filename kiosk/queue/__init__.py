"""Queue tickets and calls, durable in SQLite: one database per pack under the data dir."""

from kiosk.queue.model import Call, CounterStatus, QueueStatus, ServiceStatus, Ticket
from kiosk.queue.store import QueueStore, queue_path

__all__ = [
    "Call",
    "CounterStatus",
    "QueueStatus",
    "QueueStore",
    "ServiceStatus",
    "Ticket",
    "queue_path",
]
