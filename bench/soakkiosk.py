"""The soak's kiosk (the real core, voice, queue and presence on a simulated room), its
scripted visitors, and the process statistics it reports (see bench/soak.py).

Kept in bench/ so the adapter is easy to fix if the voice core's API moves.
"""

from __future__ import annotations

import itertools
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from kiosk import core
from kiosk.assemble import build_engine, open_knowledge
from kiosk.config import REPO_ROOT, KioskConfig, settle
from kiosk.events import (
    AnswerReady,
    ButtonPressed,
    DeviceStatus,
    OutputEvent,
    QuestionTapped,
    SpeakingStarted,
    TicketIssued,
    Touched,
    VisitorApproached,
    VisitorLeft,
)
from kiosk.lang import Lang
from kiosk.queue.desk import TicketDesk
from kiosk.queue.store import QueueStore
from kiosk.speech.audio import PlaybackBuffer, Samples, resample
from kiosk.speech.build import make_ears, make_voices
from kiosk.speech.conversation import PLAYBACK_RATE
from kiosk.speech.listener import Listener
from kiosk.speech.room import SimulatedRoom
from kiosk.speech.speaking import SpeakingStage
from kiosk.speech.tts import joe_voice
from kiosk.vision.frames import VideoFileSource
from kiosk.vision.runner import PresenceRunner

VOICE_QUESTIONS = ("When does the metro open?", "Where can I buy a ticket?",
                   "Is there a toilet in the station?", "Can I take my bicycle on the train?")
TOUCH_QUESTIONS: tuple[tuple[str, Lang], ...] = (
    ("What time is the last train?", "en"), ("末班车几点", "zh"),
    ("How do I get a refund?", "en"), ("哪里有洗手间", "zh"))
RATE = 16000


class QueueTicketDesk:
    """The core's `TicketDesk` over the real queue (docs/devices.md): commit, then announce."""

    def __init__(self, desk: TicketDesk) -> None:
        self._desk = desk

    def issue(self, service: str) -> core.Ticket:
        ticket = self._desk.take(service)  # committed and fsynced before it returns
        return core.Ticket(ticket.label, ticket.service, ticket.waiting)


