"""Native engines' start-up chatter on stderr, filtered (LiteRT logs ~50 lines per model load).

The C++ side of mediapipe writes straight to file descriptor 2, past Python's logging. While a
known-noisy call runs, fd 2 is pointed at a pipe; afterwards every line is written back to the
real stderr except the known harmless ones, so nothing else is lost — only delayed.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

HARMLESS = (
    "Sparsity tensors may not yet be",  # the sparse model runs fine (see the tests)
    "Created TensorFlow Lite XNNPACK delegate",
    "XNNPACK CPU accelerator registered",
    "RegisterAccelerator:",
    "DestroyAccelerator:",
    "Creating LiteRT environment",
    "Flatbuffer model initialized",
    "Logging before InitGoogle()",
    "Input tensor memory is not aligned",  # mediapipe copies the frame once more: fine
)
"""Substrings of the lines dropped; anything else the engine says is kept."""


@contextmanager
def quiet_native_stderr(logger: logging.Logger) -> Iterator[None]:
    """Drop the HARMLESS lines the body writes to fd 2 (kept all when `logger` is at DEBUG)."""
    if logger.isEnabledFor(logging.DEBUG):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)
    chunks: list[bytes] = []
    reader = threading.Thread(target=_drain, args=(read_end, chunks), daemon=True)
    reader.start()
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)  # closes the pipe's last write end: the reader sees the end
        os.close(saved)
        reader.join()
        os.close(read_end)
        lines = b"".join(chunks).decode(errors="replace").splitlines(keepends=True)
        kept = "".join(line for line in lines if not any(text in line for text in HARMLESS))
        if kept:
            os.write(2, kept.encode())


def _drain(fd: int, chunks: list[bytes]) -> None:
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
