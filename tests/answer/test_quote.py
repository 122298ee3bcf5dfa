"""Quotes are cut only between clauses or phrases, never inside one."""

from __future__ import annotations

import pytest

from qa.answer.quote import boundaries, clause_window

SENTENCE = (
    "The minister agreed “to the most unusual agreement anywhere in the world,” the envoy told reporters, "
    "offering to take travellers of any nationality, be they sailors or pilots, in exchange for a fee that "
    "would be low for the capital but large for the island."
)


def test_a_sentence_that_fits_is_quoted_whole() -> None:
    assert clause_window(SENTENCE, len(SENTENCE), None) == (0, len(SENTENCE))


@pytest.mark.parametrize("budget", [60, 90, 120, 160, 200])
def test_a_cut_falls_on_a_clause_boundary_and_keeps_the_focus(budget: int) -> None:
    focus = (SENTENCE.index("fee"), SENTENCE.index("fee") + 3)
    lo, hi = clause_window(SENTENCE, budget, focus)
    assert lo <= focus[0] and focus[1] <= hi
    cuts = boundaries(SENTENCE)
    # each end is a boundary, give or take the space and the comma a cut leaves out
    assert any(abs(lo - c) <= 1 for c in cuts) and any(0 <= c - hi <= 1 for c in cuts)
    assert not SENTENCE[lo].isspace() and SENTENCE[hi - 1] not in " ,;:"


def test_a_quotation_is_never_split_at_its_inner_comma() -> None:
    lo, hi = clause_window(SENTENCE, 40, None)
    assert SENTENCE[lo:hi].endswith("the envoy told reporters")  # the whole first clause, though longer


def test_or_and_and_inside_a_list_are_no_boundaries() -> None:
    assert not any(SENTENCE[c:].startswith(("or pilots", "pilots")) for c in boundaries(SENTENCE))
