"""What kind of answer a question wants, from its wording."""

from __future__ import annotations

import re
from typing import Literal

from qa.answer.words import (
    COUNT_NOUNS,
    DOCUMENT,
    HOW_MUCH,
    LEADS_IN,
    MEASURE_NOUNS,
    PERSON_NOUNS,
    PLACE_NOUNS,
    TIME_NOUNS,
)
from qa.retrieve.lexical import terms

QuestionType = Literal["who", "when", "where", "how many", "what", "other"]

_SOURCE = rf"(?:according\s+to|in|from|based\s+on)\s+{DOCUMENT}"
_ABOUT_DOCUMENT = re.compile(
    rf"^\s*{_SOURCE}\s*,\s*"  # "According to the text, how much ...?"
    rf"|(?P<inside>\s*,\s*{_SOURCE}\s*,\s*)"  # "Who, according to the text, caused ...?"
    rf"|\s*,?\s+{_SOURCE}(?=\s*[?.!]*\s*$)",  # "Who is the Secretary of State in this story?"
    re.IGNORECASE,
)


def without_document_words(question: str) -> str:
    """The question without the words that point at the document ("in this story"): every answer
    comes from the documents, and those words only pull retrieval and short answers off ("Who is
    the mayor in this story?" answered with a place the story's sentences name). A story inside the
    text stays ("the women in the story from the book of Exodus"), and so does a question that
    would be left with nothing to ask ("What is in this article?")."""
    stripped = _ABOUT_DOCUMENT.sub(lambda m: " " if m.group("inside") else "", question).strip()
    if not terms(stripped):
        return question
    return stripped[:1].upper() + stripped[1:]


_WHICH = r"\b(what|which) (?:\w+ )?(?:{})\b"
_PATTERNS: list[tuple[QuestionType, re.Pattern[str]]] = [
    (
        "how many",
        re.compile(
            rf"\bhow ({HOW_MUCH})\b"
            + "|"
            + _WHICH.format(COUNT_NOUNS)
            + r"|\bwhat (?:is|was|are|were) (?:the|its|their) (?:\w+ )?"
            + rf"(?:{MEASURE_NOUNS})\b"
        ),
    ),
    (
        "when",
        re.compile(r"\bwhen\b|" + _WHICH.format(TIME_NOUNS)),
    ),
    (
        "where",
        re.compile(r"\bwhere\b|" + _WHICH.format(PLACE_NOUNS)),
    ),
    (
        "who",
        re.compile(r"\bwho(m|se)?\b|" + _WHICH.format(PERSON_NOUNS)),
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
# The question types whose reply leads with a short answer (a name, a date, a place, a number).
TYPED: tuple[QuestionType, ...] = tuple(ENTITY_LABELS)


_YES_NO = re.compile(r"^\s*(is|are|was|were|do|does|did|can|could|would|will|should|has|have|had)\b")
# "When B cells replicate, what do ...": a leading clause that sets the scene, not the question.
_LEADING_CLAUSE = re.compile(r"^\s*(?:when|if|while|after|before|once|since|during|in|for|as)\b[^,?]*,\s*(?=\S)")


def yes_or_no(question: str) -> bool:
    """Whether the question opens with an auxiliary verb ("Did ...?", "Is ...?"): its answer is
    yes or no, not words of a sentence."""
    return bool(_YES_NO.match(question.lower()))


def question_type(question: str) -> QuestionType:
    """The answer type; a yes/no question ("Would ... who ...?") wants no entity."""
    lowered = question.lower()
    if yes_or_no(question):
        return "other"
    rest = _LEADING_CLAUSE.sub("", lowered, count=1)
    if rest != lowered and any(p.search(rest) for _, p in _PATTERNS):
        lowered = rest
    # The first question word decides ("Who was president when ..."), at the same place the more
    # specific pattern; one that opens a relative clause ("the area where ...", "primes whose ...")
    # only when no other question word is there.
    found = [(m.start(), i, kind) for i, (kind, p) in enumerate(_PATTERNS) for m in p.finditer(lowered)]
    asked = [f for f in found if not _relative(lowered, f[0])]
    if not asked:  # only relative clauses ("How do you avoid problems when ..."), unless one ends it
        asked = [f for f in found if _ENDS_QUESTION.match(lowered, f[0])]
    return min(asked)[2] if asked else "other"


_ENDS_QUESTION = re.compile(r"\w+\W*$")
_RELATIVE = re.compile(r"(?:where|when|who|whom|whose|which)\b")
_WORD_OR_COMMA = re.compile(r"[\w']+|,")


def _relative(lowered: str, start: int) -> bool:
    """A question word right after a noun or verb ("the area where", "someone who") opens a clause."""
    if not _RELATIVE.match(lowered, start):
        return False
    previous = _WORD_OR_COMMA.findall(lowered, 0, start)
    return bool(previous) and previous[-1] not in LEADS_IN
