"""Numbers in a sentence, and what a how-many question counts.

The unit a question counts in, which kind of number answers it first (a length of time, a share, a
sum of money, a size), the words that qualify a number ("more than", "about"), and the filters
that keep or drop capacities and amounts of money: the rules of counting, apart from the option
machinery that calls them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qa.answer.tokens import Span, token_at
from qa.answer.words import CURRENCY, DURATION_WORDS, MONEY_ASKED, QUALIFIER_PAIRS, QUALIFIERS, SIZE_WORDS

if TYPE_CHECKING:
    from spacy.tokens import Doc


_HOW_MANY_UNIT = re.compile(r"\bhow (?:many|much)\s+([a-z]+)")


def counted_unit(question: str) -> str | None:
    """The counted thing in "how many kilometers ...", singular, compared by its first five letters
    (so "yards" finds "39-yard", "kgs" finds "kg", "kilometers" finds "kilometres")."""
    match = _HOW_MANY_UNIT.search(question.lower())
    if not match:
        return None
    word = match.group(1)
    word = word[:-2] if word.endswith(("ches", "shes", "xes")) else word[:-1] if word.endswith("s") else word
    return word[:5]


def followed_by(doc: Doc, end: int, unit: str) -> bool:
    """The unit follows within two tokens ("39-yard", "ten days"), with no other number between."""
    for token in doc[end : end + 2]:
        if token.text.lower().startswith(unit):
            return True
        if token.like_num:
            return False
    return False


# What a how-many question measures decides which kind of number answers it first.
_MEASURES: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(rf"\bhow (?:{DURATION_WORDS})\b"), ("DATE", "TIME", "QUANTITY", "CARDINAL")),
    (re.compile(r"\bpercent|\bpercentage\b"), ("PERCENT", "CARDINAL")),
    (MONEY_ASKED, ("MONEY", "CARDINAL")),
    (re.compile(rf"\bhow (?:{SIZE_WORDS})\b"), ("QUANTITY", "CARDINAL")),
]


def qualified(
    doc: Doc,
    start: int,
    words: frozenset[str] = QUALIFIERS,
    pairs: frozenset[tuple[str, str]] = QUALIFIER_PAIRS,
) -> int:
    """The start of a number moved back over the word (or two) that qualifies it."""
    if start >= 2 and (doc[start - 2].lower_, doc[start - 1].lower_) in pairs:
        return start - 2
    if start >= 1 and doc[start - 1].lower_ in words:
        return start - 1
    return start


def capacities(doc: Doc, options: list[Span]) -> list[Span]:
    """The options that are not a capacity: no "capacity of" right before them (qualifiers such as
    "up to" aside). "filled to capacity, with 70,000 fans" still counts the fans."""
    kept = []
    for option in options:
        first = token_at(doc, option.start)
        while (before := qualified(doc, first)) != first:
            first = before
        if not (first >= 2 and doc[first - 1].lower_ == "of" and doc[first - 2].lower_ == "capacity"):
            kept.append(option)
    return kept


def amounts(doc: Doc, options: list[Span]) -> list[Span]:
    """The options that are amounts of money: tagged so, or a number with a currency sign or word
    in or right after it."""

    def money(span: Span) -> bool:
        found = doc.char_span(span.start, span.end, alignment_mode="expand")
        if found is None:
            return False
        near = doc[max(found.start - 1, 0) : found.end + 1]  # "CHF 300", "300 dollars"
        return any(t.ent_type_ == "MONEY" or t.is_currency or t.lower_ in CURRENCY for t in near)

    return [o for o in options if money(o)]


def how_many_preference(question: str, default: tuple[str, ...]) -> tuple[str, ...]:
    lowered = question.lower()
    for pattern, preferred in _MEASURES:
        if pattern.search(lowered):
            return preferred + tuple(label for label in default if label not in preferred)
    return default
