"""Quotes of the composed reply end where a phrase does: widened, never cut inside a phrase."""

from __future__ import annotations

import pytest

from qa.answer.phrases import phrase_boundaries, phrase_window
from qa.service import QAService

SURVEY = "The inspectors found three cracked beams in the north tower during the spring survey of the port."


def _window(text: str, start: str, end: str) -> str:
    """The text `phrase_window` quotes for a word window from `start` to the end of `end`."""
    lo = text.index(start)
    hi = text.index(end, lo) + len(end)
    a, b = phrase_window(text, lo, hi)
    assert a <= lo and b >= hi  # only ever widened
    return text[a:b]


@pytest.mark.parametrize(
    ("start", "end", "quoted"),
    [
        # a noun phrase is finished, up to the next preposition
        ("The", "three cracked", "The inspectors found three cracked beams"),
        # a preposition keeps its object
        ("The", "beams in the", "The inspectors found three cracked beams in the north tower"),
        # "of" binds its phrase to the noun before it: "the spring survey of the port" is one phrase
        ("during", "the spring survey", "during the spring survey of the port."),
        # a window starting inside a phrase starts where that phrase does
        ("north", "tower", "in the north tower"),
    ],
)
def test_a_window_grows_to_whole_phrases(start: str, end: str, quoted: str) -> None:
    assert _window(SURVEY, start, end) == quoted


def test_a_verb_keeps_its_complement_and_names_joined_by_or_stay_together() -> None:
    text = "Officials agreed to the most ambitious harbour plan, naming Port Alder or Kell Bay as the site."
    cuts = phrase_boundaries(text)
    assert text.index("to the") not in cuts  # "agreed | to" would split the verb from what it agreed to
    assert text.index("or Kell") not in cuts  # two names joined by "or" are one phrase
    assert text.index(", naming") + 1 in cuts  # after a comma a new phrase may begin
    assert phrase_window(text, 0, len(text)) == (0, len(text))


@pytest.mark.parametrize(
    ("question", "whole"),
    [
        # were cut mid-phrase: "including “dangerous”…" and "with El…"
        ("Who is the president of El Salvador?", "“dangerous” American criminals currently incarcerated"),
        ("Which region was Rubio touring?", "with El Salvador’s foreign minister"),
        ("Which criminal groups were mentioned by name?", "MS-13 or Tren de Aragua"),
    ],
)
def test_composed_quotes_end_at_phrase_boundaries(article_service: QAService, question: str, whole: str) -> None:
    answer = article_service.ask(question)
    assert not answer.abstained and whole in answer.text
    for c in answer.citations:
        assert article_service.document(c.doc).text[c.start : c.end] == c.quote  # exact offsets
