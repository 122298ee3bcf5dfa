"""Whether the reply says "not found": the one abstention decision, taken on the chosen answer.

The evidence logit (abstain.py, fitted numbers in abstention.json) must clear its bar, and the
chosen answer must be of the kind the question asks: a question's terms in the sentences
looked at, a number for "how many", a role's holder named, a date for a date.
"""

from __future__ import annotations

from collections.abc import Callable

from qa.answer.abstain import evidence, fitted, reader_best, refusal_threshold
from qa.answer.chooser import Choice
from qa.answer.dates import date_missing
from qa.answer.fitted import EVIDENCE_FEATURES
from qa.answer.intent import Intent
from qa.answer.order import Candidate, coverage
from qa.answer.question import yes_or_no
from qa.answer.readings import LEAST_GAP, Readings
from qa.config import Settings
from qa.retrieve.catalog import Catalog
from qa.retrieve.hybrid import Query, Signals

_SPAN_REQUIRED = ("how many",)  # refused when no number fits


def extractor_gap(question: str, readings: Readings | None, settings: Settings, upto: int | None = None) -> float:
    """The evidence's extractor feature: the best gap of the first sentences' readings (of the
    first `upto` of them); the fitted neutral value for a yes/no question (no span answers it, so
    its gaps say nothing)."""
    a = fitted(settings)
    if not a.extractor_sentences:
        return LEAST_GAP  # not weighed
    if yes_or_no(question):
        return a.extractor_neutral
    return readings.best_gap(upto) if readings is not None else LEAST_GAP


def weak_evidence(
    question: str,
    evidence_with: Callable[[float], float],
    readings: Readings | None,
    catalog: Catalog,
    settings: Settings,
) -> bool:
    """Whether the evidence logit (`evidence_with` a value of the extractor's feature) falls under
    the question's bar. The feature is a max over sentences and its weight is not negative, so
    once the first sentence's gap clears the bar the others cannot lower the logit: they are read
    only when it does not."""
    bar = refusal_threshold(question, catalog, settings)
    a = fitted(settings)
    column = EVIDENCE_FEATURES.index("extractor")
    monotone = a.extractor_sentences > 1 and float(a.weights[a.columns.index(column)]) >= 0
    if monotone and evidence_with(extractor_gap(question, readings, settings, upto=1)) >= bar:
        return False  # the first sentence is enough
    return evidence_with(extractor_gap(question, readings, settings)) < bar  # one logit when not weighed


def refused(
    intent: Intent,
    choice: Choice,
    candidates: list[Candidate],
    query: Query,
    sig: Signals,
    catalog: Catalog,
    settings: Settings,
    readings: Readings | None = None,
) -> bool:
    """Whether the documents do not answer the question with the chosen answer (`readings`: the
    extractor's readings of the first sentences, when the fitted evidence weighs them)."""
    question, qtype, role, main, span = intent.question, intent.qtype, intent.role, choice.main, choice.span
    # Judged on the best-scored sentence, as the abstention weights were fitted (before the learned order).
    best = max(candidates, key=lambda c: c.score)
    best_cover = coverage(query, catalog.sentence_terms[best.sentence.index], catalog)
    read = reader_best(question, candidates, catalog, settings.threads)
    spanned = catalog.sentences[main.sentence.index].text[span.start : span.end] if span else None
    least = fitted(settings).least_coverage
    return bool(
        weak_evidence(
            question,
            lambda gap: evidence(best, best_cover, read, gap, sig, catalog, settings),
            readings,
            catalog,
            settings,
        )
        # neither sentence holds the question's terms (the lead's looked at only then)
        or (best_cover < least and coverage(query, catalog.sentence_terms[main.sentence.index], catalog) < least)
        or (span is None and (qtype in _SPAN_REQUIRED or role))
        or (qtype == "when" and date_missing(question, spanned))
    )
