"""The whole kiosk, wired: the core with its ears and voice, the queue, presence, log, watchdog.

`kiosk run` hands an `Appliance` to the screen as its `Core`. Each part is real; what stands in
for missing hardware is chosen in one place (`Inputs`):

- microphone: the sound card, else a WAV file (`--audio-in`) fed at real-time pace, else
  silence (the kiosk still answers touches and scripted speech);
- speaker: the sound card, else a clock-paced sink (the lips still move on the playback
  clock) whose track is written to `--audio-out`;
- camera: the configured camera, or a video file (`--video`); none in `--simulate` without one;
- printer and queue display: the configured ports, or in `--simulate` the virtual printer and
  display of kiosk/devices/sim on pseudo-terminals;
- every answered turn, touch or voice, and every visitor is counted in the conversation log;
  the systemd watchdog is pinged from the core's own loop, so a hung core is restarted.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kiosk.config import KioskConfig
from kiosk.errors import KioskError
from kiosk.events import (
    AnswerReady,
    DeviceStatus,
    FaceSeen,
    InputEvent,
    OutputEvent,
    PartialTranscript,
    QuestionTapped,
    TurnTimings,
    VisitorApproached,
    VisitorLeft,
)
from kiosk.watchdog import Watchdog

if TYPE_CHECKING:
    from kiosk.assemble import Knowledge
    from kiosk.convlog import ConversationLog
    from kiosk.core import Core
    from kiosk.devices.sim.bench import DeviceBench
    from kiosk.devices.wiring import QueueDevices
    from kiosk.speech.listener import Listener
    from kiosk.speech.room import SimulatedRoom
    from kiosk.vision.runner import PresenceRunner

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Inputs:
    """What feeds the kiosk when it is not on its own hardware."""

    simulate: bool = False
    """No sound card or serial devices are expected: paced speaker, virtual printer and display."""
    audio_in: Path | None = None
    """A recording used as the microphone, fed at real-time pace (then silence)."""
    audio_out: Path | None = None
    """Where the speaker's track is written when the kiosk stops (paced speaker only)."""
    video: Path | None = None
    """A video file used as the camera (looped)."""
    devices_dir: Path | None = None
    """Where the simulated printer and display put their ports and ticket PNGs (default: a
    new temporary folder, named in the log)."""


