"""What the simulated devices report: small frozen events, one JSON line each on the CLI."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

SimDevice = Literal["printer", "display"]


@dataclass(frozen=True, slots=True)
class TicketPrinted:
    """The virtual printer printed (and cut) one ticket."""

    text: str
    """The ticket's text lines, decoded."""
    qr: tuple[str, ...]
    """Payloads of its native QR codes."""
    preview: str
    """Path of the PNG preview ("" when previews are off)."""
    device: SimDevice = "printer"
    event: str = "printed"


@dataclass(frozen=True, slots=True)
class DisplayShowed:
    """The virtual display changed what it shows."""

    text: str
    device: SimDevice = "display"
    event: str = "showed"


@dataclass(frozen=True, slots=True)
class DeviceNote:
    """A change of the simulated hardware: plugged, unplugged, paper out, cover open…"""

    device: SimDevice
    event: str
    """plugged, unplugged, paper, cover, discarded, garbled, ready."""
    detail: str = ""


SimEvent = TicketPrinted | DisplayShowed | DeviceNote


def to_json(event: SimEvent) -> dict[str, Any]:
    """The event as a JSON object: `device` and `event` first."""
    data = dataclasses.asdict(event)
    head = {"device": data.pop("device"), "event": data.pop("event")}
    return {**head, **{k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}}


def to_text(event: SimEvent) -> str:
    """The event as a line for people."""
    if isinstance(event, TicketPrinted):
        body = event.text.replace("\n", " | ")
        qr = f"  [QR {', '.join(event.qr)}]" if event.qr else ""
        png = f"  → {event.preview}" if event.preview else ""
        return f"printer: {body}{qr}{png}"
    if isinstance(event, DisplayShowed):
        return f"display: {event.text}"
    return f"{event.device}: {event.event} {event.detail}".rstrip()
