"""Scripted visitor journeys for `kiosk run --simulate`: timed input events from YAML or the pack.

A script is a YAML list of steps, each with `at` (seconds from start) and one action:
`approach`, `face: [x, y, size]`, `partial: text`, `say: text` (a final transcript),
`tap: text`, `button: take_ticket|call_staff|switch_language|elder_mode` (+ `service`),
`touch`, `leave`; `lang` (zh|en) goes with `say` and `tap`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kiosk.errors import KioskError
from kiosk.events import (
    ButtonPressed,
    Core,
    FaceSeen,
    FinalTranscript,
    InputEvent,
    PartialTranscript,
    QuestionTapped,
    Touched,
    VisitorApproached,
    VisitorLeft,
)
from kiosk.knowledge.pack import Pack
from kiosk.lang import Lang

ACTIONS = ("approach", "face", "partial", "say", "tap", "button", "touch", "leave")


class ScriptError(KioskError):
    """A journey script is malformed."""

    code = "script"


@dataclass(frozen=True, slots=True)
class Step:
    """One input of a journey: what to post, how many seconds after the start."""

    at: float
    action: str
    value: Any = None
    lang: str = "zh"
    service: str = ""

    def event(self, t: float) -> InputEvent:
        """The input event for this step, stamped `t`."""
        lang: Lang = "en" if self.lang == "en" else "zh"
        if self.action == "approach":
            return VisitorApproached(t, 0)
        if self.action == "face":
            x, y, size = self.value
            return FaceSeen(t, float(x), float(y), float(size))
        if self.action == "partial":
            return PartialTranscript(t, str(self.value))
        if self.action == "say":
            return FinalTranscript(t, str(self.value), lang, t)
        if self.action == "tap":
            return QuestionTapped(t, str(self.value), lang)
        if self.action == "button":
            return ButtonPressed(t, self.value, service=self.service)
        if self.action == "touch":
            return Touched(t)
        return VisitorLeft(t, 0)


def load_script(path: Path) -> list[Step]:
    """Read a journey script; an error names the file, the step and the fix."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ScriptError(
            f"cannot read script {path}: {exc}", hint="check the path and YAML"
        ) from exc
    if not isinstance(data, list):
        raise ScriptError(
            f"{path}: a script is a list of steps", hint="start each step with '- at:'"
        )
    steps = []
    for number, item in enumerate(data, 1):
        actions = [a for a in ACTIONS if isinstance(item, dict) and a in item]
        if not isinstance(item, dict) or "at" not in item or len(actions) != 1:
            raise ScriptError(
                f"{path}: step {number} needs `at` and one of {', '.join(ACTIONS)}",
                hint="e.g. - {at: 2.0, say: 末班车几点}",
            )
        steps.append(
            Step(
                float(item["at"]),
                actions[0],
                item[actions[0]],
                str(item.get("lang", "zh")),
                str(item.get("service", "")),
            )
        )
    return sorted(steps, key=lambda step: step.at)


def default_journey(pack: Pack) -> list[Step]:
    """A visitor's whole visit, built from the pack: approach, speak, tap, switch to English,
    take a ticket, call staff, leave."""

    def question(index: int, lang: str) -> str:
        entry = pack.entry(pack.suggested[index % len(pack.suggested)]) if pack.suggested else None
        if entry is None:
            return "你好"
        return (entry.questions.zh if lang == "zh" else entry.questions.en)[0]

    spoken = question(0, "zh")
    service = pack.services[0].code if pack.services else ""
    return [
        Step(1.0, "approach"),
        Step(1.2, "face", (0.62, 0.42, 0.30)),
        Step(9.0, "partial", spoken[: max(1, len(spoken) // 2)]),
        Step(9.8, "partial", spoken),
        Step(10.5, "say", spoken, "zh"),
        Step(14.0, "face", (0.38, 0.45, 0.32)),
        Step(26.0, "tap", question(1, "zh"), "zh"),
        Step(42.0, "button", "switch_language"),
        Step(43.0, "tap", question(2, "en"), "en"),
        Step(62.0, "button", "take_ticket", "en", service),
        Step(72.0, "button", "call_staff"),
        Step(84.0, "leave"),
    ]


class Player:
    """Posts a journey's events to the core at their times, on its own thread."""

    def __init__(self, steps: list[Step], core: Core) -> None:
        self._steps, self._core = steps, core
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="journey", daemon=True)

    def start(self) -> None:
        """Begin the journey now."""
        self._thread.start()

    def stop(self) -> None:
        """Skip the rest of the journey."""
        self._stopped.set()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        started = time.monotonic()
        for step in self._steps:
            if self._stopped.wait(max(0.0, started + step.at - time.monotonic())):
                return
            self._core.post(step.event(time.monotonic()))


def play(steps: list[Step], core: Core) -> Player:
    """Start playing `steps` into `core`."""
    player = Player(steps, core)
    player.start()
    return player
