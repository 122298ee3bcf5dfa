"""The abstention's extractor feature: the best gap of the first sentences' readings, and the
fitted neutral value for a yes/no question, whose answer is no span (real extractor and index).

The weights are tests/data/abstention/with-extractor.json, written by `bench/fit_abstention.py
--refuse 0.02` (CALIBRATE articles only): the packaged file does not weigh the extractor yet
(docs/evaluation.md says why)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.answer.abstain import fitted, refusal_threshold
from qa.answer.extracted import extract_in
from qa.answer.intent import read
from qa.answer.order import Candidate, ordered
from qa.answer.question import yes_or_no
from qa.answer.readings import LEAST_GAP, Readings, for_reply
from qa.answer.refuse import extractor_gap, weak_evidence
from qa.retrieve.hybrid import make_query, retrieve
from qa.service import QAService

WITH_EXTRACTOR = Path(__file__).resolve().parents[1] / "data" / "abstention" / "with-extractor.json"


@pytest.fixture(scope="module")
def weighing(article_service: QAService) -> QAService:
    """The article's service with abstention weights that weigh the extractor's gap."""
    return QAService(article_service.settings.model_copy(update={"abstention_file": WITH_EXTRACTOR}))


def _found(service: QAService, question: str) -> list[Candidate]:
    catalog, settings = service.catalog, service.settings
    query = make_query(question, service.encoder.encode([question])[0])
    hits, _ = retrieve(query, catalog, settings)
    return ordered(question, read(question).qtype, query, hits, catalog, settings)


def _readings(service: QAService, question: str) -> Readings:
    found = _found(service, question)
    return Readings.of_first(question, found, service.catalog, fitted(service.settings).extractor_sentences)


def test_the_extractor_feature_is_the_best_gap_of_the_first_sentences(weighing: QAService) -> None:
    settings = weighing.settings
    a = fitted(settings)
    assert a.extractor_sentences > 0  # the shipped weights weigh it
    question = "Which university does Volpp teach at?"
    readings = _readings(weighing, question)
    assert len(readings.sentences) == a.extractor_sentences
    alone = [extract_in(question, i, weighing.catalog) for i in readings.sentences]
    assert extractor_gap(question, readings, settings) == max(r.gap for r in alone) > LEAST_GAP
    assert extractor_gap(question, None, settings) == LEAST_GAP  # nothing read: no support


def test_a_yes_or_no_question_gets_the_neutral_value_not_its_gaps(weighing: QAService) -> None:
    settings = weighing.settings
    question = "Did anyone in Trump's circle support the plan?"
    assert yes_or_no(question) and not yes_or_no("Who in Trump's circle supported the plan?")
    readings = _readings(weighing, question)
    # the extractor finds no span for it (its answer is "yes"), so its gap is far below the neutral value
    assert readings.best_gap() < fitted(settings).extractor_neutral - 5
    assert extractor_gap(question, readings, settings) == fitted(settings).extractor_neutral
    # so the reply reads only what its short answer needs: the first sentence
    mine = for_reply(read(question), _found(weighing, question), weighing.catalog, settings)
    assert mine is not None and len(mine.sentences) == 1
    reply = weighing.ask(question)
    assert not reply.abstained and "Musk" in reply.text


def test_the_next_sentences_are_read_only_when_the_first_falls_short(weighing: QAService) -> None:
    catalog, settings = weighing.catalog, weighing.settings
    weight = 1.0  # a logit rising with the gap, as the fitted weight does
    bar = refusal_threshold("What is the name of the prison?", catalog, settings)
    asked = [("What is the name of the prison?", True), ("What is the recipe for pupusas?", False)]
    for question, first_clears in asked:
        readings = _readings(weighing, question)
        first = readings.best_gap(1)
        readings = _readings(weighing, question)
        offset = bar - weight * first + (0.5 if first_clears else -0.5)  # the first gap clears the bar or not

        def logit(gap: float, offset: float = offset) -> float:
            return weight * gap + offset

        weak = weak_evidence(question, logit, readings, catalog, settings)
        if first_clears:
            assert not weak and len(readings._read) == 1  # the others were never read
        else:
            assert len(readings._read) == len(readings.sentences)  # all read: the decision is the max's
            assert weak == (logit(readings.best_gap()) < bar)

