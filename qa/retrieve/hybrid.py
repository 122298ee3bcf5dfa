"""Hybrid retrieval: dense and BM25 evidence at passage, sentence and document level, blended.

A weighted blend of normalized scores retrieved better than reciprocal rank fusion, and the best
single signal is the best sentence inside a passage, not the passage as a whole (figures in
docs/evaluation.md).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from threadpoolctl import ThreadpoolController

from qa.config import Settings
from qa.retrieve.catalog import Catalog, Nearest
from qa.retrieve.lexical import terms
from qa.retrieve.records import read_rows


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


@dataclass(frozen=True)
class Signals:
    """Every score of one question, kept for the answer layer (evidence, abstention)."""

    sentence_dense: np.ndarray
    sentence_lexical: np.ndarray
    passage_score: np.ndarray


def _normalized(scores: np.ndarray) -> np.ndarray:
    peak = float(scores.max()) if scores.size else 0.0
    return scores / peak if peak > 0 else scores


def _per_passage_max(values: np.ndarray, catalog: Catalog) -> np.ndarray:
    """The best sentence value of every passage (passages own contiguous sentence ranges)."""
    out = np.zeros(len(catalog.passages), dtype=np.float32)
    if values.size == 0:
        return out
    counts = np.diff(np.append(catalog.first_sentence, values.size))
    has = counts > 0
    reduced = np.maximum.reduceat(values, catalog.first_sentence[has])
    out[has] = reduced
    return out


def _per_passage_max_sparse(values: np.ndarray, catalog: Catalog) -> np.ndarray:
    """`_per_passage_max` of scores that are never negative and mostly zero (BM25): only the
    sentences that match a term are visited (a large index has hundreds of thousands)."""
    matched = np.flatnonzero(values)
    if matched.size * 8 > values.size:
        return _per_passage_max(values, catalog)
    out = np.zeros(len(catalog.passages), dtype=np.float32)
    np.maximum.at(out, catalog.sentence_passage[matched], values[matched])
    return out


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def _dense(vectors: np.ndarray, query: np.ndarray, settings: Settings, threads: int | None = None) -> np.ndarray:
    """Cosine of every vector with the query. Numeric libraries run on one thread (torch and BLAS
    would otherwise fight over the cores); a large index reads hundreds of MB per question, which
    two threads do in about 60% of the time (docs/evaluation.md)."""
    threads = settings.threads if threads is None else threads
    if vectors.shape[0] < settings.parallel_rows or threads < 2:
        return vectors @ query
    with _blas().limit(limits=threads, user_api="blas"):
        return vectors @ query


def _ranges(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of the ranges [starts[k], starts[k] + counts[k]) one after another, and where each
    range begins among them (the catalog keeps a passage's sentences, and a sentence's views, as
    ranges)."""
    offsets = np.cumsum(counts) - counts
    return np.repeat(starts - offsets, counts) + np.arange(int(counts.sum())), offsets


def _nearer_views(cosines: np.ndarray, rows: np.ndarray | None, vector: np.ndarray, catalog: Catalog) -> None:
    """Raise each sentence's cosine to its nearest view's, in place (`Catalog.view_vectors`).

    `cosines[j]` belongs to sentence `rows[j]`, or to sentence j when `rows` is None.
    """
    if not catalog.view_sentence.size:
        return
    if rows is None:
        np.maximum.at(cosines, catalog.view_sentence, catalog.view_vectors @ vector)
        return
    starts = catalog.view_first[rows]
    counts = catalog.view_first[rows + 1] - starts
    views, _ = _ranges(starts, counts)
    if views.size:
        np.maximum.at(cosines, np.repeat(np.arange(len(rows)), counts), read_rows(catalog.view_vectors, views) @ vector)


@lru_cache(maxsize=1)
def _searches() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="nearest-sentences")


def signals(query: Query, catalog: Catalog, settings: Settings) -> Signals:
    q = list(query.terms)
    # Chroma's HNSW search (which releases the GIL) runs on the other core while
    # this one computes the other signals, which takes less time than one after the other
    # (docs/evaluation.md).
    search = (
        _searches().submit(catalog.nearest_sentences, query.vector, settings.ann_candidates)
        if catalog.nearest_sentences is not None
        else None
    )
    sentence_lexical = _normalized(catalog.sentences_lexical.scores(q))
    # Every signal but the best sentence cosine: they cost little even for a large index.
    partial = (
        settings.w_passage_dense * _dense(catalog.passage_vectors, query.vector, settings, 1 if search else None)
        + settings.w_passage_bm25 * _normalized(catalog.chunks_lexical.scores(q))
        + settings.w_sentence_bm25 * _per_passage_max_sparse(sentence_lexical, catalog)
        + settings.w_document_bm25 * _normalized(catalog.docs_lexical.scores(q))[catalog.passage_doc]
    )
    nearest = search.result() if search is not None else None
    if nearest is not None:
        return _bounded(query, catalog, settings, partial, sentence_lexical, nearest)
    sentence_dense = _dense(catalog.sentence_vectors, query.vector, settings)
    _nearer_views(sentence_dense, None, query.vector, catalog)
    passage_score = partial + settings.w_sentence_dense * _per_passage_max(sentence_dense, catalog)
    return Signals(sentence_dense, sentence_lexical, passage_score)


