"""A Modbus RTU register display: the ticket as ASCII in holding registers, the counter in one."""

from __future__ import annotations

from pymodbus import FramerType, ModbusException
from pymodbus.client import ModbusSerialClient

from kiosk.devices.profiles import DisplayProfile
from kiosk.errors import DeviceError


def ticket_registers(ticket: str, count: int) -> list[int]:
    """`ticket` as `count` registers, two ASCII characters each, high byte first, space-padded."""
    text = ticket.encode("ascii", errors="replace")[: count * 2].ljust(count * 2, b" ")
    return [(text[i] << 8) | text[i + 1] for i in range(0, len(text), 2)]


def registers_ticket(registers: list[int]) -> str:
    """The text held by registers written by `ticket_registers`."""
    data = b"".join(bytes([value >> 8, value & 0xFF]) for value in registers)
    return data.decode("ascii", errors="replace").strip()


class ModbusDisplay:
    """Writes each call to the display's holding registers (function 16) with pymodbus."""

    def __init__(self, port: str, profile: DisplayProfile, baud: int = 0) -> None:
        self._profile = profile
        self._port_name = port
        self._client = ModbusSerialClient(
            port,
            framer=FramerType.RTU,
            baudrate=baud or profile.serial.baud,
            bytesize=profile.serial.bytesize,
            parity=profile.serial.parity,
            stopbits=profile.serial.stopbits,
            timeout=profile.timeout_s,
            retries=1,
        )

    def show(self, ticket: str, counter: int) -> None:
        """Write ticket text and counter; DeviceError when the display does not acknowledge."""
        profile = self._profile
        if not self._client.connected and not self._client.connect():
            raise DeviceError(
                f"{self._port_name}: cannot open the Modbus display's port",
                hint="check the cable and the port name (hardware/README.md)",
            )
        try:
            for address, values in (
                (profile.ticket_register, ticket_registers(ticket, profile.ticket_registers)),
                (profile.counter_register, [counter & 0xFFFF]),
            ):
                reply = self._client.write_registers(address, values, device_id=profile.unit)
                if reply.isError():
                    raise DeviceError(
                        f"{self._port_name}: the display refused register {address}: {reply}",
                        hint="check the registers and unit id in its profile",
                    )
        except ModbusException as error:
            self.close()
            raise DeviceError(
                f"{self._port_name}: the Modbus display did not answer ({error})",
                hint=f"check unit id {profile.unit}, baud and parity against the display",
            ) from error

    def close(self) -> None:
        """Close the port."""
        self._client.close()  # type: ignore[no-untyped-call]
