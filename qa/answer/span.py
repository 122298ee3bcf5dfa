"""The short answer (a name, a date, a number, a place) inside a quoted sentence."""

from __future__ import annotations

from qa.answer.question import ENTITY_LABELS, QuestionType
from qa.nlp import parse
from qa.retrieve.lexical import terms

_PREFERENCE: dict[QuestionType, tuple[str, ...]] = {
    "who": ("PERSON", "ORG", "NORP", "GPE"),
    "when": ("DATE", "TIME"),
    "where": ("GPE", "LOC", "FAC", "ORG"),
    "how many": ("CARDINAL", "QUANTITY", "MONEY", "PERCENT", "DATE", "TIME"),
}


def short_answer_span(question: str, qtype: QuestionType, sentence: str) -> tuple[int, int] | None:
    """Character span in `sentence` of the entity that answers, or None when none fits."""
    labels = ENTITY_LABELS.get(qtype)
    if not labels:
        return None
    doc = parse(sentence)
    q_terms = set(terms(question))
    anchors = [t.idx for t in doc if terms(t.text) and terms(t.text)[0] in q_terms]
    best: tuple[float, int, int] | None = None
    preference = _PREFERENCE[qtype]
    for ent in doc.ents:
        if ent.label_ not in labels:
            continue
        ent_terms = set(terms(ent.text))
        if ent_terms and ent_terms <= q_terms:
            continue  # the question already names it: not the answer
        distance = min((abs(ent.start_char - a) for a in anchors), default=len(sentence))
        rank = preference.index(ent.label_) if ent.label_ in preference else len(preference)
        key = (rank * 40 + distance / 10, ent.start_char, ent.end_char)
        if best is None or key < best:
            best = key
    if best is None and qtype == "how many":
        for token in doc:
            if token.like_num and terms(token.text) and terms(token.text)[0] not in q_terms:
                return token.idx, token.idx + len(token.text)
    return (best[1], best[2]) if best else None
