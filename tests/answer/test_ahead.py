"""Work started on a worker thread while the reader has its say (the extractor's reading, the
parse of typed questions' sentences): the real extractor, reader, parser and index of the
article. The replies must be exactly those of the same work done on the asker's thread, whatever
happens to the work started ahead."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest

import qa.answer.ahead as ahead_module
import qa.answer.compose as compose_module
import qa.nlp as nlp
from qa.answer.ahead import Ahead, start_ahead
from qa.answer.extract import Extracted
from qa.answer.extracted import extract_in
from qa.answer.intent import read
from qa.answer.order import ordered
from qa.answer.rank import load_ranker
from qa.retrieve.hybrid import make_query, retrieve
from qa.service import QAService

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
def taken(monkeypatch: pytest.MonkeyPatch) -> list[Extracted | None]:
    """What each `Ahead.take` gave the asker (None: it read the sentence itself)."""
    seen: list[Extracted | None] = []
    original = Ahead.take

    def take(self: Ahead, question: str, sentence: int, catalog: Any) -> Extracted | None:
        seen.append(original(self, question, sentence, catalog))
        return seen[-1]

    monkeypatch.setattr(Ahead, "take", take)
    return seen


def test_replies_read_ahead_are_the_replies_read_inline(
    article_service: QAService, inline_replies: list[dict[str, Any]], taken: list[Extracted | None]
) -> None:
    assert article_service.settings.threads >= 2
    assert _replies(article_service) == inline_replies
    assert sum(t is not None for t in taken) >= len(QUESTIONS) // 2  # the early readings were used
    assert any(r["short_answer"] for r in inline_replies)  # and they gave short answers


def test_the_early_reading_is_the_inline_reading_of_its_sentence_only(article_service: QAService) -> None:
    catalog, settings = article_service.catalog, article_service.settings
    question = QUESTIONS[0]
    intent = read(question)
    query = make_query(question, article_service.encoder.encode([question])[0])
    hits, _ = retrieve(query, catalog, settings)
    found = ordered(question, intent.qtype, query, hits, catalog, settings)
    ahead = start_ahead(intent, found, catalog, settings)
    assert ahead is not None and ahead.reading is not None and ahead.parsing is None
    sentence = ahead.reading.sentence
    assert sentence == found[0].sentence.index
    assert ahead.reading.future.exception(timeout=30) is None  # done (one not started yet is dropped)
    other = found[1].sentence.index
    assert ahead.take(question, other, catalog) is None  # another sentence: read inline
    assert ahead.take("What else?", sentence, catalog) is None  # another question
    assert ahead.take(question, sentence, catalog) == extract_in(question, sentence, catalog)
    one_thread = settings.model_copy(update={"threads": 1})
    assert start_ahead(intent, found, catalog, one_thread) is None  # nothing to run beside the reader


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
    assert ahead is not None and ahead.reading is None and ahead.parsing is not None
    assert ahead.take(question, found[0].sentence.index, catalog) is None  # the rules answer it
    ahead.parsing.result(timeout=30)
    ahead.parsed()
    assert all(text in nlp._cache for text in texts)


def test_failed_work_ahead_is_done_again_inline(
    article_service: QAService,
    inline_replies: list[dict[str, Any]],
    taken: list[Extracted | None],
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
    article_service: QAService, inline_replies: list[dict[str, Any]], taken: list[Extracted | None]
) -> None:
    release = threading.Event()
    busy = ahead_module._worker().submit(release.wait, 60)  # the worker is held by another question
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
