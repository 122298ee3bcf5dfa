"""Hybrid retrieval: dense (Chroma) and BM25 over passages and sentences, fused by rank."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.config import Settings
from qa.index.store import Store
from qa.retrieve.catalog import Catalog
from qa.retrieve.lexical import terms

RRF_K = 60.0


@dataclass(frozen=True)
class SentenceHit:
    index: int
    dense: float
    lexical: float
    score: float


@dataclass(frozen=True)
class PassageHit:
    index: int
    score: float
    sentences: tuple[SentenceHit, ...]


@dataclass(frozen=True)
class Query:
    """A question prepared once: its vector and its content terms."""

    text: str
    vector: np.ndarray
    terms: tuple[str, ...]


def _ranks(scores: np.ndarray, top: int) -> dict[int, int]:
    if scores.size == 0:
        return {}
    top = min(top, scores.size)
    idx = np.argpartition(-scores, top - 1)[:top]
    idx = idx[np.argsort(-scores[idx])]
    return {int(i): r for r, i in enumerate(idx) if scores[i] > 0}


def _normalize(scores: np.ndarray) -> np.ndarray:
    peak = float(scores.max()) if scores.size else 0.0
    return scores / peak if peak > 0 else scores


def dense_passages(store: Store, catalog: Catalog, vector: np.ndarray, n: int) -> dict[int, int]:
    """Rank of each passage in Chroma's nearest-neighbour search."""
    n = min(n, len(catalog.passages))
    if n == 0:
        return {}
    found = store.chunks.query(query_embeddings=[vector.tolist()], n_results=n, include=[])
    ids = found["ids"][0]
    return {catalog.passage_index[i]: r for r, i in enumerate(ids) if i in catalog.passage_index}


def retrieve(query: Query, catalog: Catalog, store: Store, settings: Settings) -> list[PassageHit]:
    """Passages ranked by fused evidence, each with its sentences scored for answering."""
    if catalog.empty:
        return []
    n = settings.candidates
    sent_dense = catalog.sentence_vectors @ query.vector
    sent_lex = catalog.sentences_lexical.scores(list(query.terms))
    sent_lex_norm = _normalize(sent_lex)
    sent_score = sent_dense + 0.35 * sent_lex_norm

    fused: dict[int, float] = {}

    def add(ranks: dict[int, int], weight: float) -> None:
        for idx, rank in ranks.items():
            fused[idx] = fused.get(idx, 0.0) + weight / (RRF_K + rank)

    add(dense_passages(store, catalog, query.vector, n), 1.0)
    add(_ranks(catalog.chunks_lexical.scores(list(query.terms)), n), 1.0)
    best_sentence = _ranks(sent_score, n)
    passage_from_sentence: dict[int, int] = {}
    for s_idx, rank in best_sentence.items():
        p = catalog.sentences[s_idx].passage
        passage_from_sentence[p] = min(rank, passage_from_sentence.get(p, rank))
    add(passage_from_sentence, 2.0)

    ranked = sorted(fused.items(), key=lambda kv: -kv[1])[: max(settings.k, 10)]
    hits: list[PassageHit] = []
    for p_idx, score in ranked:
        sentence_hits = tuple(
            sorted(
                (
                    SentenceHit(s, float(sent_dense[s]), float(sent_lex_norm[s]), float(sent_score[s]))
                    for s in catalog.passage_sentences[p_idx]
                ),
                key=lambda h: -h.score,
            )
        )
        hits.append(PassageHit(p_idx, score, sentence_hits))
    return hits[: settings.k]


def make_query(text: str, vector: np.ndarray) -> Query:
    return Query(text=text, vector=vector, terms=tuple(terms(text)))
