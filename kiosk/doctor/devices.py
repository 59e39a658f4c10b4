"""Checks of the hardware: microphone, speaker, camera, printer, queue display, screen, GPU.

Missing hardware is a warning (the kiosk degrades: no voice, no greeting, tickets on screen);
hardware that is there but cannot be opened is a failure, because someone has to fix it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

from kiosk.doctor import Check, Context, probe_result

GROUP_HINT = "add the kiosk user to the {group} group (the installer does), then restart"


def _sound_devices(kind: str) -> tuple[list[str], str]:
    """Names of devices with input ("input") or output channels, and how they were found."""
    if importlib.util.find_spec("sounddevice") is not None:
        try:
            import sounddevice

            devices = sounddevice.query_devices()
            key = f"max_{kind}_channels"
            return [str(d["name"]) for d in devices if int(d[key]) > 0], "PortAudio"
        except OSError as exc:  # PortAudio itself missing
            return [], f"PortAudio unavailable ({exc})"
    cards = Path("/proc/asound/cards")
    text = cards.read_text() if cards.exists() else ""
    names = [line.strip() for line in text.splitlines() if line[:3].strip().isdigit()]
    return names, "/proc/asound/cards"


def _check_audio(name: str, kind: str, what: str, hint: str) -> Check:
    devices, source = _sound_devices(kind)
    if not devices:
        return Check(name, "warn", f"no {what} found ({source})", hint)
    return Check(name, "ok", f"{len(devices)} {what}(s): {', '.join(devices[:3])}")


def check_audio_in(context: Context) -> Check:
    return _check_audio("audio-in", "input", "microphone",
                        "plug in the USB microphone (voice questions need it; touch still "
                        "works); `arecord -l` should list it")


def check_audio_out(context: Context) -> Check:
    return _check_audio("audio-out", "output", "speaker",
                        "connect the speaker and check the volume (`aplay -l` should list it)")


def _usable(path: Path) -> bool:
    return os.access(path, os.R_OK | os.W_OK)


def check_camera(context: Context) -> Check:
    named = context.dev / "kiosk-camera"
    cameras = ([named] if named.exists() else []) + sorted(context.dev.glob("video*"))
    if not cameras:
        return Check("camera", "warn", "no camera found (no /dev/video*)",
                     "plug in the USB camera; without it the kiosk cannot greet visitors "
                     "who walk up")
    blocked = [c for c in cameras if not _usable(c)]
    if len(blocked) == len(cameras):
        return Check("camera", "fail", f"{cameras[0]} is there but cannot be opened",
                     GROUP_HINT.format(group="video"))
    return Check("camera", "ok", f"camera: {', '.join(str(c) for c in cameras[:3])}")


def _open_port(port: str) -> str:
    """'' when the device opens; else why not. Serial ports are opened with pyserial."""
    try:
        if "://" in port or Path(port).resolve().name.startswith("tty"):
            import serial

            serial.serial_for_url(port, timeout=0).close()
        else:
            os.close(os.open(port, os.O_WRONLY | os.O_NONBLOCK))
    except ImportError:
        return "pyserial is not installed"
    except (OSError, ValueError) as exc:  # serial.SerialException is an OSError
        return str(exc)
    return ""


def _serial_ports(context: Context) -> list[Path]:
    return sorted(context.dev.glob("ttyUSB*")) + sorted(context.dev.glob("ttyACM*"))


def _configured_port(context: Context, device: str) -> str:
    """`[devices.<device>] port` as the config file says it ('' when it names none)."""
    devices = context.raw.get("devices", {})
    table = devices.get(device, {}) if isinstance(devices, dict) else {}
    port = table.get("port", "") if isinstance(table, dict) else ""
    return port if isinstance(port, str) else ""


def _check_port(name: str, context: Context, device: str, named: str, extra: list[Path],
                what: str, absent: str) -> Check:
    configured = _configured_port(context, device)
    if configured.startswith("socket://"):
        return Check(name, "ok", f"{what} over the network at {configured} (not probed)")
    stable = context.dev / named
    candidates = ([configured] if configured else []) + (
        [str(stable)] if stable.exists() else []) + [str(p) for p in extra]
    if not candidates:
        others = _serial_ports(context)
        if others:
            return Check(name, "warn", f"no {what} named {stable}; serial ports: "
                         f"{', '.join(map(str, others))}",
                         f"name the {what}'s port in a udev rule (hardware/udev/, see "
                         f"docs/operations.md) or set [devices.{device}] port")
        return Check(name, "warn", f"no {what} found", absent)
    port = candidates[0]
    problem = _open_port(port)
    if problem:
        return Check(name, "fail", f"{port} cannot be opened: {problem}",
                     f"check the cable and [devices.{device}] port; "
                     + GROUP_HINT.format(group="dialout and lp"))
    return Check(name, "ok", f"{what} at {port} opens")


def check_printer(context: Context) -> Check:
    return _check_port("printer", context, "printer", "kiosk-printer",
                       sorted(context.dev.glob("usb/lp*")), "ticket printer",
                       "connect the ticket printer and switch it on; until then ticket "
                       "numbers are shown on screen only")


def check_queue_display(context: Context) -> Check:
    return _check_port("queue-display", context, "display", "kiosk-display", [],
                       "queue display", "connect the queue display (its USB-serial cable); "
                       "until then called numbers appear on the kiosk screen only")


def check_screen(context: Context) -> Check:
    connected = []
    for status in sorted((context.sys / "class" / "drm").glob("card*-*/status")):
        if status.read_text().strip() == "connected":
            connected.append(status.parent.name.split("-", 1)[1])
    session = os.environ.get("WAYLAND_DISPLAY") or os.environ.get("DISPLAY") or ""
    if not connected:
        where = f"; a graphical session is open ({session})" if session else ""
        return Check("screen", "warn", f"no monitor detected on any video output{where}",
                     "check the screen's cable and power; the kiosk needs its touch screen")
    return Check("screen", "ok", f"monitor on {', '.join(connected)}"
                 + (f"; session {session}" if session else "; no graphical session yet"))


def check_gpu(context: Context) -> Check:
    gpus = ""
    if shutil.which("nvidia-smi"):
        listed = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True,
                                timeout=20, check=False)
        gpus = listed.stdout.strip().splitlines()[0] if listed.returncode == 0 else ""
    if importlib.util.find_spec("OpenGL") is None:
        return Check("gpu", "warn", "PyOpenGL is not installed, so the renderer cannot be checked",
                     "run the installer again (it installs the kiosk's Python packages)")
    done = subprocess.run([sys.executable, "-m", "kiosk.doctor.glprobe"], capture_output=True,
                          text=True, timeout=30, check=False)
    found = probe_result(done, "the probe crashed")
    if "error" in found:
        return Check("gpu", "fail", f"OpenGL does not start: {found['error']}",
                     "install the Mesa drivers (libegl1, libgl1-mesa-dri) or the GPU's driver")
    renderer = f"{found['renderer']} (OpenGL {found['version']})"
    llm = {"yes": "; llama.cpp can use the GPU", "no": "; llama.cpp runs on the CPU"}.get(
        found.get("llama_gpu", ""), "")
    if any(soft in found["renderer"].lower() for soft in ("llvmpipe", "softpipe", "swrast")):
        return Check("gpu", "warn", f"software rendering: {renderer}" + (
            f"; {gpus} is present but not used" if gpus else "") + llm,
            "fine for testing; for a smooth avatar use a GPU and its driver")
    if gpus and found.get("llama_gpu") == "no":
        return Check("gpu", "warn", f"{renderer}; {gpus}{llm}",
                     "run the installer again on this box: it builds llama.cpp with CUDA when "
                     "nvidia-smi is present")
    return Check("gpu", "ok", renderer + (f"; {gpus}" if gpus else "") + llm)
