"""Which retrieved sentence answers first: every sentence of the retrieved passages, scored.

The score is a blend fitted pointwise (qa/answer/sentence_blend.json, bench/fit_blend.py); the
order of the best few is then learned: a conditional logit over the first `pool` sentences
(softmax over one question's sentences, right when the sentence holds a gold answer), with what
the blend does not see: the answer type the question wants against what the sentence holds (a
year, a number, names), the names of the question it holds, its place in its passage. Fitted on
squad-dev articles 00-11 by bench/train_rankers.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from qa.answer.dates import YEARS
from qa.answer.fitted import BLEND_FEATURES, load_blend
from qa.answer.headings import is_heading
from qa.answer.question import QuestionType
from qa.config import Settings
from qa.nlp import parse
from qa.retrieve.catalog import Catalog
from qa.retrieve.hybrid import PassageHit, Query, SentenceHit
from qa.retrieve.lexical import names, terms

ORDER_FILE = Path(__file__).with_name("sentence_order.json")
_KINDS: tuple[QuestionType, ...] = ("who", "when", "where", "how many", "what", "other")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Candidate:
    """A retrieved sentence: its blended score, its learned one when it was in the order's pool,
    and the reader's logit when the reader read it (qa/answer/rerank.py)."""

    sentence: SentenceHit
    passage: PassageHit
    score: float
    learned: float = 0.0
    reader: float | None = None


def coverage(query: Query, present: frozenset[str], catalog: Catalog) -> float:
    """IDF-weighted share of the question's terms found among `present` (a sentence's terms)."""
    if not query.terms:
        return 0.0
    weigh = catalog.sentences_lexical.weight
    total = sum(weigh(t) for t in set(query.terms))
    found = sum(weigh(t) for t in set(query.terms) if t in present)
    return found / total if total else 0.0


def blend_rows(
    query: Query, hits: list[PassageHit], catalog: Catalog, length_cap: int
) -> tuple[list[tuple[PassageHit, SentenceHit]], np.ndarray]:
    """Every sentence of the retrieved passages with its row of the blend's features
    (qa/answer/fitted.py's BLEND_FEATURES, in that order)."""
    top = hits[0].score if hits and hits[0].score > 0 else 1.0
    pairs, rows = [], []
    for rank, hit in enumerate(hits):
        for s in hit.sentences:
            pairs.append((hit, s))
            rows.append(
                [
                    hit.score / top,
                    float(rank == 0),
                    1 / (1 + rank),
                    s.dense,
                    s.lexical,
                    coverage(query, catalog.sentence_terms[s.index], catalog),
                    min(len(catalog.sentences[s.index].text), length_cap) / length_cap,
                ]
            )
    return pairs, np.array(rows, dtype=np.float64).reshape(len(rows), len(BLEND_FEATURES))


def scored(query: Query, hits: list[PassageHit], catalog: Catalog) -> list[Candidate]:
    """Every sentence of the retrieved passages, best answer first (weights: sentence_blend.json)."""
    blend = load_blend()
    pairs, rows = blend_rows(query, hits, catalog, blend.length_cap)
    scores = rows @ blend.weights
    out = [Candidate(s, hit, float(score)) for (hit, s), score in zip(pairs, scores, strict=True)]
    return sorted(out, key=lambda c: -c.score)


def order_features() -> list[str]:
    """The names of `sentence_rows`' columns, in order (the weights file is checked against them)."""
    return [
        *("score", "below_best", "dense", "bm25", "coverage", "terms_share", "top_passage", "passage_rank"),
        *("opens_passage", "place_in_passage", "length", "names_held", "rarest_missing", "first", "rank"),
        *(f"{kind}_{fact}" for kind in _KINDS for fact in ("year", "digit", "names")),
    ]


def sentence_rows(
    question: str, qtype: QuestionType, query: Query, hits: list[PassageHit], pool: list[Candidate], catalog: Catalog
) -> np.ndarray:
    """A feature row per pooled sentence (names: `order_features`)."""
    weigh = catalog.sentences_lexical.weight
    asked = set(query.terms)
    named = {t for word in names(question, opening=False) for t in terms(word)}
    passage_rank = {hit.index: rank for rank, hit in enumerate(hits)}
    best = pool[0].score if pool else 0.0
    rows = []
    for i, cand in enumerate(pool):
        text = catalog.sentences[cand.sentence.index].text
        held = catalog.sentence_terms[cand.sentence.index]
        present = asked & held
        siblings = catalog.passage_sentences[cand.passage.index]
        place = siblings.index(cand.sentence.index) if cand.sentence.index in siblings else 0
        rank = passage_rank.get(cand.passage.index, 9)
        year, digit = float(bool(YEARS.search(text))), float(bool(_DIGIT.search(text)))
        facts = (year, digit, min(len(names(text, opening=False)), 5) / 5)
        rows.append(
            [
                cand.score,
                best - cand.score,
                cand.sentence.dense,
                cand.sentence.lexical / 10,
                coverage(query, held, catalog),
                len(present) / max(len(asked), 1),
                float(rank == 0),
                1 / (1 + rank),
                float(place == 0),
                min(place, 10) / 10,
                min(len(text), 400) / 400,
                len(named & present) / len(named) if named else 1.0,
                max([weigh(t) for t in asked - present] or [0.0]) / 10,
                float(i == 0),
                1 / (1 + i),
                *(fact * (qtype == kind) for kind in _KINDS for fact in facts),
            ]
        )
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(order_features()))


