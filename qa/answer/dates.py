"""Dates and times in a sentence, and the shape of date a when-question wants.

Years and time clauses the tagger leaves untagged, the words around a date that belong to it (an
era, a qualifier, a named weekday), the shapes a question asks for (a year, a month, a weekday, a
century) and the check that an answer to such a question holds one: the rules of when, apart from
the option machinery that calls them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qa.answer.tokens import Span, option
from qa.answer.words import CALENDAR_WORDS, DAY_NAMES, ERAS, MONTHS, TIME_OPENERS, WEEKDAYS

if TYPE_CHECKING:
    from spacy.tokens import Doc


# Years the tagger calls numbers ("Ögedei (1189—1241)"), ages ago ("3.5 billion years ago", a MONEY
# to it) and a time given as a clause ("while a child was in school"): when-answers with no DATE.
YEARS = re.compile(
    r"\b(?:1[0-9]{3}|20[0-9]{2})s?(?:\s?[–—-]\s?(?:1[0-9]{3}|20[0-9]{2}|[0-9]{2})\b)?\b"  # 1919, 1920–1999
    r"|(?:about |around )?\b[0-9][0-9.,–-]*(?: (?:thousand|million|billion))? years ago\b"  # 3.5 billion years ago
)
_TIME_CLAUSE = re.compile(
    # a period inside the sentence ("the U.S. Secretary") does not end the clause
    rf"\b(?:{TIME_OPENERS})\b(?:[^,;:.()\"“”]|\.(?=\s?\w)){{3,80}}",
    re.IGNORECASE,
)

_PHRASE_START = re.compile(r" (?:with|for|of|at|in|to|from|by|on|as|and) ")


def era(doc: Doc, end: int) -> int:
    """A date's end moved over the era after it: "the 2nd century BCE"."""
    return end + 1 if end < len(doc) and doc[end].text in ERAS else end


def calendar_day(doc: Doc, start: int, end: int) -> int:
    """Where a date naming its weekday starts: the tagger takes "the coming fiscal year late
    Tuesday, March 11, 2025" as one date, which answers "When did the council approve it?" as
    "Tuesday, March 11, 2025"."""
    day = next((i for i in range(start + 1, end) if doc[i].lower_ in DAY_NAMES), None)
    if day is None or any(t.like_num for t in doc[start:day]):
        return start
    return day


# "In what year ...?" wants a year, "what month" a month, "what day of the week" a weekday: dates
# of another shape in the sentence come after those that fit.
DATE_SHAPES = [
    (re.compile(r"\b(?:what|which) year\b"), re.compile(r"\b\d{3,4}s?\b")),
    (re.compile(r"\b(?:what|which) month\b"), re.compile(rf"\b(?:{MONTHS})\b", re.IGNORECASE)),
    (
        re.compile(r"\bday of the week\b|\b(?:what|which) day\b"),
        re.compile(rf"\b(?:{WEEKDAYS})\b|\b\d{{1,2}}\b", re.IGNORECASE),
    ),
    (re.compile(r"\b(?:what|which) century\b"), re.compile(r"\bcentury\b|\b\d{1,2}(?:st|nd|rd|th)\b|\b\d{3,4}s?\b")),
]


_WHEN_ASKED = re.compile(
    r"\s*when\s+(?:was|were|did|do|does|is|are|has|have|had|will|would|could|can|should|might)\b", re.IGNORECASE
)
_CALENDAR_ASKED = re.compile(r"\b(?:what|which) (?:date|day|year|month|century|decade)\b")
_CALENDAR = re.compile(
    rf"\d|\b(?:{MONTHS}|(?:{WEEKDAYS})s?|{CALENDAR_WORDS})\b",
    re.IGNORECASE,
)


def date_missing(question: str, short: str | None) -> bool:
    """A question asking for a date, day or year whose short answer names none ("On what date did
    Reed announce the deal?" answered "during his visit"): the documents don't give it, and such
    an answer is rarely right (docs/evaluation.md). Likewise "When was the Alder Dam built?" with
    no time at all to answer it; "When rock folds ..., what does it create?" asks something else."""
    if short is None and _WHEN_ASKED.match(question):
        return True
    return bool(_CALENDAR_ASKED.search(question.lower())) and not (short and _CALENDAR.search(short))


def when_fallbacks(question: str, doc: Doc, anchors: dict[int, str], rank: int, found: list[Span]) -> list[Span]:
    """Years outside DATE entities, then (one rank lower) time clauses, that the question does not hold."""
    text, lowered = doc.text, question.lower()
    out: list[Span] = []
    for pattern, extra in ((YEARS, 0), (_TIME_CLAUSE, 1)):
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            if pattern is _TIME_CLAUSE and end - start >= 80:  # cut at the limit: before its last phrase
                cuts = list(_PHRASE_START.finditer(text, start + 10, end))
                end = cuts[-1].start() if cuts else start + max(text.rfind(" ", start, end) - start, 3)
            if match.group().lower() in lowered or any(o.start <= start and end <= o.end for o in found + out):
                continue
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None:
                out.append(option(doc, anchors, span.start, span.end, rank + extra, chars=(start, end)))
    return out
