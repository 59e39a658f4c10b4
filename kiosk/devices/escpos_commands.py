"""The shapes of ESC/POS commands: how many bytes each takes, so a decoder can step over it."""

from __future__ import annotations

from dataclasses import dataclass

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10

# Commands by the number of parameter bytes after the command letter.
_ESC_ARGS = {**dict.fromkeys(b"@2<LSim", 0), **dict.fromkeys(b" !-3=EGJMRTUVade rt{K", 1),
             **dict.fromkeys(b"$\\cB", 2), ord("p"): 3}  # fmt: skip
_GS_ARGS = {**dict.fromkeys(b"!BbHIafhrw|ET", 1), **dict.fromkeys(b"LWP$\\", 2)}
_FS_ARGS = {**dict.fromkeys(b"&.", 0), **dict.fromkeys(b"!-CWr", 1),
            **dict.fromkeys(b"Sp", 2)}  # fmt: skip
_DLE_ARGS = {0x04: 1, 0x05: 1, 0x14: 3}
_DLE_NAMES = {0x04: "EOT", 0x05: "ENQ", 0x14: "DC4"}
_CONTROL_NAMES = {0x0A: "LF", 0x0D: "CR", 0x09: "HT", 0x0C: "FF", 0x00: "NUL", 0x18: "CAN"}


@dataclass(frozen=True, slots=True)
class Command:
    """One parsed command."""

    name: str
    """e.g. "ESC a", "GS ( k", "LF"; "unknown" for one not in the tables."""
    length: int
    """Bytes it takes, parameters and data included."""
    args: tuple[int, ...] = ()
    data: bytes = b""
    raw: bytes = b""


def parse_command(buffer: bytes | bytearray, at: int) -> Command | None:
    """The command starting at `buffer[at]` (a control byte), or None if it is not complete."""
    lead = buffer[at]
    if lead not in (ESC, GS, FS, DLE):
        return Command(_CONTROL_NAMES.get(lead, "ctl"), 1, raw=bytes([lead]))
    if at + 1 >= len(buffer):
        return None
    letter = buffer[at + 1]
    if lead == ESC:
        return _esc(buffer, at, letter)
    if lead == GS:
        return _gs(buffer, at, letter)
    if lead == FS:
        return _fixed(buffer, at, f"FS {chr(letter)}", _FS_ARGS.get(letter))
    return _fixed(buffer, at, f"DLE {_DLE_NAMES.get(letter, '?')}", _DLE_ARGS.get(letter))


def _fixed(buffer: bytes | bytearray, at: int, name: str, count: int | None) -> Command | None:
    """A command with a fixed number of parameter bytes (None: unknown, 2 bytes skipped)."""
    if count is None:
        return Command("unknown", 2, raw=bytes(buffer[at : at + 2]))
    end = at + 2 + count
    if end > len(buffer):
        return None
    return Command(name, 2 + count, tuple(buffer[at + 2 : end]), raw=bytes(buffer[at:end]))


def _with_data(buffer: bytes | bytearray, at: int, head: int, size: int, name: str,
               args: tuple[int, ...]) -> Command | None:
    """A command of `head` bytes followed by `size` data bytes."""
    end = at + head + size
    if end > len(buffer):
        return None
    return Command(name, head + size, args, bytes(buffer[at + head : end]), bytes(buffer[at:end]))


def _esc(buffer: bytes | bytearray, at: int, letter: int) -> Command | None:
    if letter == ord("*"):  # bit image: m nL nH, then n columns of 1 or 3 bytes
        if at + 5 > len(buffer):
            return None
        m, columns = buffer[at + 2], buffer[at + 3] | buffer[at + 4] << 8
        return _with_data(buffer, at, 5, columns * (3 if m >= 32 else 1), "ESC *", (m, columns))
    if letter == ord("D"):  # tab stops, NUL-terminated
        end = buffer.find(b"\x00", at + 2)
        return None if end < 0 else Command("ESC D", end + 1 - at, raw=bytes(buffer[at:end + 1]))
    return _fixed(buffer, at, f"ESC {chr(letter)}", _ESC_ARGS.get(letter))


def _gs(buffer: bytes | bytearray, at: int, letter: int) -> Command | None:
    available = len(buffer) - at
    if letter == ord("V"):
        if available < 3:
            return None
        partial_feed = buffer[at + 2] in (65, 66, 97, 98, 103, 104)
        return _fixed(buffer, at, "GS V", 2 if partial_feed else 1)
    if letter == ord("v"):  # GS v 0 m xL xH yL yH, then xL+xH*256 bytes × yL+yH*256 rows
        if available < 8:
            return None
        row_bytes = buffer[at + 4] | buffer[at + 5] << 8
        rows = buffer[at + 6] | buffer[at + 7] << 8
        return _with_data(buffer, at, 8, row_bytes * rows, "GS v 0", (row_bytes * 8, rows))
    if letter == ord("("):  # GS ( X pL pH, then pL+pH*256 bytes (for k: cn fn data…)
        if available < 5:
            return None
        size = buffer[at + 3] | buffer[at + 4] << 8
        command = _with_data(buffer, at, 5, size, f"GS ( {chr(buffer[at + 2])}", ())
        if command is None or command.name != "GS ( k" or size < 2:
            return command
        return Command(command.name, command.length, (command.data[0], command.data[1]),
                       command.data[2:], command.raw)
    if letter == ord("8"):  # GS 8 L p1 p2 p3 p4, then that many bytes
        if available < 7:
            return None
        size = int.from_bytes(buffer[at + 3 : at + 7], "little")
        return _with_data(buffer, at, 7, size, "GS 8 L", ())
    if letter == ord("k"):  # barcode: m < 65 NUL-terminated, else n bytes
        if available < 4:
            return None
        if buffer[at + 2] < 65:
            end = buffer.find(b"\x00", at + 3)
            return None if end < 0 else Command("GS k", end + 1 - at, raw=bytes(buffer[at:end + 1]))
        return _with_data(buffer, at, 4, buffer[at + 3], "GS k", (buffer[at + 2],))
    return _fixed(buffer, at, f"GS {chr(letter)}", _GS_ARGS.get(letter))
