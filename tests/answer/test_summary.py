"""'Summarize the article': the opening sentences of the matching document, quoted and cited."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from qa.answer.quoting import own_length
from qa.answer.summary import wants_summary
from qa.service import QAService


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Summarize the article", True),
        ("Can you sum up the story?", True),
        ("What is the article about?", True),
        ("What does the document say?", True),
        ("Give me a quick overview", True),
        ("What are the main points?", True),
        ("tl;dr", True),
        # something in the article, not the article as a whole
        ("What does the article say about US citizens?", False),
        ("What is CECOT?", False),
        ("What did Rubio say?", False),
        ("Who gave an overview of the plan?", False),
        ("What was the summary judgment about?", False),
        ("What is the news about Bukele?", False),
        ("What is the document about CECOT?", False),
    ],
)
def test_a_summary_request_asks_about_the_whole_document(question: str, asks: bool) -> None:
    assert wants_summary(question) is asks


def test_the_summary_quotes_the_opening_of_the_article(article_service: QAService) -> None:
    answer = article_service.ask("Summarize the article")
    assert not answer.abstained
    assert answer.text.startswith("U.S. Secretary of State Marco Rubio said El Salvador’s president offered")
    assert own_length(answer.text) <= article_service.settings.answer_chars
    text = article_service.document(answer.citations[0].doc).text
    # the first character of the article (after its front matter, read as line breaks)
    assert answer.citations[0].start == len(text) - len(text.lstrip())
    for c in answer.citations:  # every quote is the document's own words, where it says
        assert text[c.start : c.end] == c.quote
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))


def test_the_summary_is_of_the_document_the_request_names(fresh: Callable[..., QAService]) -> None:
    service = fresh()
    corpus = service.settings.corpus_dir
    (corpus / "ferry.txt").write_text(
        "The Inchmurrin ferry will stop running in winter, the island council said on Monday.\n"
        "Tickets for the last summer crossings cost nine pounds.\n",
        encoding="utf-8",
    )
    (corpus / "bakery.txt").write_text(
        "The Lindgren bakery on Mill Lane has won the county's bread prize for a third year.\n"
        "Its rye loaf is baked by Oskar Brandt every morning at four.\n",
        encoding="utf-8",
    )
    service.sync(show_bar=False)
    answer = service.ask("Summarize the story about the bakery")
    assert {c.doc for c in answer.citations} == {"bakery.txt"}
    assert answer.text.startswith("The Lindgren bakery on Mill Lane has won")
    assert "Oskar Brandt" in answer.text
