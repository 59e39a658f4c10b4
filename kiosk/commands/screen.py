"""`kiosk run` (the fullscreen kiosk) and `kiosk screenshot` (the window as a PNG, headless)."""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.commands import Commands
from kiosk.config import KioskConfig
from kiosk.errors import KioskError

if TYPE_CHECKING:
    from kiosk.appliance import Appliance
    from kiosk.assemble import Knowledge
    from kiosk.ui.app import Screen
    from kiosk.ui.democore import ScreenDemoCore
    from kiosk.ui.window import KioskWindow

STATES = ("idle", "speaking", "ticket", "browse", "staff")
_log = logging.getLogger(__name__)


class UsageError(KioskError):
    """A command-line value the screen commands cannot use."""

    code = "usage"


def register(commands: Commands) -> None:
    """Add `run` and `screenshot` to the `kiosk` command."""
    run = commands.add_parser("run", help="the kiosk screen (fullscreen, touch, avatar)")
    _common(run)
    run.add_argument("--windowed", action="store_true", help="a 540x960 window, not fullscreen")
    run.add_argument(
        "--simulate",
        action="store_true",
        help="play a visitor's journey (scripted inputs) instead of waiting for one",
    )
    run.add_argument("--script", type=Path, help="a journey script (YAML); see docs/screen.md")
    run.add_argument("--audio-in", type=Path, help="a recording to use as the microphone (WAV)")
    run.add_argument("--audio-out", type=Path, help="write what the speaker said to this WAV")
    run.add_argument("--video", type=Path, help="a video file to use as the camera")
    run.add_argument(
        "--seconds", type=float, default=0.0, help="quit after this long (0: run until closed)"
    )
    run.add_argument(
        "--shots", type=Path, help="save a PNG of the window into this folder every 3 seconds"
    )
    run.set_defaults(handler=_run)

    shot = commands.add_parser("screenshot", help="render the kiosk window into a PNG, headless")
    _common(shot)
    shot.add_argument("--out", type=Path, required=True, help="PNG file to write")
    shot.add_argument("--size", default="1080x1920", help="WxH in pixels (default 1080x1920)")
    shot.add_argument("--state", choices=STATES, default="idle", help="what the screen shows")
    shot.add_argument(
        "--lang", choices=("zh", "en"), help="screen language (default: the pack's first)"
    )
    shot.add_argument("--elder", action="store_true", help="elder mode: larger text")
    shot.set_defaults(handler=_screenshot)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pack", help="pack folder, or a pack name (default: from config)")
    parser.add_argument("--data-dir", help="where the index is kept")
    parser.add_argument(
        "--avatar", help="avatar folder name under avatars/, or a path (default: [screen] avatar)"
    )


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise UsageError(f"--size {text!r} is not WxH", hint="write it like 1080x1920") from None
    if not (64 <= width <= 8192 and 64 <= height <= 8192):
        raise UsageError(f"--size {text!r} is out of range", hint="use 64..8192 per side")
    return width, height


def make_core(config: KioskConfig, knowledge: Knowledge) -> ScreenDemoCore:
    """THE one place that chooses the screen's core.

    Today: the screen's demo core (real answers, silent speech, in-memory tickets). When the
    conductor lands (kiosk/core.py), return it here instead; nothing else changes.
    """
    from kiosk.assemble import build_engine
    from kiosk.ui.democore import ScreenDemoCore

    return ScreenDemoCore(build_engine(config, knowledge))


def make_appliance(
    config: KioskConfig, knowledge: Knowledge, args: argparse.Namespace
) -> Appliance:
    """The real kiosk for `kiosk run`: conductor, voice, queue, presence (kiosk/appliance.py).

    With --simulate (or a script) there is no sound card or serial hardware: a paced speaker,
    the virtual printer and display, and the recording and video given, if any."""
    from kiosk.appliance import Appliance, Inputs

    simulate = bool(args.simulate or args.script)
    inputs = Inputs(simulate, args.audio_in, args.audio_out, args.video)
    return Appliance(config, knowledge, inputs)


def _pump(until: Callable[[], bool], timeout: float) -> bool:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if until():
            return True
        time.sleep(0.01)
    return until()


