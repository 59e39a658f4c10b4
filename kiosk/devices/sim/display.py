"""Virtual queue displays: an LED sign reading framed text lines, and a Modbus RTU display."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pymodbus.pdu.register_message import WriteMultipleRegistersRequest
from pymodbus.server import ModbusSerialServer
from pymodbus.simulator import DataType, SimData, SimDevice

from kiosk.devices.line_protocol import LineCodec, LineReader
from kiosk.devices.link import PORT_ERRORS
from kiosk.devices.modbus_display import registers_ticket
from kiosk.devices.profiles import DisplayProfile
from kiosk.devices.sim.farend import FarEndDevice
from kiosk.devices.sim.report import DeviceNote, DisplayShowed, SimEvent


class VirtualLineDisplay(FarEndDevice):
    """An LED sign on the far end of a pty pair: prints each valid frame it receives."""

    thread_name = "virtual display"

    def __init__(self, far_end: Path, profile: DisplayProfile,
                 on_event: Callable[[SimEvent], None]) -> None:
        super().__init__(far_end)
        self._reader = LineReader(LineCodec(profile))
        self._on_event = on_event

    def _run(self) -> None:
        port = self._port
        assert port is not None
        try:
            while not self._stopping.is_set():
                data = port.read(max(port.in_waiting, 1))
                for text in self._reader.feed(data) if data else ():
                    if text is None:
                        self._on_event(DeviceNote("display", "garbled", "bad frame or checksum"))
                    else:
                        self._on_event(DisplayShowed(text))
        except PORT_ERRORS:
            return


class VirtualModbusDisplay:
    """A Modbus RTU register display served by pymodbus on the far end of a pty pair."""

    def __init__(self, far_end: Path, profile: DisplayProfile,
                 on_event: Callable[[SimEvent], None]) -> None:
        self.far_end = Path(far_end)
        self._profile = profile
        self._on_event = on_event
        self._registers = [0] * (max(profile.ticket_register + profile.ticket_registers,
                                     profile.counter_register + 1))
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: ModbusSerialServer | None = None

    def start(self) -> None:
        """Power on: serve the registers from an asyncio loop in its own thread."""
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="virtual modbus display",
                                        daemon=True)
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(self._serve(), loop).result(timeout=10)

    async def _serve(self) -> ModbusSerialServer:
        device = SimDevice(self._profile.unit, simdata=[
            SimData(0, count=len(self._registers), values=0, datatype=DataType.REGISTERS)
        ])
        serial_settings = self._profile.serial
        server = ModbusSerialServer(
            device, port=str(self.far_end), baudrate=serial_settings.baud, parity="N",
            bytesize=serial_settings.bytesize, stopbits=serial_settings.stopbits,
            trace_pdu=self._seen,
        )
        await server.serve_forever(background=True)
        return server

    def _seen(self, sending: bool, pdu: Any) -> Any:
        """Every request the display receives; a write of the counter completes a call."""
        if not sending and isinstance(pdu, WriteMultipleRegistersRequest):
            for offset, value in enumerate(pdu.registers):
                if 0 <= pdu.address + offset < len(self._registers):
                    self._registers[pdu.address + offset] = value
            profile = self._profile
            if pdu.address <= profile.counter_register < pdu.address + len(pdu.registers):
                first = profile.ticket_register
                ticket = registers_ticket(self._registers[first : first + profile.ticket_registers])
                counter = self._registers[profile.counter_register]
                self._on_event(DisplayShowed(f"{ticket} → {counter}"))
        return pdu

    def stop(self) -> None:
        """Power off."""
        loop, server = self._loop, self._server
        if loop is not None:
            if server is not None:
                with contextlib.suppress(Exception):
                    asyncio.run_coroutine_threadsafe(
                        server.shutdown(), loop  # type: ignore[no-untyped-call]
                    ).result(timeout=5)
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=5)
        if loop is not None:
            loop.close()
        self._loop = self._thread = self._server = None