def prefer(scores: np.ndarray, default: int | None, margin: float) -> int:
    """The best-scoring row, unless `default` (what the rules or the blend chose) scores within
    `margin` of it: a learned correction overrides them only when clearly better."""
    best = int(np.argmax(scores))
    return default if default is not None and scores[best] - scores[default] < margin else best


def first(learned: np.ndarray, margin: float) -> int:
    """The sentence to answer with: the learned best if it scores `margin` more than the blend's first."""
    return prefer(learned, 0, margin)


@dataclass(frozen=True)
class SentenceOrder:
    """Weights over `order_features()`; a sentence goes before the blend's first only when it
    scores `margin` more (the blend was fitted on the same data and knows the article's style less
    badly than a small learned correction can undo)."""

    pool: int
    weights: np.ndarray
    margin: float = 0.0

    def apply(
        self,
        question: str,
        qtype: QuestionType,
        query: Query,
        hits: list[PassageHit],
        candidates: list[Candidate],
        catalog: Catalog,
    ) -> list[Candidate]:
        """The first `pool` candidates in the learned order, but for the first place, which the blend's
        first keeps unless another scores `margin` more (scores kept)."""
        pool = candidates[: self.pool]
        if len(pool) < 2:
            return candidates
        learned = sentence_rows(question, qtype, query, hits, pool, catalog) @ self.weights
        best = first(learned, self.margin)
        rest = [i for i in np.argsort(-learned, kind="stable") if i != best]
        ordered = [replace(pool[i], learned=float(learned[i])) for i in [best, *rest]]
        return ordered + candidates[self.pool :]


@lru_cache(maxsize=4)
def load_order(path: Path = ORDER_FILE) -> SentenceOrder:
    """The fitted weights; a file that does not match the features is an error, not a silent mix-up."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    if raw["features"] != order_features():
        raise ValueError(f"{path}: its features do not match this code's; refit with bench/train_rankers.py")
    weights = np.array(raw["weights"], dtype=np.float64)
    return SentenceOrder(pool=int(raw["pool"]), weights=weights, margin=float(raw.get("margin", 0.0)))


def candidates(
    question: str, qtype: QuestionType, query: Query, hits: list[PassageHit], catalog: Catalog, settings: Settings
) -> list[Candidate]:
    """Every sentence of the retrieved passages, the one to answer with first."""
    return reread(question, ordered(question, qtype, query, hits, catalog, settings), catalog, settings)


def ordered(
    question: str, qtype: QuestionType, query: Query, hits: list[PassageHit], catalog: Catalog, settings: Settings
) -> list[Candidate]:
    """Every sentence of the retrieved passages in the blend's and the learned order: `candidates`
    before the reader's say."""
    found = scored(query, hits, catalog)
    if settings.answer.learned_order:
        found = load_order().apply(question, qtype, query, hits, found, catalog)
    return found


def reread(question: str, found: list[Candidate], catalog: Catalog, settings: Settings) -> list[Candidate]:
    """The `ordered` sentences after the reader's say, those of documents naming what the
    question names first, a document's headings after its statements (headings.py): `candidates`
    from `ordered`."""
    if settings.answer.reader:
        from qa.answer.rerank import rerank  # the reader loads ONNX Runtime: only when used

        found = rerank(question, found, catalog, threads=settings.threads)
    return statements_first(naming_documents_first(question, found, catalog), catalog)


def statements_first(found: list[Candidate], catalog: Catalog) -> list[Candidate]:
    """The candidates with a document's headings (headings.py) after the statements, each group in
    its order."""
    return sorted(found, key=lambda c: is_heading(catalog.sentences[c.sentence.index].text))


def naming_documents_first(question: str, found: list[Candidate], catalog: Catalog) -> list[Candidate]:
    """The sentences of documents that name everything the question names first: "What did Ann Lee
    post online?" is not answered from a sports story's "he posted online" when the article naming
    Ann Lee says what she posted. Names no document holds are left to the abstention rules."""
    if len(catalog.doc_names) < 2:
        return found
    vocab = catalog.docs_lexical.vocab
    words = [w for w in names(question.strip(), opening=False) if any(t in vocab for t in terms(w))]
    if not words:
        return found
    docs = catalog.passage_doc[[c.passage.index for c in found]]

    def holding(chosen: list[str]) -> np.ndarray:
        holds = np.ones(len(catalog.doc_names), dtype=bool)
        for term in {t for w in chosen for t in terms(w) if t in vocab}:
            holds &= catalog.docs_lexical.scores([term]) > 0
        return holds[docs]

    if holding(words).all():
        return found  # every sentence's document names them all: nothing to reorder (and no parse)
    # proper nouns only: "Australian" or "English" names no thing a document must hold ("Australia")
    peoples = {t.text for t in parse(question) if t.ent_type_ in ("NORP", "LANGUAGE") or t.pos_ != "PROPN"}
    words = [w for w in words if w not in peoples]
    if not words:
        return found
    held = holding(words)
    if not held.any() or held.all():
        return found
    return [c for c, h in zip(found, held, strict=True) if h] + [c for c, h in zip(found, held, strict=True) if not h]
