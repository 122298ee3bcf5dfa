"""The short answer inside a sentence: entity type, nearness to the question's words, units."""

from __future__ import annotations

import qa  # noqa: F401  (offline environment first)
from qa.answer.span import short_answer_span, span_options

SEASON = "In 2015 Newton threw for one touchdown in the opener and 3,837 yards over the season."


def _short(question: str, qtype: str, sentence: str) -> str | None:
    span = short_answer_span(question, qtype, sentence)  # type: ignore[arg-type]
    return sentence[span.start : span.end] if span else None


def test_the_counted_unit_wins_even_inside_the_entity() -> None:
    # "one" stands nearer the question's words, but only "3,837 yards" counts yards.
    assert _short("How many yards did Newton throw for in 2015?", "how many", SEASON) == "3,837 yards"


def test_entities_the_question_names_are_never_the_answer() -> None:
    options = span_options("When did Newton throw for 3,837 yards?", "when", SEASON)
    found = {SEASON[o.start : o.end] for o in options}
    assert "2015" in found
    assert all("3,837" not in f for f in found)


def test_region_questions_prefer_a_region_to_a_country() -> None:
    sentence = "Rubio's announcement came during his visit to Central America, including El Salvador."
    assert _short("Which region was Rubio touring?", "where", sentence) == "Central America"


def test_no_fitting_entity_means_no_span() -> None:
    assert _short("How many prisons are there?", "how many", "The prison is the country's largest.") is None