def _screenshot(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.ui.headless import display_for_gl

    width, height = _size(args.size)
    with display_for_gl(width, height):
        from kiosk.assemble import open_knowledge
        from kiosk.ui.app import ManualClock, application, build_screen

        application()
        knowledge = open_knowledge(config, args.pack, args.data_dir)
        core = make_core(config, knowledge)
        clock = ManualClock()
        avatar = args.avatar or config.screen.avatar
        screen = build_screen(knowledge.pack, core, avatar, clock)
        core.start()
        try:
            _stage(screen, args, width, height, clock)
            image = screen.window.grab()
            args.out.parent.mkdir(parents=True, exist_ok=True)
            if not image.save(str(args.out), "PNG"):
                raise UsageError(f"cannot write {args.out}", hint="check the folder exists")
        finally:
            core.stop()
    print(f"wrote {args.out} ({width}x{height}, {args.state})")
    return 0


def _stage(
    screen: Screen, args: argparse.Namespace, width: int, height: int, clock: Callable[[], float]
) -> None:
    """Put the window in the requested state and freeze it there."""
    window, animator = screen.window, screen.avatar.animator
    window.setFixedSize(width, height)
    window.show()
    animator.forced_blink = 0.0
    animator.still = True
    if args.lang and args.lang != window.view.lang:
        window.lang_button.click()
    if args.elder:
        window.elder_button.click()
    _pump(lambda: screen.avatar.frames > 0, 20.0)
    pack = window.pack
    if args.state == "speaking":
        window.ask(_question(window))
        if not _pump(lambda: window.view.speaking, 60.0):
            raise UsageError("the answer never started speaking", hint="run with -v to see why")
        _freeze_on_open_mouth(screen, clock)
    elif args.state == "ticket":
        if pack.services:
            window.services.chosen.emit(pack.services[0].code)
        _pump(lambda: window.view.screen == "ticket", 20.0)
    elif args.state == "staff":
        window.staff_button.click()
        _pump(lambda: window.view.screen == "staff", 20.0)
    elif args.state == "browse":
        window.browse_button.click()
    screen.window.bridge.received.disconnect(window.on_event)  # hold this moment
    screen.avatar.update()
    _pump(lambda: False, 0.3)


def _question(window: KioskWindow) -> str:
    """The pack's first suggested question (or its first entry's), as a visitor asks it."""
    from kiosk.ui.screens.talk import first_question

    pack = window.pack
    entry_id = pack.suggested[0] if pack.suggested else pack.entries[0].id
    return first_question(pack, entry_id, window.view.lang)


def _freeze_on_open_mouth(screen: Screen, clock: Callable[[], float]) -> None:
    """Stop time at an instant ~40 % into the sentence where the mouth is wide open."""
    from kiosk.ui.app import ManualClock

    animator = screen.avatar.animator
    timeline = animator.timeline
    assert isinstance(clock, ManualClock) and timeline is not None
    keys = [k for k in timeline.keys if k.viseme in ("aa", "E", "oh")]
    target = 0.4 * (timeline.end - timeline.offset)
    key = min(keys, key=lambda k: abs(k.start - target)) if keys else None
    local = (key.start + key.end) / 2 if key else target
    clock.frozen = animator.speech_anchor[0] + local  # keys are relative to the audio start


def _run(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.ui.headless import display_for_gl

    with display_for_gl(1080, 1920):  # a private Xvfb when there is no screen
        return _run_on_display(config, args)


def _run_on_display(config: KioskConfig, args: argparse.Namespace) -> int:
    from PySide6.QtCore import QTimer

    from kiosk.assemble import open_knowledge
    from kiosk.ui.app import application, build_screen
    from kiosk.ui.script import default_journey, load_script, play

    app = application()
    knowledge = open_knowledge(config, args.pack, args.data_dir)
    core = make_appliance(config, knowledge, args)
    core.subscribe(lambda event: _log.info("core: %s", event))
    screen = build_screen(
        knowledge.pack, core, args.avatar or config.screen.avatar, fps=config.screen.fps
    )
    core.start()
    if args.windowed:
        screen.window.resize(540, 960)
        screen.window.show()
    else:
        # a bare X server (an appliance with no window manager) ignores "full screen": ask
        # for the whole screen's geometry too
        primary = app.primaryScreen()
        if primary is not None:
            screen.window.setGeometry(primary.geometry())
        screen.window.showFullScreen()
    screen.avatar.start()
    player = None
    if args.simulate or args.script:
        steps = load_script(args.script) if args.script else default_journey(knowledge.pack)
        player = play(steps, core)
    if args.seconds > 0:
        QTimer.singleShot(int(args.seconds * 1000), app.quit)
    shooter = QTimer()
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)
        taken = [0]

        def shoot() -> None:
            taken[0] += 1
            screen.window.grab().save(str(args.shots / f"screen-{taken[0]:03d}.png"), "PNG")

        shooter.timeout.connect(shoot)
        shooter.start(3000)
    try:
        return app.exec()
    finally:
        if player is not None:
            player.stop()
        core.stop()
        print(f"kiosk: the screen drew {screen.avatar.frames} avatar frames")