class Stats:
    """Turns, errors and process samples (RSS, open fds, threads from /proc/self)."""

    def __init__(self) -> None:
        self.by_kind: dict[str, int] = {}
        self.errors: list[str] = []
        self.samples: list[tuple[float, float]] = []
        self._lock = threading.Lock()
        self._started = time.monotonic()

    def start(self) -> None:
        self._started = time.monotonic()

    def turn(self, kind: str) -> None:
        with self._lock:
            self.by_kind[kind] = self.by_kind.get(kind, 0) + 1

    def error(self, text: str) -> None:
        with self._lock:
            self.errors.append(text)

    def log_handler(self) -> logging.Handler:
        """Counts every ERROR log line of the process as an error."""
        stats = self

        class _Errors(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                stats.error(f"log {record.name}: {record.getMessage()}")

        return _Errors(logging.ERROR)

    def sample(self, final: bool = False) -> dict[str, Any]:
        minute = (time.monotonic() - self._started) / 60
        rss = _status_kb("VmRSS") / 1024
        with self._lock:
            self.samples.append((minute, rss))
            # From the second sample on (the first is before warm-up), and over the last half.
            slope = _slope(self.samples[1:])
            late = _slope(self.samples[len(self.samples) // 2 :])
            return {
                "minute": round(minute, 2),
                "turns": sum(self.by_kind.values()),
                "by_kind": dict(sorted(self.by_kind.items())),
                "errors": len(self.errors),
                "rss_mb": round(rss, 1),
                "rss_slope_mb_per_min": slope,
                "rss_slope_late_mb_per_min": late,
                "fds": len(os.listdir("/proc/self/fd")),
                "threads": int(_status_kb("Threads")),
                "final": final,
            }


def _slope(points: list[tuple[float, float]]) -> float | None:
    """MB per minute, least squares; None for fewer than 3 points or under a minute."""
    if len(points) < 3 or points[-1][0] - points[0][0] < 1.0:
        return None
    fit = np.polyfit([p[0] for p in points], [p[1] for p in points], 1)
    return round(float(fit[0]), 3)


def _status_kb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return float(line.split()[1])
    return 0.0


class SoakKiosk:
    """The kiosk: engine, queue, voice and core, fed by a microphone stepped in real time."""

    def __init__(self, folder: Path, stats: Stats, pack: str = "metro") -> None:
        self.config = settle(KioskConfig())
        self.stats = stats
        knowledge = open_knowledge(self.config, pack, str(folder / "data"))
        self.pack = knowledge.pack
        self.store = QueueStore(folder / "data" / "queue.sqlite")
        self.desk = TicketDesk(self.pack, self.store)
        self.ears = make_ears(self.config.voice)
        self.playback = PlaybackBuffer(PLAYBACK_RATE)
        self.speaking = SpeakingStage(make_voices(self.config.voice), self.playback)
        self.speaking.warm_up()
        self.events: list[OutputEvent] = []
        self._lock = threading.Lock()
        box: list[core.Core] = []
        self.listener = Listener(self.config.voice, self.ears.spotters, self.ears.recognizers,
                                 lambda event: box[0].post(event))
        self.core = core.Core(self.config.voice, build_engine(self.config, knowledge),
                              self.speaking, microphone=self.listener,
                              desk=QueueTicketDesk(self.desk), clock=time.monotonic, lang="en",
                              wake_phrases=self.ears.phrases, tick_s=0.02)
        box.append(self.core)
        self.core.subscribe(self._seen)
        self.core.start()
        self.announced = 0

    def _seen(self, event: OutputEvent) -> None:
        with self._lock:
            self.events.append(event)

    def take_events(self) -> list[OutputEvent]:
        """The output events since the last call (so nothing accumulates over a soak)."""
        with self._lock:
            events, self.events = self.events, []
        self.announced += sum(isinstance(e, TicketIssued) for e in events)
        return events

    def quiet(self) -> bool:
        return self.core.conductor.state in ("idle", "engaged") and self.playback.pending == 0

    def play(self, recording: Samples, until: Callable[[], bool] | None = None,
             limit_s: float = 90.0) -> None:
        """Feed `recording`, then silence until the kiosk is quiet (and `until()`, if given)."""
        room = SimulatedRoom(recording, self.listener, self.playback, realtime=True)
        done = until or (lambda: True)
        room.run(None, lambda: self.quiet() and done(), tail_s=1.0, limit_s=limit_s)

    def check_queue(self) -> None:
        """Every announced ticket is in the database, and no other."""
        self.take_events()
        stored = len(self.store.tickets())
        if stored != self.announced:
            self.stats.error(f"queue holds {stored} tickets, {self.announced} were announced")

    def close(self) -> None:
        self.core.stop()
        self.store.close()


def _silence(seconds: float) -> Samples:
    return np.zeros(int(RATE * seconds), dtype=np.float32)


class Visitors:
    """The script: voice, touch, ticket and presence visitors in turn, round after round."""

    def __init__(self, kiosk: SoakKiosk, folder: Path) -> None:
        self.kiosk = kiosk
        voice = joe_voice()

        def said(text: str) -> Samples:
            utterance = voice.synthesize(text)
            return resample(utterance.audio, utterance.rate, RATE) * 0.6

        hello = said("Hello kiosk.")
        self.recordings = [np.concatenate([_silence(0.5), hello, _silence(0.6), said(question),
                                           _silence(0.3)]) for question in VOICE_QUESTIONS]
        self.video = _hall_video(folder / "visitor.avi")
        self._runner: PresenceRunner | None = None
        self._seen: list[type] = []
        self._watching = False
        kinds = (self.voice, self.touch, self.ticket, self.presence)
        self._next = itertools.cycle(
            [(kind, n) for n in range(len(VOICE_QUESTIONS)) for kind in kinds])

    def next(self) -> None:
        """One visitor, then they walk away."""
        visit, number = next(self._next)
        try:
            visit(number)
        except Exception as exc:  # a failure is counted, and the soak goes on
            logging.getLogger(__name__).exception("visitor failed")
            self.kiosk.stats.error(f"{visit.__name__} visitor {number}: {exc}")
        self.kiosk.core.post(VisitorLeft(time.monotonic(), frame=0))  # scripted: no camera
        self.kiosk.play(_silence(0.3))
        self.kiosk.take_events()

    def _expect(self, kind: str, wanted: type, what: str) -> None:
        events = self.kiosk.take_events()
        if any(isinstance(e, wanted) for e in events):
            self.kiosk.stats.turn(kind)
        else:
            self.kiosk.stats.error(f"{kind}: no {what} (events: "
                                   f"{[type(e).__name__ for e in events][-8:]})")

    def voice(self, number: int) -> None:
        # on until the answer came: on a loaded box the turn can end after the recording's tail
        self.kiosk.play(self.recordings[number], until=self._arrived(AnswerReady), limit_s=60.0)
        self._expect("voice", AnswerReady, "answer to a spoken question")

    def touch(self, number: int) -> None:
        text, lang = TOUCH_QUESTIONS[number % len(TOUCH_QUESTIONS)]
        self.kiosk.core.post(Touched(time.monotonic()))
        self.kiosk.core.post(QuestionTapped(time.monotonic(), text, lang))
        answered = self._arrived(AnswerReady)
        self.kiosk.play(_silence(0.5), until=answered)
        self._expect("touch", AnswerReady, "answer to a tapped question")

    def ticket(self, number: int) -> None:
        services = [service.code for service in self.kiosk.pack.services]
        service = services[number % len(services)]
        self.kiosk.core.post(ButtonPressed(time.monotonic(), "take_ticket", service))
        self.kiosk.play(_silence(0.5), until=self._arrived(TicketIssued))
        self._expect("ticket", TicketIssued, f"ticket for service {service}")

    def presence(self, number: int) -> None:
        """The hall video loops on one presence runner for the whole soak, as a running kiosk
        keeps its camera and detector; a presence visitor is watched from one approach to the
        leave that follows it."""
        runner = self._presence_runner()
        self._seen = []
        self._watching = True
        try:
            self.kiosk.play(_silence(1.0), until=self._approached_and_left, limit_s=60.0)
        finally:
            self._watching = False
        if not runner.running:
            self.kiosk.stats.error("presence: the runner stopped")
        greeted = any(isinstance(e, SpeakingStarted) for e in list(self.kiosk.events))
        if self._approached_and_left() and greeted:
            self.kiosk.stats.turn("presence")
        else:
            names = sorted({kind.__name__ for kind in self._seen})
            self.kiosk.stats.error(f"presence: approach, greeting or leave missing "
                                   f"(greeted={greeted}, seen {names})")

    def _approached_and_left(self) -> bool:
        seen = list(self._seen)
        if VisitorApproached not in seen:
            return False
        return VisitorLeft in seen[seen.index(VisitorApproached):]

    def _presence_runner(self) -> PresenceRunner:
        if self._runner is None:
            self._runner = PresenceRunner(self.kiosk.config.presence,
                                          VideoFileSource(self.video), self._on_presence,
                                          realtime=True, loop=True)
            self._runner.start()
        return self._runner

    def _on_presence(self, event: object) -> None:
        if isinstance(event, DeviceStatus) and event.status == "fail":
            self.kiosk.stats.error(f"camera: {event.detail}")
        if not self._watching:
            return  # the visitor in the video walks on between presence visits: not watched
        self._seen.append(type(event))
        if isinstance(event, VisitorApproached | VisitorLeft):
            self.kiosk.core.post(event)

    def close(self) -> None:
        """Stop the presence runner."""
        if self._runner is not None:
            self._runner.stop()

    def _arrived(self, wanted: type) -> Callable[[], bool]:
        return lambda: any(isinstance(e, wanted) for e in list(self.kiosk.events))


def _hall_video(path: Path) -> Path:
    """A visitor walks up, stops at the kiosk for 4 s and leaves (tests/vision/synthetic.py)."""
    sys.path.insert(0, str(REPO_ROOT / "tests" / "vision"))
    from synthetic import scene, walker, write_video

    visitor = walker((0.5, 0.25, 0.07), (2.5, 0.5, 0.40), (6.5, 0.5, 0.40), (8.0, 0.9, 0.08))
    return Path(write_video(path, scene(visitor), 13.0))  # gone for absence_s (3 s) by 11 s

