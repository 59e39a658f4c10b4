"""The simulated counter: a virtual printer and display on pty pairs, unplugged at will."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from kiosk.config import KioskConfig
from kiosk.devices.profiles import DisplayProfile, PrinterProfile
from kiosk.devices.sim.display import VirtualLineDisplay, VirtualModbusDisplay
from kiosk.devices.sim.printer import VirtualPrinter
from kiosk.devices.sim.pty import PtyPair
from kiosk.devices.sim.report import DeviceNote, SimDevice, SimEvent

COMMANDS = (
    "unplug printer|display", "replug printer|display", "paper ok|low|out|N (tickets left)",
    "cover open|closed", "quit",
)
"""What `kiosk devices simulate` reads on stdin, one per line."""


class DeviceBench:
    """A printer and a display as pseudo-terminals in `folder` (`printer`, `display`)."""

    def __init__(
        self,
        folder: Path,
        on_event: Callable[[SimEvent], None],
        *,
        printer: PrinterProfile,
        display: DisplayProfile,
        previews: bool = True,
    ) -> None:
        self.folder = Path(folder)
        self._on_event = on_event
        self._pairs: dict[SimDevice, PtyPair] = {
            name: PtyPair(self.folder / name, self.folder / f".{name}.far")
            for name in ("printer", "display")
        }
        self.printer = VirtualPrinter(
            self._pairs["printer"].far_end, on_event, dots=printer.dots,
            preview_dir=self.folder / "tickets" if previews else None,
        )
        kind = VirtualModbusDisplay if display.protocol == "modbus" else VirtualLineDisplay
        self.display = kind(self._pairs["display"].far_end, display, on_event)

    def port(self, device: SimDevice) -> Path:
        """The path the kiosk opens for `device`."""
        return self._pairs[device].device

    def start(self) -> None:
        """Plug both devices in."""
        for device in self._pairs:
            self.replug(device)

    def stop(self) -> None:
        """Unplug both devices (stops every socat)."""
        for device in self._pairs:
            self.unplug(device)

    def unplug(self, device: SimDevice) -> None:
        """Pull the cable: the device powers off and its port disappears."""
        pair = self._pairs[device]
        if pair.plugged:
            self._device(device).stop()
            pair.unplug()
            self._on_event(DeviceNote(device, "unplugged", str(pair.device)))

    def replug(self, device: SimDevice) -> None:
        """Plug the cable back in: a new port under the same name, the device powers on."""
        pair = self._pairs[device]
        if not pair.plugged:
            pair.plug()
            self._device(device).start()
            self._on_event(DeviceNote(device, "plugged", str(pair.device)))

    def _device(self, device: SimDevice) -> VirtualPrinter | VirtualLineDisplay | \
            VirtualModbusDisplay:
        return self.printer if device == "printer" else self.display

    def set_paper(self, paper: Literal["ok", "low", "out"], tickets: int | None = None) -> None:
        """Load, run low on or run out of paper; `tickets`: whole tickets left on the roll."""
        self.printer.roll = tickets
        self.printer.paper = paper
        self._on_event(DeviceNote("printer", "paper", paper if tickets is None else
                                  f"{paper}, {tickets} tickets left"))

    def set_cover(self, is_open: bool) -> None:
        """Open or close the printer's cover."""
        self.printer.cover_open = is_open
        self._on_event(DeviceNote("printer", "cover", "open" if is_open else "closed"))

    def command(self, line: str) -> bool:
        """Carry out one command line; False for `quit`. Raises ValueError for a bad one."""
        words = line.split()
        match words:
            case ["quit" | "exit"]:
                return False
            case ["unplug", "printer" | "display" as device]:
                self.unplug(device)
            case ["replug" | "plug", "printer" | "display" as device]:
                self.replug(device)
            case ["paper", "ok" | "low" | "out" as paper]:
                self.set_paper(paper)
            case ["paper", count] if count.isdigit():
                self.set_paper("ok", int(count))
            case ["cover", "open" | "closed" as state]:
                self.set_cover(state == "open")
            case []:
                pass
            case _:
                raise ValueError(f"unknown command {line.strip()!r}; use: {'; '.join(COMMANDS)}")
        return True

    def __enter__(self) -> DeviceBench:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def simulated_config(config: KioskConfig, bench: DeviceBench) -> KioskConfig:
    """`config` with its printer and display ports pointing at the bench's pseudo-terminals
    (what `kiosk run --simulate` hands to `open_queue_devices`)."""
    devices = config.devices
    return dataclasses.replace(config, devices=dataclasses.replace(
        devices,
        printer=dataclasses.replace(devices.printer, port=str(bench.port("printer"))),
        display=dataclasses.replace(devices.display, port=str(bench.port("display"))),
    ))
