"""Headings inside an article: quoted maybe, but a statement leads the reply and gives the short answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from qa.answer.headings import is_heading
from qa.service import QAService

FERRY = """---
title: Kellmouth council approves a ferry route to Skerry Island
---

The Kellmouth council approved a new ferry route to Skerry Island on Tuesday, after two years without a crossing.
The route will be run by Northwind Ferries from the first week of June, with three crossings a day.

Island Ferry Fares For Residents And Visitors

A single ticket will cost 4 pounds for adults visiting the island, the council said.
People who live on Skerry Island will travel free on weekdays and pay half price at weekends.

Criminal Gangs Blamed For Harbour Thefts

Police said two groups, the Dock Street Crew and the Red Anchor Boys, had stolen outboard engines from the harbour.
"""


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        ("Criminal Gangs Blamed For Harbour Thefts", True),
        ("Legal Challenges With Deporting ‘Violent’ American Criminals to El Salvador", True),
        ("What Comes Next for the Port", True),
        ("“We Will Not Pay,” Says Mayor", True),  # a headline quoting someone is still one
        # statements: ended like a sentence, or written in sentence case
        ("Police Blamed Two Gangs For The Thefts.", False),
        ("Gangs were blamed for the thefts", False),
        ("Thefts", False),  # one word: a label, not a heading to pass over
    ],
)
def test_a_heading_is_a_short_title_case_line_without_an_ending(text: str, heading: bool) -> None:
    assert is_heading(text) is heading


@pytest.mark.parametrize(
    ("question", "lead", "short"),
    [
        ("Which criminal gangs were blamed?", "Police said two groups", None),
        ("Which criminal groups does the article name?", "Police said two groups", "the Dock Street Crew"),
        ("How much will the ferry fare cost for visitors?", "A single ticket will cost 4 pounds", "4 pounds"),
    ],
)
def test_a_statement_leads_the_reply_not_the_heading_above_it(
    fresh: Callable[..., QAService], kit: Any, question: str, lead: str, short: str | None
) -> None:
    answer = kit.indexed(fresh(), {"ferry.txt": FERRY}).ask(question)
    assert not answer.abstained
    assert answer.citations[0].quote.startswith(lead), answer.text
    if short is not None:
        assert answer.short_answer is not None and answer.short_answer.startswith(short), answer.text
    # the heading, shorter and sharing the question's words, is never the short answer's source
    assert not is_heading(answer.citations[0].quote)
