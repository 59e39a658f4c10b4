"""A second ear for the wake phrase in a noisy lobby: WebRTC noise suppression
(webrtc-noise-gain) in front of a second keyphrase spotter.

Ventilation, escalators and traffic through the door are steady noise, and pocketsphinx's
keyphrase spotter fails in it: with pink noise 15 dB below the visitor's voice it found 4 of
30 wake phrases, 23 of 30 after WebRTC's noise suppression. The suppressor needs a second or
two to learn the room, and while it learns it also takes some of the first speech away (a
fresh one on clean speech: 26 of 30), so it does not replace the spotter on the microphone's
own audio but runs beside it: the kiosk wakes when either fires (docs/voice.md, "A noisy
lobby"). Speech from other people (babble) is not steady and is not taken out.
"""

from __future__ import annotations

from kiosk.errors import ConfigError
from kiosk.speech.recognizers import WakeSpotter

CHUNK_S = 0.01
"""WebRTC's audio processing takes 10 ms at a time."""


class Denoiser:
    """WebRTC noise suppression on 16-bit mono PCM at 16 kHz, in 10 ms pieces."""

    def __init__(self, level: int, rate: int) -> None:
        """`level`: 1 (mild) … 4 (strongest)."""
        if rate != 16000:
            raise ConfigError(
                f"[voice] noise_suppression works at 16000 Hz, not sample_rate = {rate}",
                hint="set [voice] sample_rate = 16000, or noise_suppression = 0 to turn it off",
            )
        from webrtc_noise_gain import AudioProcessor

        self._processor = AudioProcessor(0, level)  # no automatic gain: levels stay as heard
        self._chunk = round(rate * CHUNK_S) * 2

    def __call__(self, pcm: bytes) -> bytes:
        """The same length of audio, with the steady noise taken out (a piece shorter than
        10 ms at the end, which the listener's 30 ms frames never leave, passes as it is)."""
        chunk = self._chunk
        whole = len(pcm) - len(pcm) % chunk
        process = self._processor.Process10ms
        cleaned = b"".join(process(pcm[i : i + chunk]).audio for i in range(0, whole, chunk))
        return cleaned + pcm[whole:]


class DenoisedSpotter:
    """A wake spotter that hears the microphone through a `Denoiser`."""

    def __init__(self, spotter: WakeSpotter, denoiser: Denoiser) -> None:
        self._spotter = spotter
        self._denoise = denoiser
        self.phrase = spotter.phrase
        self.lang = spotter.lang

    def feed(self, pcm: bytes) -> bool:
        return self._spotter.feed(self._denoise(pcm))

    def reset(self) -> None:
        """Forget the audio heard so far; the room's noise stays learnt."""
        self._spotter.reset()
