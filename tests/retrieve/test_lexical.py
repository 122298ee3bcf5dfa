"""The search terms, and where they stand in a text (quotes are cut around them)."""

from __future__ import annotations

from qa.retrieve.lexical import term_spans, terms


def test_term_spans_give_the_terms_and_their_places() -> None:
    text = "El Salvador’s President offered to house 40,000 inmates in the prisons of CECOT."
    spans = term_spans(text)
    assert [term for _, _, term in spans] == terms(text)  # the same terms, stop words dropped
    assert [text[start:end] for start, end, _ in spans] == [
        "El",
        "Salvador",
        "President",
        "offered",
        "house",
        "40",
        "000",
        "inmates",
        "prisons",
        "CECOT",
    ]
    assert term_spans("the of and") == []
