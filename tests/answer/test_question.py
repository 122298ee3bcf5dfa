"""The answer type a question asks for, read from its wording."""

from __future__ import annotations

import pytest

from qa.answer.question import question_type, without_document_words


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who is the president of El Salvador?", "who"),
        ("When was the agreement signed?", "when"),
        ("In what year did the war end?", "when"),
        ("Where is the prison?", "where"),
        ("Which region was Rubio touring?", "where"),
        ("How many inmates can it hold?", "how many"),
        ("What is the capacity of CECOT?", "how many"),
        ("What is its capacity?", "how many"),  # a follow-up about something named before
        ("What was the population of Warsaw in 1939?", "how many"),
        ("Which NFL team won Super Bowl 50?", "who"),
        ("What did Bukele offer?", "what"),
        ("Would El Salvador take legal residents?", "other"),
        # The first question word decides, not a relative or later clause.
        ("Who was president when the war began?", "who"),
        ("What does someone who finishes the course get?", "what"),
        ("What is the name of the conjecture about primes whose difference is 2?", "what"),
        # A relative "where" or "who" after a noun is not what is asked, unless nothing else is.
        ("The area where Jacksonville sits has been inhabited for how many years?", "how many"),
        ("Rocks at a depth where they are stretched are often what?", "what"),
        ("Civil disobedience can occur when people speak about what topic?", "what"),
        ("How do you avoid problems when measuring forces?", "other"),
        ("The talks took place where?", "where"),
        # A leading clause sets the scene; the question comes after the comma.
        ("When B cells begin to replicate, what do some of their offspring become?", "what"),
        ("If the court rules against him, who enforces the ruling?", "who"),
        # A leading clause with no question word after it is the question itself.
        ("When, exactly, did the talks start?", "when"),
    ],
)
def test_question_type(question: str, kind: str) -> None:
    assert question_type(question) == kind


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Who is the US Secretary of State in this story?", "Who is the US Secretary of State?"),
        ("According to the text, how much money was raised?", "How much money was raised?"),
        ("Who, according to the article, caused the fumble?", "Who caused the fumble?"),
        ("What gangs are mentioned in the news article?", "What gangs are mentioned?"),
        # a story inside the text, and a question left with nothing to ask, stay as they are
        ("Who defied the pharaoh in the story from the book of Exodus?", None),
        ("What is in this article?", None),
        ("Who wrote the article?", None),
    ],
)
def test_words_pointing_at_the_document_are_left_out(question: str, asked: str | None) -> None:
    assert without_document_words(question) == (asked or question)
