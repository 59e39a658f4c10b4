"""Mouth shapes from speech: piper's phoneme alignments, or the audio envelope (espeak-ng)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from kiosk.events import Viseme, VisemeKey, VisemeTimeline
from kiosk.speech.audio import Samples

_GROUPS: tuple[tuple[str, Viseme], ...] = (
    ("pbmɱ", "PP"),
    ("fvʋ", "FF"),
    ("θð", "TH"),
    ("tdɾʈɖ", "DD"),
    ("kgɡŋqxɣ", "kk"),
    ("ʃʒɕʑçʝ", "CH"),
    ("szʂʐ", "SS"),
    ("nlɫɲɳʎ", "nn"),
    ("ɹrʁɻɚɝ", "RR"),
    ("aɑæʌɐä", "aa"),
    ("eɛəɜœø", "E"),
    ("iɪjyʏɨ", "ih"),
    ("oɔɒɤ", "oh"),
    ("uʊwɯʉ", "ou"),
    (".,;:!?…—-^$", "sil"),
)
_IPA: dict[str, Viseme] = {symbol: viseme for symbols, viseme in _GROUPS for symbol in symbols}

MIN_KEY_S = 0.04
"""Shorter shapes than this are merged into their neighbour: the eye cannot follow them."""


def viseme_of(phoneme: str) -> Viseme | None:
    """The mouth shape of one IPA phoneme; None for stress, length and tone marks and word
    gaps, which continue the shape before them."""
    return _IPA.get(phoneme[:1]) if phoneme else None


def from_alignments(
    alignments: Iterable[tuple[str, int]], rate: int, total_samples: int | None = None
) -> VisemeTimeline:
    """A timeline from (phoneme, samples) pairs as piper's `include_alignments` gives them."""
    keys: list[VisemeKey] = []
    position = 0
    for phoneme, count in alignments:
        start, position = position, position + int(count)
        viseme = viseme_of(phoneme)
        if viseme is None and keys:  # extend the previous shape
            keys[-1] = VisemeKey(keys[-1].viseme, keys[-1].start, position / rate)
            continue
        _append(keys, viseme or "sil", start / rate, position / rate)
    if total_samples is not None and keys and total_samples > position:
        keys[-1] = VisemeKey(keys[-1].viseme, keys[-1].start, total_samples / rate)
    return VisemeTimeline(tuple(_merge_short(keys)))


def from_envelope(samples: Samples, rate: int, window_s: float = 0.04) -> VisemeTimeline:
    """A coarse timeline from loudness alone, for voices without alignments: closed in
    silence, half open when quiet, open when loud."""
    size = max(1, int(rate * window_s))
    count = len(samples) // size
    if count == 0:
        return VisemeTimeline(())
    frames = samples[: count * size].reshape(count, size)
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    peak = float(rms.max()) or 1.0
    keys: list[VisemeKey] = []
    for index, level in enumerate(rms / peak):
        viseme: Viseme = "sil" if level < 0.12 else "E" if level < 0.45 else "aa"
        _append(keys, viseme, index * window_s, (index + 1) * window_s)
    return VisemeTimeline(tuple(_merge_short(keys)))


def _append(keys: list[VisemeKey], viseme: Viseme, start: float, end: float) -> None:
    if keys and keys[-1].viseme == viseme:
        keys[-1] = VisemeKey(viseme, keys[-1].start, end)
    else:
        keys.append(VisemeKey(viseme, start, end))


def _merge_short(keys: Sequence[VisemeKey]) -> list[VisemeKey]:
    """Fold keys shorter than MIN_KEY_S into the key before them (or after, at the start)."""
    merged: list[VisemeKey] = []
    for key in keys:
        if merged and key.end - key.start < MIN_KEY_S:
            merged[-1] = VisemeKey(merged[-1].viseme, merged[-1].start, key.end)
        elif merged and merged[-1].viseme == key.viseme:
            merged[-1] = VisemeKey(key.viseme, merged[-1].start, key.end)
        else:
            merged.append(key)
    if len(merged) > 1 and merged[0].end - merged[0].start < MIN_KEY_S:
        merged[1] = VisemeKey(merged[1].viseme, merged[0].start, merged[1].end)
        merged.pop(0)
    return merged
