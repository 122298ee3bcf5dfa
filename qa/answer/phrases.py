"""Widen a cut of a quoted sentence to phrase boundaries, so a quote never stops mid-phrase.

The composed reply cuts a long sentence to a window of about its share of the reply (a guide, not
a limit). A window cut between any two words can split a noun phrase ("the most unprecedented
extraordinary migratory…") or a preposition from its object ("currently in…"). Here the window is
widened outwards to the nearest places where a phrase or clause begins: after a clause mark
(qa/answer/quote.py), or before a preposition, a subordinator, a relative or question word or an
infinitive's "to" that follows the end of a noun phrase or an adverb (read from the tagger's
part-of-speech tags; the small pipeline runs without its parser). "of" binds its phrase to the
noun before it and never opens one. The quote only grows: what the window held stays quoted,
and the offsets stay exact.
"""

from __future__ import annotations

from itertools import pairwise

from qa.answer.quote import boundaries
from qa.answer.words import BINDING
from qa.nlp import tagged

# Words that open a phrase or clause of their own: prepositions and subordinators (IN), "to",
# relative and question words (not "and" / "or", which as often join two names: after a comma a
# coordinated clause begins at the comma).
_OPENERS = ("IN", "TO", "WDT", "WP", "WP$", "WRB")
# What a phrase may end with before such an opener: a noun phrase's head, a number, a pronoun, an
# adverb or a closing quote or bracket (not a verb or participle: "agreed | to", "compared | to"
# split a verb from its complement, nor an article or adjective: "the | for", "free | of").
_ENDS = ("NN", "NNS", "NNP", "NNPS", "CD", "PRP", "RB", "RBR", "''", "-RRB-", "POS")


def phrase_boundaries(text: str) -> list[int]:
    """Offsets where a phrase or clause of `text` may begin (0 and len(text) included)."""
    cuts = set(boundaries(text))
    for before, word in pairwise(tagged(text)):
        if word.tag_ in _OPENERS and word.lower_ not in BINDING and before.tag_ in _ENDS:
            cuts.add(word.idx)
    return sorted(cuts)


def phrase_window(text: str, lo: int, hi: int) -> tuple[int, int]:
    """The window `lo`..`hi` of `text`, widened to phrase boundaries (unchanged when it is whole)."""
    if lo <= 0 and hi >= len(text):
        return 0, len(text)
    cuts = phrase_boundaries(text)
    start = max(c for c in cuts if c <= lo)
    end = min(c for c in cuts if c >= hi)
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or (end < len(text) and text[end - 1] in ",;:")):
        end -= 1
    return start, end
