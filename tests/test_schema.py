"""The typed objects round-trip through JSON, and refuse what is not one of them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qa.schema import Answer, Citation


def _answer() -> Answer:
    cited = Citation(1, "a.txt", 4, 10, "quoted", "The quoted part.", 0, 16, 0.75, span_start=0, span_end=6)
    related = Citation(2, "b.pdf", 0, 5, "other", "other words", 0, 11, 0.1, page=3)
    return Answer("Who?", "Someone — quoted [1]", [cited], short_answer="Someone", passages=[related])


def test_an_answer_comes_back_from_its_json_unchanged() -> None:
    answer = _answer()
    assert Answer.from_dict(json.loads(json.dumps(answer.to_dict()))) == answer
    refused = Answer("Why?", "not found", abstained=True, resolved_question="Why is it?")
    assert Answer.from_dict(refused.to_dict()) == refused


@pytest.mark.parametrize(
    "change",
    [
        {"answer": None},
        {"question": 3},
        {"short_answer": ["a"]},
        {"citations": "none"},
        {"citations": [{"n": 1}]},
        {"citations": [{**_answer().citations[0].to_dict(), "start": "4"}]},
        {"passages": [{**_answer().passages[0].to_dict(), "page": 2.5}]},
        {"citations": [{**_answer().citations[0].to_dict(), "quote": None}]},
        {"citations": [{**_answer().citations[0].to_dict(), "score": float("nan")}]},
        {"citations": [{**_answer().citations[0].to_dict(), "score": True}]},
        {"abstained": "false"},  # not read as true
    ],
)
def test_what_is_not_an_answer_is_refused(change: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Answer.from_dict({**_answer().to_dict(), **change})
    with pytest.raises(ValueError):
        Answer.from_dict(["not", "an", "object"])
