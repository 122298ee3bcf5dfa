"""Titles and roles on sentences written for the test: what a sentence says someone is, and who
holds a role it names."""

from __future__ import annotations

import pytest

import qa  # noqa: F401  (offline environment first)
from qa.answer.roles import descriptions
from qa.answer.span import short_answer_span
from qa.nlp import parse


@pytest.mark.parametrize(
    ("name", "sentence", "described"),
    [
        # an apposition after the name
        (
            "Ann Lee",
            "Ann Lee, a law professor at Alder College, said the plan was unlawful.",
            ["a law professor at Alder College"],
        ),
        # the title in front of it; a surname is read as the whole name the sentence gives
        ("Lee", "Alder College professor Ann Lee called the plan bizarre.", ["Alder College professor"]),
        ("Reed", "Harbour Commissioner Tom Reed announced the deal on Monday.", ["Harbour Commissioner"]),
        # an apposition before it
        ("Bolesław II", "The Prince of Płock, Bolesław II, was crowned.", ["The Prince of Płock"]),
        # a word inside a place's name is no person's
        ("Alder", "The ferry to Port Alder left at noon.", []),
    ],
)
def test_descriptions_are_how_the_sentence_describes_the_name(name: str, sentence: str, described: list[str]) -> None:
    assert [sentence[d.start : d.end] for d in descriptions(name, parse(sentence))] == described


def _who(question: str, sentence: str) -> str | None:
    span = short_answer_span(question, "who", sentence)
    return sentence[span.start : span.end] if span else None


@pytest.mark.parametrize(
    ("question", "sentence", "holder"),
    [
        # the role is the nearer person's, not the one who reports it
        ("Who is the mayor?", "Mayor Ann Lee opened the new pier on Monday, Tom Reed said.", "Ann Lee"),
        # the option's person only says what the role's holder did
        ("Who is the mayor?", "Tom Reed said the mayor offered to pay for the pier.", None),
        # the role is the object of a preposition: the sentence's person does not hold it
        ("Who is the foreign minister?", "Tom Reed signed an agreement with Chile’s foreign minister.", None),
        # a country holds no one's office
        ("Who is the president of Chile?", "Chile’s president offered to take the migrants from Peru.", None),
        ("Who is the president of Chile?", "President Ana Soto of Chile offered to take the migrants.", "Ana Soto"),
    ],
)
def test_a_role_is_held_only_by_the_person_the_sentence_gives_it(
    question: str, sentence: str, holder: str | None
) -> None:
    assert _who(question, sentence) == holder
