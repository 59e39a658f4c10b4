"""`kiosk presence`: the approach tracker on a video file, an image folder or a camera."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING

from kiosk.commands import Commands
from kiosk.config import KioskConfig, PresenceConfig

if TYPE_CHECKING:
    from kiosk.vision.frames import FrameSource
    from kiosk.vision.runner import RunnerEvent


def register(commands: Commands) -> None:
    """Add `presence` to the `kiosk` command."""
    presence = commands.add_parser(
        "presence", help="print approach / leave events from a video, images or a camera"
    )
    where = presence.add_mutually_exclusive_group(required=True)
    where.add_argument("--video", metavar="FILE", help="a video file standing in for the camera")
    where.add_argument("--images", metavar="DIR", help="a folder of images, in name order")
    where.add_argument(
        "--camera", metavar="INDEX", nargs="?", type=int, const=-1,
        help="a live camera (default: [presence] camera); Ctrl-C stops",
    )
    presence.add_argument("--fps", type=float, default=10.0, help="frame rate of --images")
    presence.add_argument("--json", action="store_true", help="one JSON object per line")
    presence.add_argument(
        "--faces", action="store_true", help="also print the gaze target (nearest face) per frame"
    )
    presence.set_defaults(handler=_presence)


def _presence(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.vision.frames import CameraSource, ImageFolderSource, VideoFileSource

    settings = config.presence
    source: FrameSource
    if args.video:
        source = VideoFileSource(args.video)
    elif args.images:
        source = ImageFolderSource(args.images, fps=args.fps)
    else:
        index = settings.camera if args.camera < 0 else args.camera
        source = CameraSource(index, settings.width, settings.height, settings.fps)
    if source.live:
        return _live(settings, source, args)
    return _file(settings, source, args)


def _file(settings: PresenceConfig, source: FrameSource, args: argparse.Namespace) -> int:
    """As fast as the detector goes; times are the frames' times in the file."""
    from kiosk.vision.runner import packaged_detector, track_source
    from kiosk.vision.tracker import ApproachTracker

    source.open()  # a missing or unreadable file is a CameraError before the model loads
    detector = packaged_detector(settings)()
    started = time.perf_counter()
    try:
        frames = track_source(
            source, detector, ApproachTracker(settings), lambda event: _print(event, args)
        )
    finally:
        source.close()
        detector.close()
    seconds = time.perf_counter() - started
    print(
        f"{source.name}: {frames} frames in {seconds:.1f} s "
        f"({frames / max(seconds, 1e-9):.0f} fps), model sha256 {detector.model_sha256}",
        file=sys.stderr,
    )
    return 0


def _live(settings: PresenceConfig, source: FrameSource, args: argparse.Namespace) -> int:
    """The presence thread on a camera, until Ctrl-C; camera faults are printed, then retried."""
    from kiosk.vision.runner import PresenceRunner

    runner = PresenceRunner(settings, source, lambda event: _print(event, args))
    runner.start()
    try:
        while runner.running:
            runner.join(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        runner.stop()
    return 0


def _print(event: RunnerEvent, args: argparse.Namespace) -> None:
    from kiosk.events import DeviceStatus, FaceSeen, VisitorApproached

    if isinstance(event, DeviceStatus):
        print(f"{event.device}: {event.status}: {event.detail}", file=sys.stderr, flush=True)
        return
    if isinstance(event, FaceSeen):
        if args.faces:
            line = {"event": "face", "t": round(event.t, 3), "x": round(event.x, 3),
                    "y": round(event.y, 3), "size": round(event.size, 3)}
            print(json.dumps(line) if args.json else
                  f"face      t {line['t']:8.3f} s   x {line['x']:.3f}  y {line['y']:.3f}  "
                  f"size {line['size']:.3f}", flush=True)
        return
    name = "approach" if isinstance(event, VisitorApproached) else "leave"
    if args.json:
        print(json.dumps({"event": name, "frame": event.frame, "t": round(event.t, 3)}), flush=True)
    else:
        print(f"{name:<9} frame {event.frame:>6}   t {event.t:8.3f} s", flush=True)
