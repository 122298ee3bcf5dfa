"""What kind of answer a question wants, from its wording."""

from __future__ import annotations

import re
from typing import Literal

QuestionType = Literal["who", "when", "where", "how many", "what", "other"]

_WHICH = r"\b(what|which) (?:\w+ )?(?:{})\b"
_PATTERNS: list[tuple[QuestionType, re.Pattern[str]]] = [
    (
        "how many",
        re.compile(
            r"\bhow (many|much|long|far|old|large|big|tall|high|often)\b"
            + "|"
            + _WHICH.format("number|percentage|percent|amount")
        ),
    ),
    (
        "when",
        re.compile(r"\bwhen\b|" + _WHICH.format("year|date|day|month|time|century|decade|period|era")),
    ),
    (
        "where",
        re.compile(r"\bwhere\b|" + _WHICH.format("city|country|state|place|region|location|town|continent|island")),
    ),
    (
        "who",
        re.compile(
            r"\bwho(m|se)?\b|"
            + _WHICH.format("person|people|man|woman|groups?|teams?|compan(?:y|ies)|organi[sz]ations?|player|president")
        ),
    ),
    ("what", re.compile(r"\bwhat\b|\bwhich\b")),
]

# spaCy entity labels that can answer each type.
ENTITY_LABELS: dict[QuestionType, frozenset[str]] = {
    "who": frozenset({"PERSON", "ORG", "NORP", "GPE"}),
    "when": frozenset({"DATE", "TIME"}),
    "where": frozenset({"GPE", "LOC", "FAC", "ORG"}),
    "how many": frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT", "DATE", "TIME"}),
}


_YES_NO = re.compile(r"^\s*(is|are|was|were|do|does|did|can|could|would|will|should|has|have|had)\b")
# "When B cells replicate, what do ...": a leading clause that sets the scene, not the question.
_LEADING_CLAUSE = re.compile(r"^\s*(?:when|if|while|after|before|once|since|during|in|for|as)\b[^,?]*,\s*(?=\S)")


def question_type(question: str) -> QuestionType:
    """The answer type; a yes/no question ("Would ... who ...?") wants no entity."""
    lowered = question.lower()
    if _YES_NO.match(lowered):
        return "other"
    rest = _LEADING_CLAUSE.sub("", lowered, count=1)
    if rest != lowered and any(p.search(rest) for _, p in _PATTERNS):
        lowered = rest
    # The first question word decides ("Who was president when ..."; "... primes whose ..." is
    # a relative clause of a what-question); at the same place the more specific pattern wins.
    found = [(m.start(), i, kind) for i, (kind, p) in enumerate(_PATTERNS) if (m := p.search(lowered))]
    return min(found)[2] if found else "other"
