"""Work started on a worker thread while the reader has its say (the extractor's readings, the
parse of typed questions' sentences): the real extractor, reader, parser and index of the
article. The replies must be exactly those of the same work done on the asker's thread, whatever
happens to the work started ahead."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import qa.answer.ahead as ahead_module
import qa.answer.compose as compose_module
import qa.answer.readings as readings_module
import qa.nlp as nlp
from qa.answer.abstain import fitted
from qa.answer.ahead import start_ahead
from qa.answer.extract import Extracted
from qa.answer.extracted import extract_in
from qa.answer.intent import read
from qa.answer.order import ordered
from qa.answer.rank import load_ranker
from qa.answer.readings import Readings, for_reply
from qa.answer.worker import worker
from qa.retrieve.hybrid import make_query, retrieve
from qa.service import QAService

DATA = Path(__file__).resolve().parents[1] / "data"
# questions without a typed answer: their short answer is the extractor's
QUESTIONS = (
    "What is the name of the prison in El Salvador?",
    "What did Bukele offer to do with U.S. deportees?",
    "What kind of agreement was being signed at the ceremony?",
    "What is El Salvador's largest and newest prison called?",
    "Which criminal groups were mentioned by name?",
    "What does Leti Volpp specialize in?",
    "What field does Mneesha Gellman study?",
    "What does the administration demand of other countries?",
    "What did the experts say about legal challenges?",
    "What did Bukele call the offer?",
)
# typed questions: the sentences they are answered from are parsed ahead
TYPED = (
    "Who is the U.S. Secretary of State?",
    "Who is the president of El Salvador?",
    "Which region was Rubio touring?",
    "How many deportees has El Salvador already received?",
    "Who said it was not rooted in any legal provision?",
    "When did Rubio visit El Salvador?",
)


@contextmanager
def _no_work_ahead(*_: object) -> Iterator[None]:
    yield None


def _replies(service: QAService) -> list[dict[str, Any]]:
    return [service.ask(q).to_dict() for q in (*QUESTIONS, *TYPED)]


@pytest.fixture
def inline_replies(article_service: QAService, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The replies with all work done on the asker's thread (nothing started ahead)."""
    with monkeypatch.context() as patch:
        patch.setattr(compose_module, "work_ahead", _no_work_ahead)
        return _replies(article_service)


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[list[Extracted] | None]:
    """What each reply's readings took from the worker (None: they were read on the asker's thread)."""
    seen: list[list[Extracted] | None] = []
    original = readings_module.outcome

    def outcome(future: Any, what: str) -> Any:
        seen.append(original(future, what))
        return seen[-1]

    monkeypatch.setattr(readings_module, "outcome", outcome)
    return seen


def test_replies_read_ahead_are_the_replies_read_inline(
    article_service: QAService, inline_replies: list[dict[str, Any]], taken: list[list[Extracted] | None]
) -> None:
    assert article_service.settings.threads >= 2
    assert _replies(article_service) == inline_replies
    assert sum(t is not None for t in taken) >= len(QUESTIONS) // 2  # the early readings were used
    assert any(r["short_answer"] for r in inline_replies)  # and they gave short answers


def test_the_early_readings_are_the_inline_readings_of_their_sentences_only(article_service: QAService) -> None:
    catalog, settings = article_service.catalog, article_service.settings
    question = QUESTIONS[0]
    intent = read(question)
    query = make_query(question, article_service.encoder.encode([question])[0])
    hits, _ = retrieve(query, catalog, settings)
    found = ordered(question, intent.qtype, query, hits, catalog, settings)
    readings = Readings.of_first(question, found, catalog, 3)
    ahead = start_ahead(intent, found, catalog, settings, readings)
    assert ahead is not None and ahead.readings is readings and ahead.parsing is None
    assert readings.sentences == tuple(c.sentence.index for c in found[:3])
    assert readings.future is not None and readings.future.exception(timeout=30) is None  # read on the worker
    inline = [extract_in(question, i, catalog) for i in readings.sentences]  # each read alone
    first = readings.sentences[0]
    assert readings.future.result() == inline[0]
    assert readings.best_gap(1) == inline[0].gap  # the first alone: nothing else read yet
    assert list(readings._read) == [first]
    assert readings.best_gap() == max(r.gap for r in inline)
    assert readings.of(question, readings.sentences[2], catalog) == inline[2]
    outside = next(c.sentence.index for c in found if c.sentence.index not in readings.sentences)
    assert readings.of(question, outside, catalog) is None  # another sentence: read when chosen
    assert readings.of("What else?", first, catalog) is None  # another question
    one_thread = settings.model_copy(update={"threads": 1})
    assert start_ahead(intent, found, catalog, one_thread, Readings.of_first(question, found, catalog, 3)) is None


