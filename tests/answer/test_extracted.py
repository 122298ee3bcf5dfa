"""The learned short answer for questions the rules give none for: the real extractor, its fitted
bar, and a real index of the article."""

from __future__ import annotations

import json
import math
from dataclasses import replace

from qa.answer.extract import MODEL_DIR
from qa.answer.extracted import GATE_FILE, Gate, extract_in, learned_span, load_gate
from qa.service import QAService


def _sentence_with(service: QAService, words: str) -> int:
    catalog = service.catalog
    return next(i for i, s in enumerate(catalog.sentences) if words in s.text)


def test_the_bar_is_fitted_on_articles_the_extractor_never_read() -> None:
    gate = json.loads(GATE_FILE.read_text(encoding="utf-8"))
    meta = json.loads((MODEL_DIR / "extractor.json").read_text(encoding="utf-8"))
    assert set(gate["fitted_on"]["articles"]).isdisjoint(meta["trained_on"])
    loaded = load_gate()
    assert loaded.weights[0] > 0 and loaded.weights[1] > 0  # surer spans and wider gaps both count for an answer
    assert gate["at_the_bar"]["right"] / gate["at_the_bar"]["given"] > 0.5  # it gates to right > wrong
    checked = gate["bar_chosen_on_four_fifths"]  # the fitted score beats the share alone where its bar was not chosen
    assert checked["the_fitted_score"]["right_minus_wrong"] > checked["the_share_alone"]["right_minus_wrong"]


def test_a_what_question_gets_the_extractors_short_answer(article_service: QAService) -> None:
    question = "What is the name of the prison in El Salvador?"
    on = article_service.ask(question)
    assert on.short_answer == "CECOT"
    assert on.text.startswith("CECOT — ")
    first = on.citations[0]
    document = (article_service.settings.corpus_dir / first.doc).read_text(encoding="utf-8")
    assert first.span_start is not None and document[first.span_start : first.span_end] == "CECOT"  # highlighted
    settings = article_service.settings
    off = QAService(
        settings.model_copy(update={"answer": settings.answer.model_copy(update={"learned_short": False})})
    ).ask(question)
    assert off.short_answer is None and not off.text.startswith("CECOT — ")
    assert off.citations[0].quote == first.quote


def test_an_unsure_or_whole_sentence_span_is_not_a_short_answer(article_service: QAService) -> None:
    catalog = article_service.catalog
    at = _sentence_with(article_service, "known as CECOT")
    question = "What is the name of the prison in El Salvador?"
    sure = learned_span(question, at, catalog, Gate((0.0, 0.0), 0.0, bar=-1.0, max_chars=80))
    assert sure is not None and catalog.sentences[at].text[sure.start : sure.end] == "CECOT"
    assert learned_span(question, at, catalog, Gate((0.0, 0.0), 0.0, bar=1.0, max_chars=80)) is None
    assert learned_span(question, at, catalog, Gate((0.0, 0.0), 0.0, bar=-1.0, max_chars=3)) is None  # over the length
    reading = extract_in(question, at, catalog)
    fitted, wider = load_gate(), replace(reading, gap=reading.gap + 2.0)
    assert fitted.confidence(wider) > fitted.confidence(reading)  # the same share, surer of an answer than of none
    share_only = Gate((1.0, 0.0), 0.0, bar=math.log(0.5), max_chars=80)  # the share alone, its bar at a third
    assert share_only.passes(reading) == (reading.prob >= 1 / 3)


def test_warming_up_loads_the_extractor_before_the_first_question(article_service: QAService) -> None:
    from qa.answer.extract import load_extractor

    load_extractor.cache_clear()
    article_service.warm_up()
    assert load_extractor.cache_info().currsize == 1  # the first what-question does not pay for it