class Appliance:
    """The running kiosk: implements the `Core` protocol of kiosk/events.py for the screen."""

    def __init__(self, config: KioskConfig, knowledge: Knowledge, inputs: Inputs) -> None:
        from kiosk.assemble import build_engine
        from kiosk.convlog import open_log_or_none
        from kiosk.core import Core
        from kiosk.speech.audio import PlaybackBuffer
        from kiosk.speech.build import make_ears, make_voices
        from kiosk.speech.conversation import PLAYBACK_RATE
        from kiosk.speech.listener import Listener
        from kiosk.speech.speaking import SpeakingStage

        self._config = config
        self._inputs = inputs
        self._subscribers: list[Callable[[OutputEvent], None]] = []
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._channel = "voice"
        self._pending: AnswerReady | None = None
        """The turn's answer, logged when its timings arrive."""
        self._bench = self._simulated_devices(config, knowledge) if inputs.simulate else None
        if self._bench is not None:
            from kiosk.devices.sim.bench import simulated_config

            config = simulated_config(config, self._bench)
        self.devices = self._queue_devices(config, knowledge)
        self.log: ConversationLog | None = open_log_or_none(config, str(knowledge.data_dir))
        voice = config.voice
        ears = make_ears(voice)
        languages = knowledge.pack.languages
        self.playback = PlaybackBuffer(PLAYBACK_RATE)
        speaking = SpeakingStage(make_voices(voice, languages), self.playback)
        self.listener: Listener = Listener(voice, ears.spotters, ears.recognizers, self._to_core)
        from kiosk.devices.core_desk import core_desk

        self.core: Core = Core(
            voice,
            build_engine(config, knowledge),
            speaking,
            microphone=self.listener,
            desk=core_desk(self.devices),
            lang=languages[0],
            wake_phrases=ears.phrases,
        )
        self.core.subscribe(self._from_core)
        self._speaking = speaking
        self.room: SimulatedRoom | None = None
        self.presence: PresenceRunner | None = None
        self._watchdog = Watchdog.from_environ()
        self._core_alive = time.monotonic()

    # ---- the Core protocol -------------------------------------------------------------------

    def post(self, event: InputEvent) -> None:
        """Hand an input event to the core (any thread); gaze targets also go to the screen."""
        if isinstance(event, FaceSeen | PartialTranscript):
            # the screen reads these too: gaze, and captions from a scripted visit
            self._emit(event)  # type: ignore[arg-type]
        elif isinstance(event, QuestionTapped):
            self._channel = "touch"
        if self.log is not None and isinstance(event, VisitorApproached):
            self.log.record_presence("approached")
        elif self.log is not None and isinstance(event, VisitorLeft):
            self.log.record_presence("left")
        self.core.post(event)

    def subscribe(self, callback: Callable[[OutputEvent], None]) -> None:
        """Call `callback` with every output event (core, devices and camera threads)."""
        self._subscribers.append(callback)

    @property
    def simulated_devices_folder(self) -> Path | None:
        """The virtual printer's and display's folder, when simulating."""
        return self._bench.folder if self._bench is not None else None

    # ---- running -----------------------------------------------------------------------------

    def start(self) -> None:
        """Start every part; hardware that is missing is reported and stood in for."""
        self._speaking.warm_up()
        self.devices.start()
        self.core.start()
        self._start_audio()
        self._start_presence()
        self._spawn("watchdog", self._keep_alive)
        self._watchdog.ready("kiosk ready")

    def stop(self) -> None:
        """Stop every part, the core last but one (so the last turn is logged), then the log."""
        self._watchdog.stopping()
        self._stopping.set()
        if self.presence is not None:
            self.presence.stop()
        for thread in self._threads:
            thread.join(timeout=5)
        self.core.stop()
        self.devices.stop()
        if self._bench is not None:
            self._bench.stop()
        if self.room is not None and self._inputs.audio_out is not None:
            from kiosk.speech.audio import write_wav

            track = np.concatenate(self.room.speaker) if self.room.speaker else np.zeros(0)
            write_wav(self._inputs.audio_out, track.astype(np.float32), self.playback.rate)
        if self.log is not None:
            self.log.close()

    # ---- parts -------------------------------------------------------------------------------

    def _simulated_devices(self, config: KioskConfig, knowledge: Knowledge) -> DeviceBench:
        from kiosk.devices.profiles import DisplayProfile, PrinterProfile, load_profile
        from kiosk.devices.sim.bench import DeviceBench

        folder = self._inputs.devices_dir or Path(tempfile.mkdtemp(prefix="kiosk-devices-"))
        bench = DeviceBench(
            folder,
            lambda event: _LOG.info("virtual device: %s", event),
            printer=load_profile(PrinterProfile, config.devices.printer.profile),
            display=load_profile(DisplayProfile, config.devices.display.profile),
        )
        bench.start()
        _LOG.warning("simulated printer and display in %s (tickets as PNG in tickets/)", folder)
        return bench

    def _queue_devices(self, config: KioskConfig, knowledge: Knowledge) -> QueueDevices:
        from kiosk.devices.wiring import open_queue_devices

        return open_queue_devices(
            config, knowledge.pack, str(knowledge.data_dir), self._emit, issued_events=False
        )

    def _start_audio(self) -> None:
        """The sound card when there is one (and not simulating), else the paced room."""
        if not self._inputs.simulate and self._inputs.audio_in is None:
            try:
                self._start_sound_card()
                return
            except KioskError as error:
                self._emit(DeviceStatus(time.monotonic(), "microphone", "fail", error.message))
                _LOG.warning("no sound card (%s): touch only, the speaker is simulated", error)
        from kiosk.speech.audio import read_wav
        from kiosk.speech.room import SimulatedRoom

        recording = (
            read_wav(self._inputs.audio_in, self.listener.rate)
            if self._inputs.audio_in is not None
            else np.zeros(0, dtype=np.float32)
        )
        self.room = SimulatedRoom(
            recording,
            self.listener,
            self.playback,
            realtime=True,
            keep_track=self._inputs.audio_out is not None,
        )
        room = self.room
        self._spawn(
            "room", lambda: room.run(None, self._stopping.is_set, tail_s=0.0, limit_s=1e9)
        )

    def _start_sound_card(self) -> None:
        from kiosk.speech.devices import SoundcardMicrophone, SoundcardSpeaker

        microphone = SoundcardMicrophone(self.listener.rate, self.listener.frame_samples)
        speaker = SoundcardSpeaker(self.playback)
        speaker.start()

        def listen() -> None:
            try:
                for frame in microphone.frames():
                    if self._stopping.is_set():
                        break
                    self.listener.process(frame)
            finally:
                speaker.stop()

        self._spawn("microphone", listen)

    def _start_presence(self) -> None:
        from kiosk.vision.frames import CameraSource, FrameSource, VideoFileSource
        from kiosk.vision.runner import PresenceRunner

        presence = self._config.presence
        source: FrameSource
        if self._inputs.video is not None:
            source = VideoFileSource(self._inputs.video)
        elif self._inputs.simulate:
            return  # no camera in a simulation without a video
        else:
            source = CameraSource(presence.camera, presence.width, presence.height, presence.fps)
        self.presence = PresenceRunner(
            presence, source, self._from_presence, loop=self._inputs.video is not None
        )
        try:
            self.presence.start()
        except KioskError as error:
            self.presence = None
            self._emit(DeviceStatus(time.monotonic(), "camera", "fail", error.message))
            _LOG.warning("presence is off: %s", error)

    def _from_presence(self, event: object) -> None:
        if isinstance(event, DeviceStatus):
            self._emit(event)
        elif isinstance(event, FaceSeen | VisitorApproached | VisitorLeft):
            self.post(event)

    def _keep_alive(self) -> None:
        """Ping the watchdog while the core's loop still runs what it is given."""
        interval = self._watchdog.interval_s if self._watchdog.enabled else 5.0
        while not self._stopping.wait(interval):
            done = threading.Event()
            self.core.call_soon(done.set)
            if done.wait(timeout=interval):
                self._watchdog.ping()
            else:
                _LOG.error("the core loop did not answer in %.0f s", interval)

    # ---- events ------------------------------------------------------------------------------

    def _to_core(self, event: InputEvent) -> None:
        self._channel = "voice"
        self.core.post(event)

    def _from_core(self, event: OutputEvent) -> None:
        if isinstance(event, AnswerReady):
            self._pending = event
        elif isinstance(event, TurnTimings):
            self._log_turn(event)
        self._emit(event)

    def _log_turn(self, timings: TurnTimings) -> None:
        answer = self._pending
        if self.log is None or answer is None:
            return
        self.log.record_turn(
            channel="touch" if self._channel == "touch" else "voice",
            question=answer.question,
            lang=answer.lang,
            sources=answer.sources,
            handoff=answer.handoff,
            latency_ms=max(0.0, (timings.answer_wall - timings.received_wall) * 1000.0),
        )
        self._pending = None

    def _emit(self, event: OutputEvent) -> None:
        for callback in self._subscribers:
            try:
                callback(event)
            except Exception:  # one bad subscriber must not silence the others
                _LOG.exception("a subscriber failed on %r", event)

    def _spawn(self, name: str, target: Callable[[], object]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