@pytest.mark.parametrize("weights", ["packaged", "with-extractor"])
def test_a_reply_reads_what_its_abstention_and_short_answer_need(article_service: QAService, weights: str) -> None:
    catalog, settings = article_service.catalog, article_service.settings
    if weights != "packaged":  # weights that weigh the extractor's gap (tests/answer/test_refuse.py)
        settings = settings.model_copy(update={"abstention_file": DATA / "abstention" / f"{weights}.json"})
    question = TYPED[0]
    intent = read(question)
    query = make_query(question, article_service.encoder.encode([question])[0])
    hits, _ = retrieve(query, catalog, settings)
    found = ordered(question, intent.qtype, query, hits, catalog, settings)
    weighed = fitted(settings).extractor_sentences
    assert bool(weighed) == (weights != "packaged")
    readings = for_reply(intent, found, catalog, settings)
    # the abstention weighs the extractor's best gap over the first sentences; else a typed
    # question's short answer weighs the options of its sentence with its reading (the first, most often)
    assert load_ranker().extractor > 0
    assert readings is not None and len(readings.sentences) == max(weighed, 1)
    rules_only = settings.model_copy(update={"answer": settings.answer.model_copy(update={"learned_spans": False})})
    assert (for_reply(intent, found, catalog, rules_only) is None) == (not weighed)
    untyped = read(QUESTIONS[0])
    assert untyped.reading is None
    mine = for_reply(untyped, found, catalog, settings)
    assert mine is not None and len(mine.sentences) == max(weighed, 1)
    no_short = settings.model_copy(update={"answer": settings.answer.model_copy(update={"learned_short": False})})
    assert (for_reply(untyped, found, catalog, no_short) is None) == (not weighed)
    assert for_reply(untyped, [], catalog, settings) is None


def test_a_typed_questions_sentences_are_parsed_ahead(article_service: QAService) -> None:
    catalog, settings = article_service.catalog, article_service.settings
    question = "Who is the U.S. Secretary of State?"
    intent = read(question)
    query = make_query(question, article_service.encoder.encode([question])[0])
    hits, _ = retrieve(query, catalog, settings)
    found = ordered(question, intent.qtype, query, hits, catalog, settings)
    texts = [catalog.sentences[c.sentence.index].text for c in found[: load_ranker().pool]]
    nlp._cache.clear()
    ahead = start_ahead(intent, found, catalog, settings)
    assert ahead is not None and ahead.readings is None and ahead.parsing is not None
    ahead.parsing.result(timeout=30)
    ahead.parsed()
    assert all(text in nlp._cache for text in texts)


def test_failed_work_ahead_is_done_again_inline(
    article_service: QAService,
    inline_replies: list[dict[str, Any]],
    taken: list[list[Extracted] | None],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_: object) -> Extracted:
        raise RuntimeError("the session failed")

    monkeypatch.setattr(ahead_module, "extract_in", broken)  # the worker's calls only
    monkeypatch.setattr(ahead_module, "parse_all", broken)
    assert _replies(article_service) == inline_replies
    assert taken and all(t is None for t in taken)
    assert "the extractor's reading started ahead failed" in caplog.text
    assert "the parse started ahead failed" in caplog.text and "the session failed" in caplog.text


def test_work_not_started_is_done_inline_not_waited_for(
    article_service: QAService, inline_replies: list[dict[str, Any]], taken: list[list[Extracted] | None]
) -> None:
    release = threading.Event()
    busy = worker().submit(release.wait, 60)  # the worker is held by another question
    try:
        assert _replies(article_service) == inline_replies
    finally:
        release.set()
    assert busy.result() is True
    assert taken and all(t is None for t in taken)  # all queued work was dropped, none waited for


def test_questions_asked_at_once_get_the_replies_asked_one_by_one(
    article_service: QAService, inline_replies: list[dict[str, Any]]
) -> None:
    questions = [*QUESTIONS, *TYPED] * 3
    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = list(pool.map(lambda q: article_service.ask(q).to_dict(), questions))
    assert replies == inline_replies * 3
