"""The special replies' registry: tried in order on the real article index, the first that
applies and answers wins, and a question none answers goes to the composed answer."""

from __future__ import annotations

import pytest

from qa.answer.intent import read
from qa.retrieve.hybrid import make_query, retrieve
from qa.schema import Answer
from qa.service import QAService
from qa.service.replies import REPLIES, Asked, special_reply


def _special(service: QAService, question: str) -> Answer | None:
    """The special reply to `question`, retrieved as the service retrieves it."""
    query = make_query(question, service.encoder.encode([question])[0])
    hits, _ = retrieve(query, service.catalog, service.settings)
    return special_reply(Asked(read(question), hits, service.catalog), service)


def test_the_registry_is_tried_in_this_order() -> None:
    assert [h.name for h in REPLIES] == ["summary", "inventory", "who said what"]


@pytest.mark.parametrize(
    ("question", "handler"),
    [
        ("Summarize the article", "summary"),
        ("Which countries are mentioned?", "inventory"),
        ("Who made which offer?", "who said what"),
        ("What did Rubio say about the offer?", "who said what"),
    ],
)
def test_each_special_question_applies_to_its_own_handler_only(question: str, handler: str) -> None:
    assert [h.name for h in REPLIES if h.applies(read(question))] == [handler]


def test_a_special_question_gets_its_reply_as_the_service_gives_it(article_service: QAService) -> None:
    for question in ("Summarize the article", "Which countries are mentioned?", "Who made which offer?"):
        reply = _special(article_service, question)
        assert reply is not None and reply.citations
        assert reply.text == article_service.ask(question).text
    assert (listed := _special(article_service, "Which countries are mentioned?")) is not None
    assert listed.text.startswith("Countries named")


def test_a_question_no_handler_answers_goes_to_the_composed_answer(article_service: QAService) -> None:
    question = "How many inmates can CECOT hold?"
    assert not any(h.applies(read(question)) for h in REPLIES)
    assert _special(article_service, question) is None
    answer = article_service.ask(question)
    assert not answer.abstained and answer.short_answer  # the composed answer leads with a number
