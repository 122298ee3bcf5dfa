"""The search terms, and where they stand in a text (quotes are cut around them)."""

from __future__ import annotations

import time

from qa.retrieve.lexical import term_spans, terms, words


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


def test_apostrophes_and_hyphens_split_words() -> None:
    # as bm25s tokenizes: "Lee's" also finds "Lee", and "mid-1990s" finds "1990s" (docs/evaluation.md)
    assert words("Lee's mid-1990s plan") == ["lee", "s", "mid", "1990s", "plan"]
    assert words("Lee’s plan") == ["lee", "s", "plan"]


def test_dotted_initials_are_one_term_like_the_plain_acronym() -> None:
    # "Who is the US Secretary of State?" must match "U.S. Secretary of State": both are "us".
    assert terms("the U.S. Secretary") == terms("the US Secretary") == ["us", "secretari"]
    assert terms("the U.K. and e.g.") == ["uk", "eg"]
    assert term_spans("The U.S. Secretary") == [(4, 8, "us"), (9, 18, "secretari")]


def test_a_run_of_dotted_letters_is_read_in_linear_time() -> None:
    started = time.perf_counter()
    terms("a." * 20_000 + "ab")
    assert time.perf_counter() - started < 0.5  # the first pattern for "U.S." was quadratic: seconds
