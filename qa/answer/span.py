"""The short answer (a name, a date, a number, a place) inside a quoted sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qa.answer.question import ENTITY_LABELS, QuestionType
from qa.nlp import parse

if TYPE_CHECKING:
    from spacy.tokens import Doc
from qa.retrieve.lexical import terms

_PREFERENCE: dict[QuestionType, tuple[str, ...]] = {
    "who": ("PERSON", "ORG", "GPE", "NORP"),
    "when": ("DATE", "TIME"),
    "where": ("GPE", "LOC", "FAC", "ORG"),
    "how many": ("CARDINAL", "QUANTITY", "MONEY", "PERCENT", "DATE", "TIME"),
}


_GROUPS = re.compile(r"\b(team|group|company|companies|organi[sz]ation|band|party|club|firm|agency|country)")
_REGIONS = re.compile(r"\b(region|continent|area|ocean|sea|river|mountains?|desert|valley)\b")
RANK_COST = 4


_HOW_MANY_UNIT = re.compile(r"\bhow (?:many|much)\s+([a-z]+)")


def _unit(question: str) -> str | None:
    """The counted thing in "how many kilometers ...", compared by its first five letters."""
    match = _HOW_MANY_UNIT.search(question.lower())
    return match.group(1)[:5] if match else None


def _followed_by(doc: Doc, end: int, unit: str) -> bool:
    return any(t.text.lower().startswith(unit) for t in doc[end : end + 3])


@dataclass(frozen=True)
class Span:
    """A short answer inside a sentence, and how far (in tokens) it stands from the question's words."""

    start: int
    end: int
    gap: int
    rank: int


def short_answer_span(question: str, qtype: QuestionType, sentence: str) -> Span | None:
    """The entity of the wanted type nearest the question's own words, or None when none fits."""
    labels = ENTITY_LABELS.get(qtype)
    if not labels:
        return None
    doc = parse(sentence)
    q_terms = set(terms(question))
    unit = _unit(question) if qtype == "how many" else None
    anchors = [t.i for t in doc if (tt := terms(t.text)) and tt[0] in q_terms]
    preference = _PREFERENCE[qtype]
    if qtype == "who" and _GROUPS.search(question.lower()):
        preference = ("ORG", "NORP", "GPE", "PERSON")
    if qtype == "where" and _REGIONS.search(question.lower()):
        preference = ("LOC", "GPE", "FAC", "ORG")
    best: Span | None = None
    for ent in doc.ents:
        if ent.label_ not in labels:
            continue
        ent_terms = set(terms(ent.text))
        if (ent_terms and ent_terms <= q_terms) or ent.text.lower() in question.lower():
            continue  # the question already names it: not the answer
        gap = min(
            (max(0, ent.start - a - 1) if a < ent.start else max(0, a - ent.end) for a in anchors),
            default=len(doc),
        )
        rank = preference.index(ent.label_) if ent.label_ in preference else len(preference)
        if unit and _followed_by(doc, ent.end, unit):
            rank, gap = 0, 0  # "300 kilometres" answers "how many kilometers"
        span = Span(ent.start_char, ent.end_char, gap, rank)
        if best is None or gap + RANK_COST * rank < best.gap + RANK_COST * best.rank:
            best = span
    if best is None and qtype == "how many":
        for token in doc:
            if token.like_num and (tt := terms(token.text)) and tt[0] not in q_terms:
                gap = min((abs(token.i - a) for a in anchors), default=len(doc))
                return Span(token.idx, token.idx + len(token.text), gap, len(preference))
    return best
