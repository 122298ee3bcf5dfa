"""The learned sentence order: its weights match its features, it only moves a sentence first when
that sentence clearly scores more, and the scores the abstention relies on are kept."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qa.answer.order import (
    ORDER_FILE,
    Candidate,
    SentenceOrder,
    candidates,
    first,
    load_order,
    order_features,
    scored,
    sentence_rows,
    statements_first,
)
from qa.answer.question import question_type
from qa.retrieve.hybrid import PassageHit, Query, make_query, retrieve
from qa.service import QAService


def test_shipped_order_fits_the_features() -> None:
    order = load_order()
    assert order.weights.shape == (len(order_features()),)
    assert np.isfinite(order.weights).all() and order.pool >= 2 and order.margin >= 0
    raw = json.loads(ORDER_FILE.read_text(encoding="utf-8"))
    for fold in raw["held_out"].values():  # better than the blend alone on articles left out of the fit
        assert fold["all"]["learned"] > fold["all"]["baseline"]


def test_first_needs_the_margin() -> None:
    assert first(np.array([1.0, 1.8, 0.2]), margin=1.0) == 0
    assert first(np.array([1.0, 2.1, 0.2]), margin=1.0) == 1
    assert first(np.array([3.0, 2.1, 0.2]), margin=0.0) == 0


def _retrieved(service: QAService, question: str) -> tuple[Query, list[PassageHit]]:
    query = make_query(question, service.encoder.encode([question])[0])
    hits, _ = retrieve(query, service.catalog, service.settings)
    return query, hits


def test_rows_describe_each_sentence(article_service: QAService) -> None:
    question = "When did Rubio announce the offer?"
    query, hits = _retrieved(article_service, question)
    found = scored(query, hits, article_service.catalog)[:6]
    rows = sentence_rows(question, question_type(question), query, hits, found, article_service.catalog)
    names = order_features()
    assert rows.shape == (len(found), len(names))
    col = names.index
    assert rows[0, col("first")] == 1 and rows[1:, col("first")].sum() == 0
    assert rows[:, col("below_best")].tolist() == pytest.approx([found[0].score - c.score for c in found])
    # the answer-type facts are set only in the question's own type's columns
    assert rows[:, col("who_year")].sum() == 0 and rows[:, col("what_digit")].sum() == 0
    texts = [article_service.catalog.sentences[c.sentence.index].text for c in found]
    assert rows[:, col("when_digit")].tolist() == [float(any(ch.isdigit() for ch in t)) for t in texts]


def test_learned_order_takes_the_first_place_only_by_a_margin(article_service: QAService) -> None:
    question = "Why was Rubio visiting El Salvador?"
    query, hits = _retrieved(article_service, question)
    catalog = article_service.catalog
    found = scored(query, hits, catalog)
    assert len(found) > 5

    def length(c: Candidate) -> int:
        return len(catalog.sentences[c.sentence.index].text)

    def ids(found: list[Candidate]) -> list[int]:
        return [c.sentence.index for c in found]

    weights = np.zeros(len(order_features()))
    weights[order_features().index("length")] = -50.0  # a sharp preference: the shortest sentence first
    qtype = question_type(question)
    moved = SentenceOrder(pool=5, weights=weights, margin=1.0).apply(question, qtype, query, hits, found, catalog)
    assert ids(moved[:5]) == ids(sorted(found[:5], key=length))  # the pool in the learned order, first place too
    assert moved[5:] == found[5:]  # the rest as the blend had them, scores kept
    assert [c.score for c in moved[:5]] == [c.score for c in sorted(found[:5], key=length)]
    assert [c.learned for c in moved[:5]] == sorted((c.learned for c in moved[:5]), reverse=True)
    # a preference too weak to pass the margin: the blend's first keeps its place, the rest move
    kept = SentenceOrder(pool=5, weights=weights / 1e6, margin=1.0).apply(question, qtype, query, hits, found, catalog)
    assert length(found[0]) > min(map(length, found[:5]))  # so the first place would move without the margin
    assert ids(kept[:1]) == ids(found[:1])
    assert ids(kept[1:5]) == ids(sorted(found[1:5], key=length)) and kept[5:] == found[5:]


def test_order_off_keeps_the_blend(article_service: QAService) -> None:
    settings = article_service.settings.model_copy(deep=True)
    catalog = article_service.catalog
    question = "What did Elon Musk call the plan?"
    query, hits = _retrieved(article_service, question)
    qtype = question_type(question)
    blend = scored(query, hits, catalog)
    settings.answer.learned_order = False
    settings.answer.reader = False  # the reader's reordering is tested in test_rerank.py
    # the article's subheading goes after its statements whatever the order (test_headings.py)
    assert candidates(question, qtype, query, hits, catalog, settings) == statements_first(blend, catalog)
    settings.answer.learned_order = True
    learned = candidates(question, qtype, query, hits, catalog, settings)
    assert learned == statements_first(load_order().apply(question, qtype, query, hits, blend, catalog), catalog)
    assert any(c.learned for c in learned) and not any(c.learned for c in blend)