def _best_sentences(
    passages: np.ndarray, vector: np.ndarray, catalog: Catalog
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(best cosine per passage, the sentence rows of those passages, each row's cosine)."""
    starts = catalog.first_sentence[passages]
    ends = np.append(catalog.first_sentence, len(catalog.sentences))[passages + 1]
    counts = ends - starts
    rows, offsets = _ranges(starts, counts)
    cosines = read_rows(catalog.sentence_vectors, rows) @ vector
    _nearer_views(cosines, rows, vector, catalog)
    best = np.zeros(len(passages), dtype=np.float32)
    has = counts > 0
    if has.any():
        best[has] = np.maximum.reduceat(cosines, offsets[has])
    return best, rows, cosines


def _bounded(
    query: Query,
    catalog: Catalog,
    settings: Settings,
    partial: np.ndarray,
    sentence_lexical: np.ndarray,
    nearest: Nearest,
) -> Signals:
    """Passage scores without a cosine for every sentence, the same top passages.

    The HNSW index names the nearest sentences and a ceiling no other sentence's cosine exceeds.
    Passages holding those sentences, and the best by the other signals, are scored exactly; every
    other passage gets an upper bound (its other signals plus the ceiling's share), and whichever
    bound still reaches the exact scores of the top `3k` is scored exactly too, until none does.
    So the ranking is the exhaustive one whenever the HNSW search returns the true nearest
    sentences. Sentences never scored keep a cosine of -1; none is nearer than the ceiling, so the
    best cosine anywhere (which abstention reads) is the one HNSW found.
    """
    w = settings.w_sentence_dense
    sentence_dense = np.full(len(catalog.sentences), -1.0, dtype=np.float32)
    score = partial + max(w * nearest.ceiling, -w)
    scored = np.zeros(len(partial), dtype=bool)
    pool = min(len(partial), settings.k * 3)

    def score_exactly(passages: np.ndarray) -> None:
        passages = np.unique(passages[~scored[passages]])
        best, rows, cosines = _best_sentences(passages, query.vector, catalog)
        sentence_dense[rows] = cosines
        score[passages] = partial[passages] + w * best
        scored[passages] = True

    best_partial = np.argpartition(-partial, pool - 1)[:pool]
    score_exactly(np.concatenate([catalog.sentence_passage[nearest.sentences], best_partial]))
    while True:
        exact = score[scored]
        threshold = -np.inf if exact.size < pool else float(np.partition(exact, exact.size - pool)[exact.size - pool])
        pending = np.flatnonzero(~scored & (score >= threshold))
        if not pending.size:
            return Signals(sentence_dense, sentence_lexical, score)
        score_exactly(pending)


def retrieve(query: Query, catalog: Catalog, settings: Settings) -> tuple[list[PassageHit], Signals]:
    """The k best passages, each with its sentences scored for answering."""
    if catalog.empty:
        empty = np.zeros(0, dtype=np.float32)
        return [], Signals(empty, empty, empty)
    sig = signals(query, catalog, settings)
    top = _distinct_top(sig.passage_score, catalog, settings)
    sentence_score = sig.sentence_dense + settings.w_answer_bm25 * sig.sentence_lexical
    hits = []
    for p in top:
        hits.append(
            PassageHit(
                int(p),
                float(sig.passage_score[p]),
                tuple(
                    sorted(
                        (
                            SentenceHit(
                                s,
                                float(sig.sentence_dense[s]),
                                float(sig.sentence_lexical[s]),
                                float(sentence_score[s]),
                            )
                            for s in catalog.passage_sentences[p]
                        ),
                        key=lambda h: -h.score,
                    )
                ),
            )
        )
    return hits, sig


def _passage_terms(p: int, catalog: Catalog) -> frozenset[str]:
    """A passage's words, from the terms its sentences had computed at catalog load."""
    return frozenset().union(*(catalog.sentence_terms[s] for s in catalog.passage_sentences[p]))


def _near_duplicates(a: int, b: int, catalog: Catalog, settings: Settings) -> bool:
    """The same text twice (a page saved as .txt and .html, a re-posted article): their vectors
    nearly coincide and they share nearly all their words."""
    if float(catalog.passage_vectors[a] @ catalog.passage_vectors[b]) < settings.duplicate_cosine:
        return False
    words_a, words_b = (_passage_terms(p, catalog) for p in (a, b))
    union = words_a | words_b
    return not union or len(words_a & words_b) / len(union) >= settings.duplicate_words


def _distinct_top(scores: np.ndarray, catalog: Catalog, settings: Settings) -> list[int]:
    """The k best passages, a near-duplicate of a better one left out so the k are k different texts."""
    pool = min(len(scores), settings.k * 3)
    ranked = np.argpartition(-scores, pool - 1)[:pool]
    ranked = ranked[np.argsort(-scores[ranked])]
    chosen: list[int] = []
    for p in ranked.tolist():
        if not any(_near_duplicates(p, q, catalog, settings) for q in chosen):
            chosen.append(p)
            if len(chosen) == settings.k:
                break
    return chosen


def make_query(text: str, vector: np.ndarray) -> Query:
    return Query(text=text, vector=vector, terms=tuple(terms(text)))
