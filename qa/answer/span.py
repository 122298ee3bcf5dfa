"""The short answer (a name, a date, a number, a place) inside a quoted sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
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


def wants_region(question: str) -> bool:
    """ "Which region ...", "what river ...": the question names the kind of place it wants."""
    return bool(_REGIONS.search(question.lower()))


_HOW_MANY_UNIT = re.compile(r"\bhow (?:many|much)\s+([a-z]+)")


def _unit(question: str) -> str | None:
    """The counted thing in "how many kilometers ...", compared by its first five letters."""
    match = _HOW_MANY_UNIT.search(question.lower())
    return match.group(1)[:5] if match else None


def _followed_by(doc: Doc, end: int, unit: str) -> bool:
    return any(t.text.lower().startswith(unit) for t in doc[end : end + 3])


@dataclass(frozen=True)
class Span:
    """A short answer inside a sentence, and how far (in tokens) it stands from the question's words.

    `rank` is the entity type's place in the question type's preference; `unit` says the span
    carries the unit a how-many question counts in ("300 kilometres" for "how many kilometers").
    """

    start: int
    end: int
    gap: int
    rank: int
    unit: bool = False


def span_options(question: str, qtype: QuestionType, sentence: str) -> list[Span]:
    """Every entity of a fitting type in `sentence` that the question does not already name."""
    labels = ENTITY_LABELS.get(qtype)
    if not labels:
        return []
    doc = parse(sentence)
    q_terms = set(terms(question))
    unit = _unit(question) if qtype == "how many" else None
    anchors = {t.i for t in doc if (tt := terms(t.text)) and tt[0] in q_terms}
    preference = _PREFERENCE[qtype]
    if qtype == "who" and _GROUPS.search(question.lower()):
        preference = ("ORG", "NORP", "GPE", "PERSON")
    if qtype == "where" and wants_region(question):
        preference = ("LOC", "GPE", "FAC", "ORG")
    options: list[Span] = []
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
        has_unit = bool(unit) and (
            _followed_by(doc, ent.end, unit or "") or any(t.text.lower().startswith(unit or "") for t in ent)
        )
        options.append(Span(ent.start_char, ent.end_char, gap, rank, has_unit))
    if not options and qtype == "how many":
        for token in doc:
            if token.like_num and (tt := terms(token.text)) and tt[0] not in q_terms:
                gap = min((abs(token.i - a) for a in anchors), default=len(doc))
                has_unit = bool(unit) and _followed_by(doc, token.i + 1, unit or "")
                options.append(Span(token.idx, token.idx + len(token.text), gap, len(preference), has_unit))
    return options


def short_answer_span(question: str, qtype: QuestionType, sentence: str) -> Span | None:
    """The entity of the wanted type nearest the question's own words, or None when none fits."""
    return nearest(span_options(question, qtype, sentence))


def nearest(options: list[Span]) -> Span | None:
    """The option nearest the question's words, a less preferred type counting as RANK_COST tokens."""
    best: Span | None = None
    for span in options:
        gap, rank = (0, 0) if span.unit else (span.gap, span.rank)
        if best is None or gap + RANK_COST * rank < best.gap + RANK_COST * best.rank:
            best = replace(span, gap=gap, rank=rank)
    return best
