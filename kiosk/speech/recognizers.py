"""Wake-phrase spotters and speech recognisers: pocketsphinx (embedded) and vosk (provisioned).

Each engine object belongs to the listener's thread. Audio is 16-bit mono PCM at the rate given
at construction. A wake phrase with a word outside the model's vocabulary is refused when the
spotter is made, with a `WakeWordError` that names the word.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from kiosk.errors import ModelError
from kiosk.lang import Lang
from kiosk.speech.vocab import spell


class WakeSpotter(Protocol):
    """Listens for one phrase, continuously."""

    phrase: str
    lang: Lang

    def feed(self, pcm: bytes) -> bool:
        """Take the next audio; True when the phrase was just heard (then it listens anew)."""

    def reset(self) -> None:
        """Forget audio heard so far."""


class Recognizer(Protocol):
    """Transcribes one utterance at a time, with partial results on the way."""

    lang: Lang

    def begin(self) -> None:
        """Start a new utterance."""

    def feed(self, pcm: bytes) -> str | None:
        """Take the next audio; returns the partial transcript when it changed."""

    def finish(self) -> str:
        """End the utterance and return its final transcript ("" when nothing was understood)."""

    def readings(self) -> list[str]:
        """End the utterance and return every plausible transcript of it, likeliest first
        (none when nothing was understood), read with accuracy over speed: for a short
        utterance whose every word matters (the wake phrase's second look). A streaming
        recogniser has one reading, its final transcript."""

    def more_readings(self) -> Callable[[], list[str]] | None:
        """After `finish`: the utterance's likely readings, likeliest first, worked out only
        when the result is called (on any thread) — for a question the kiosk could not answer
        from the likeliest one. None when this recogniser has only its final transcript."""

    def pause(self) -> None:
        """The visitor just went quiet: if this is the end, a recogniser that reads the whole
        utterance may start on it now, while the endpointer waits out the silence."""

    def cancel(self) -> None:
        """Drop the utterance in progress; nothing is transcribed."""


def _pocketsphinx_decoder(rate: int, **settings: Any) -> Any:
    from pocketsphinx import Decoder

    try:
        return Decoder(samprate=rate, loglevel="FATAL", **settings)
    except (RuntimeError, ValueError) as exc:
        raise ModelError(
            f"pocketsphinx cannot start: {exc}", hint="reinstall it: pip install pocketsphinx"
        ) from exc


RESTART_CAP_S = 300
"""A keyphrase search slows as it grows (1.35 s of CPU for its first minute of speech, 1.46 s
for its sixth), so it is restarted. The listener does that at a pause about once a minute; a
restart in the middle of the phrase loses it, so this blind restart is only for audio that
never pauses (steady babble)."""


DITHER_SEED = 1
"""The spotter adds a least-significant bit of noise to its input (pocketsphinx's dither), so
a recording's digital silence sounds like a quiet room, which is what a microphone hears; seeded,
so the same audio always gives the same answer. Without it the spotter behaved one way on
synthesized recordings and another in a room (docs/voice.md, "Quiet rooms")."""


class PocketsphinxWake:
    """Keyphrase spotting on pocketsphinx's packaged en-us model."""

    lang: Lang = "en"

    def __init__(self, phrase: str, rate: int, threshold: float) -> None:
        speller = _pocketsphinx_decoder(rate)  # has the pronouncing dictionary loaded
        words = spell(phrase, lambda w: speller.lookup_word(w) is not None, "pocketsphinx en-us")
        self.phrase = " ".join(words)
        self._decoder = _pocketsphinx_decoder(
            rate, keyphrase=self.phrase, kws_threshold=threshold, dither=True, seed=DITHER_SEED
        )
        self._decoder.start_utt()
        self._fed = 0
        self._limit = rate * 2 * RESTART_CAP_S

    def feed(self, pcm: bytes) -> bool:
        self._decoder.process_raw(pcm, False, False)
        self._fed += len(pcm)
        if self._decoder.hyp() is not None:
            self.reset()
            return True
        if self._fed > self._limit:
            self.reset()
        return False

    def reset(self) -> None:
        self._decoder.end_utt()
        self._decoder.start_utt()
        self._fed = 0

    def cmn(self) -> str:
        """Its cepstral mean: what the room and the voice sound like, learnt from listening."""
        return str(self._decoder.get_cmn(True))


class PocketsphinxRecognizer:
    """Large-vocabulary English with pocketsphinx's packaged en-us model and language model."""

    lang: Lang = "en"

    def __init__(self, rate: int, cmn_from: Callable[[], str] | None = None) -> None:
        """`cmn_from` gives the cepstral mean of a decoder that listens all the time (the wake
        spotter): starting each utterance from it, the first words are not misheard."""
        self._decoder = _pocketsphinx_decoder(rate)
        self._cmn_from = cmn_from
        self._fed = 0
        self._partial = ""
        self._bytes_per_partial = rate * 2 // 4  # a partial every quarter second

    def begin(self) -> None:
        if self._cmn_from is not None:
            self._decoder.set_cmn(self._cmn_from())
        self._decoder.start_utt()
        self._fed = 0
        self._partial = ""

    def feed(self, pcm: bytes) -> str | None:
        self._decoder.process_raw(pcm, False, False)
        before, self._fed = self._fed, self._fed + len(pcm)
        if before // self._bytes_per_partial == self._fed // self._bytes_per_partial:
            return None
        hyp = self._decoder.hyp()
        text = hyp.hypstr if hyp is not None else ""
        if text and text != self._partial:
            self._partial = text
            return text
        return None

    def finish(self) -> str:
        self._decoder.end_utt()
        hyp = self._decoder.hyp()
        return _tidy(hyp.hypstr if hyp is not None else "")

    def readings(self) -> list[str]:
        return [text] if (text := self.finish()) else []

    def more_readings(self) -> None:
        """Streaming: its final transcript is its only reading."""

    def pause(self) -> None:
        """Streaming: it has been transcribing all along."""

    def cancel(self) -> None:
        self._decoder.end_utt()


def load_vosk(path: str | Path) -> Any:
    """A vosk model from its folder (never by language name: nothing is downloaded)."""
    import vosk

    folder = Path(path).expanduser()
    if not (folder / "am").is_dir() and not (folder / "final.mdl").exists():
        raise ModelError(
            f"{folder} is not a vosk model folder",
            hint="unpack a vosk model there (it has am/, conf/, graph/) with `kiosk models "
            "install`, or clear voice.vosk_en / voice.vosk_zh",
        )
    vosk.SetLogLevel(-1)
    try:
        return vosk.Model(str(folder))
    except Exception as exc:  # vosk raises a bare Exception
        raise ModelError(f"cannot load vosk model {folder}: {exc}", hint="reinstall it") from exc


class VoskWake:
    """Grammar-restricted recognition: the model may only hear the phrase, or noise."""

    def __init__(self, model: Any, phrase: str, lang: Lang, rate: int) -> None:
        import vosk

        def known(word: str) -> bool:
            return int(model.vosk_model_find_word(word)) >= 0

        words = spell(phrase, known, "the vosk model")
        self.phrase = phrase
        self.lang = lang
        self._spelled = " ".join(words)
        grammar = [self._spelled] + (["[unk]"] if known("[unk]") else [])
        self._recognizer = vosk.KaldiRecognizer(
            model, float(rate), json.dumps(grammar, ensure_ascii=False)
        )

    def feed(self, pcm: bytes) -> bool:
        if self._recognizer.AcceptWaveform(pcm):
            heard = json.loads(self._recognizer.Result()).get("text", "")
        else:
            heard = json.loads(self._recognizer.PartialResult()).get("partial", "")
        if self._spelled in heard:
            self.reset()
            return True
        return False

    def reset(self) -> None:
        self._recognizer.Reset()


class VoskRecognizer:
    """Streaming recognition with a provisioned vosk model: partials, then the final text."""

    def __init__(self, model: Any, lang: Lang, rate: int) -> None:
        import vosk

        self.lang = lang
        self._recognizer = vosk.KaldiRecognizer(model, float(rate))
        self._partial = ""
        self._done: list[str] = []

    def begin(self) -> None:
        self._recognizer.Reset()
        self._partial = ""
        self._done = []

    def feed(self, pcm: bytes) -> str | None:
        if self._recognizer.AcceptWaveform(pcm):  # vosk's own endpoint inside our utterance
            self._done.append(json.loads(self._recognizer.Result()).get("text", ""))
            partial = ""
        else:
            partial = json.loads(self._recognizer.PartialResult()).get("partial", "")
        text = _tidy(" ".join([*self._done, partial]))
        if text and text != self._partial:
            self._partial = text
            return text
        return None

    def finish(self) -> str:
        last = json.loads(self._recognizer.FinalResult()).get("text", "")
        return _tidy(" ".join([*self._done, last]))

    def readings(self) -> list[str]:
        return [text] if (text := self.finish()) else []

    def more_readings(self) -> None:
        """Streaming: its final transcript is its only reading."""

    def pause(self) -> None:
        """Streaming: it has been transcribing all along."""

    def cancel(self) -> None:
        self._recognizer.Reset()


_SPELLED = re.compile(r"\b([a-z])\.(?=\s|$)")
_BETWEEN_HAN = re.compile(r"(?<=[\u3400-\u9fff]) +(?=[\u3400-\u9fff])")


def _tidy(text: str) -> str:
    """Recogniser output as text: spaces between Chinese characters dropped, [unk] removed."""
    text = _SPELLED.sub(r"\1", text.replace("[unk]", " "))  # pocketsphinx spells "x. ray"
    return _BETWEEN_HAN.sub("", " ".join(text.split()))
