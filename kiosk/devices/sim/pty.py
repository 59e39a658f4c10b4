"""A pair of pseudo-terminals joined by socat: a serial cable with a plug at each end."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from kiosk.errors import DeviceError


class PtyPair:
    """The kiosk opens `device` as if it were /dev/ttyUSB0; a simulator opens `far_end`.

    Unplugging stops socat: both links vanish and the kiosk's open port fails with EIO, as when
    a USB-serial adapter is pulled. Plugging in again starts a new pair under the same names.
    """

    def __init__(self, device: Path, far_end: Path) -> None:
        self.device = Path(device)
        self.far_end = Path(far_end)
        self._socat: subprocess.Popen[bytes] | None = None

    @property
    def plugged(self) -> bool:
        """socat is running."""
        return self._socat is not None and self._socat.poll() is None

    def plug(self, timeout_s: float = 10.0) -> None:
        """Start socat and wait until both ends exist."""
        if self.plugged:
            return
        socat = shutil.which("socat")
        if socat is None:
            raise DeviceError(
                "socat is not installed, so no simulated serial ports can be made",
                hint="apt-get install socat",
            )
        for link in (self.device, self.far_end):
            link.parent.mkdir(parents=True, exist_ok=True)
            link.unlink(missing_ok=True)
        self._socat = subprocess.Popen(
            [socat, *(f"PTY,raw,echo=0,link={link}" for link in (self.device, self.far_end))],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout_s
        while not (self.device.exists() and self.far_end.exists()):
            if self._socat.poll() is not None or time.monotonic() > deadline:
                error = self._socat.stderr.read().decode() if self._socat.stderr else ""
                self.unplug()
                raise DeviceError(f"socat did not make {self.device}: {error.strip()}",
                                  hint="check that the folder is writable")
            time.sleep(0.02)

    def unplug(self) -> None:
        """Stop socat (both ends disappear)."""
        socat, self._socat = self._socat, None
        if socat is not None:
            if socat.poll() is None:
                socat.terminate()
                try:
                    socat.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    socat.kill()
                    socat.wait(timeout=5)
            if socat.stderr is not None:
                socat.stderr.close()
        for link in (self.device, self.far_end):
            if link.is_symlink():
                link.unlink(missing_ok=True)

    def __enter__(self) -> PtyPair:
        self.plug()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.unplug()
