"""Hybrid retrieval: a confidence per source from three signals on a 0..1 scale, fused.

- classifier: the pack's entry classifier's probability for the source (kiosk/knowledge/
  classifier.py) — the best single ranker, but it always picks *some* entry — adjusted for
  the pack's size (`size_adjusted`), so the gate means the same for a pack of 40 entries as
  for one of 70;
- dense: the best cosine (from chromadb) between the query and any text of the source,
  rescaled from the band where e5 similarities live (`dense_floor`..`dense_ceiling`);
- lexical: the BM25 score divided by what the query's terms could score at most — words the
  pack never uses count fully in the divisor, so "what's the weather" scores low everywhere.
The fused score both ranks the sources and, against a fixed threshold, gates the answer.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from rank_bm25 import BM25Okapi

from kiosk.config import RetrievalConfig
from kiosk.knowledge.homophones import HomophoneRepair
from kiosk.knowledge.index import OUT_OF_SCOPE, IndexedText, KnowledgeIndex
from kiosk.lang import Lang

SourceKind = Literal["faq", "doc"]
SIZE_RATIO = (0.5, 2.0)
"""The pack-size adjustment was measured on packs of 34 to 74 sources (about half to once the
reference); beyond these ratios of the reference it would be extrapolation, so it stops there."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One source the query matched, with the evidence."""

    source: str
    """FAQ entry id or doc chunk id (`file#heading`)."""
    kind: SourceKind
    score: float
    """Fused confidence, 0..1."""
    probability: float
    """The entry classifier's probability for the source."""
    dense: float
    """Best cosine similarity with any text of the source."""
    lexical: float
    """BM25 score relative to the query's best possible score, 0..1."""
    matched: str
    """The indexed text that matched best (densely)."""


def size_adjusted(probability: float, sources: int, config: RetrievalConfig) -> float:
    """The classifier's probability as if the pack had `classifier_reference_sources` sources.

    A softmax spreads over all sources, so in a small pack each gets more; measured on the
    dev packs cut to half and three quarters of their entries, the unadjusted gate declined
    7 points fewer off-topic questions in the smaller packs (docs/retrieval.md).
    """
    ratio = min(max(sources / config.classifier_reference_sources, SIZE_RATIO[0]), SIZE_RATIO[1])
    scale: float = ratio**config.classifier_size_exponent
    return min(probability * scale, 1.0)


class Retriever:
    """Ranks a pack's sources for a query; owns the BM25 corpus built from the index's texts."""

    def __init__(self, index: KnowledgeIndex, config: RetrievalConfig) -> None:
        self._index = index
        self._config = config
        self._docs: list[tuple[str, Lang]] = []
        corpus: list[list[str]] = []
        grouped: dict[tuple[str, Lang], list[str]] = defaultdict(list)
        kinds: dict[str, SourceKind] = {}
        for item in index.items:
            grouped[(item.source, item.lang)].append(item.text)
            kinds[item.source] = "doc" if item.kind == "doc" else "faq"
        for key, texts in grouped.items():
            self._docs.append(key)
            corpus.append(index.tokenizer.tokens("\n".join(texts)))
        self._kinds = kinds
        self._bm25 = BM25Okapi(corpus)
        self._unknown_idf = math.log((len(corpus) + 0.5) / 0.5)
        self._by_id: dict[str, IndexedText] = {item.item_id: item for item in index.items}
        self._doc_langs = {(item.source, item.lang) for item in index.items if item.kind == "doc"}
        self._homophones = HomophoneRepair(
            (word for item in index.items if item.lang == "zh"
             for word in index.tokenizer.words(item.text)),
            index.tokenizer.cut,
            fold=config.homophone_fold,
        ) if config.repair_homophones else None

    @property
    def texts(self) -> int:
        """How many texts are indexed."""
        return len(self._index.items)

    @property
    def sources(self) -> int:
        """How many sources (FAQ entries and doc sections) the pack has."""
        return len(self._kinds)

    def search(self, query: str, lang: Lang, limit: int = 5) -> list[Hit]:
        """The best sources for `query`, most confident first.

        Doc chunks only count in the visitor's language: their text is spoken as written.
        Chinese words the pack uses but the recogniser misheard are put right first.
        """
        if self._homophones is not None:
            query = self._homophones.repair(query)
        vector = self._index.embedder.embed([query], query=True)[0]
        probabilities = self._index.classifier.probabilities(vector)
        dense, matched = self._dense(self._index.classifier.centred(vector)[0])
        lexical = self._lexical(query)
        config = self._config
        floor, ceiling = config.dense_floor, config.dense_ceiling
        lexical_weight = 1.0 - config.classifier_weight - config.dense_weight
        hits: list[Hit] = []
        probabilities.pop(OUT_OF_SCOPE, None)
        for source in set(dense) | set(lexical) | set(probabilities):
            kind = self._kinds[source]
            if kind == "doc" and (source, lang) not in self._doc_langs:
                continue
            probability = probabilities.get(source, 0.0)
            adjusted = size_adjusted(probability, len(self._kinds), config)
            cosine = dense.get(source, 0.0)
            dense_score = min(max((cosine - floor) / (ceiling - floor), 0.0), 1.0)
            lex = lexical.get(source, 0.0)
            score = (
                config.classifier_weight * adjusted
                + config.dense_weight * dense_score
                + lexical_weight * lex
            )
            hits.append(
                Hit(
                    source,
                    kind,
                    round(score, 4),
                    round(probability, 4),
                    round(cosine, 4),
                    round(lex, 4),
                    matched.get(source, ""),
                )
            )
        hits.sort(key=lambda hit: hit.score, reverse=True)
        return hits[:limit]

    def _dense(self, vector: NDArray[np.float32]) -> tuple[dict[str, float], dict[str, str]]:
        count = len(self._index.items)
        result = self._index.collection.query(
            query_embeddings=[vector.tolist()],
            n_results=min(self._config.dense_candidates, count),
            include=["distances"],
        )
        best: dict[str, float] = {}
        matched: dict[str, str] = {}
        for item_id, distance in zip(result["ids"][0], result["distances"][0], strict=True):
            item = self._by_id[item_id]
            similarity = 1.0 - float(distance)
            if item.kind == "answer":
                similarity -= self._config.answer_penalty
            if similarity > best.get(item.source, -1.0):
                best[item.source] = similarity
                matched[item.source] = item.text
        return best, matched

    def _lexical(self, query: str) -> dict[str, float]:
        terms = self._index.tokenizer.tokens(query)
        if not terms:
            return {}
        scores = self._bm25.get_scores(terms)
        ceiling = sum(self._bm25.idf.get(term, self._unknown_idf) for term in set(terms))
        if ceiling <= 0:
            return {}
        best: dict[str, float] = {}
        for position in np.flatnonzero(scores > 0):
            source, _ = self._docs[int(position)]
            value = min(float(scores[position]) / ceiling, 1.0)
            best[source] = max(best.get(source, 0.0), value)
        return best
