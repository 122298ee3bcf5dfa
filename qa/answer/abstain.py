"""Whether the documents answer a question at all: an evidence logit and the bar it must clear.

The numbers (weights, threshold, size corrections, per-question bars) are fitted by
bench/fit_abstention.py into qa/answer/abstention.json (qa/answer/fitted.py reads it); a user may
override the threshold and the per-question bars in the settings (None: the fitted ones).
"""

from __future__ import annotations

import math
from collections.abc import Container

import numpy as np

from qa.answer.fitted import ABSTENTION_FILE, Abstention, load_abstention
from qa.answer.order import Candidate
from qa.config import Settings
from qa.retrieve.catalog import Catalog
from qa.retrieve.hybrid import Signals
from qa.retrieve.lexical import names, terms

_DEMONYM_ENDS = ("n", "an", "ian", "ean", "ese", "i", "ish")


def fitted(settings: Settings) -> Abstention:
    """The abstention numbers in use: the packaged file's, or the one the settings name."""
    return load_abstention(settings.abstention_file or ABSTENTION_FILE)


def known_term(term: str, vocab: Container[str]) -> bool:
    """A term the index holds, or a people's name whose place it holds: "Chilean" in a text about
    Chile (a stem of five letters or more: "Spanish" is not "span", "German" not "germ")."""
    return term in vocab or any(
        term.endswith(end) and len(term) - len(end) >= 5 and term[: -len(end)] in vocab for end in _DEMONYM_ENDS
    )


def named(question: str) -> list[str]:
    """The question's capitalised words that are terms, but its first (there a capital says nothing)."""
    return [w for w in names(question.strip(), opening=False) if terms(w)]


def unknown_names(question: str, catalog: Catalog, asked: list[str] | None = None) -> list[str]:
    """Capitalised words of the question (not its first) that no indexed sentence contains: a
    question about "Harvard" put to documents that never name it is likely not answered there."""
    vocab = catalog.sentences_lexical.vocab
    return [w for w in (named(question) if asked is None else asked) if not all(known_term(x, vocab) for x in terms(w))]


def base_threshold(catalog: Catalog, settings: Settings) -> float:
    """The bar for this corpus's size: the threshold from the fitted size up, lowered by up to
    `small_relief` for a corpus of a few articles (fitted.Abstention says why)."""
    a = fitted(settings)
    threshold = a.threshold if settings.abstain_threshold is None else settings.abstain_threshold
    span = math.log(a.fitted_sentences / a.small_sentences)
    smaller = math.log(a.fitted_sentences / max(len(catalog.sentences), 1))
    share = min(1.0, max(0.0, smaller / span)) if span > 0 else 0.0
    return threshold - a.small_relief * share


def refusal_threshold(question: str, catalog: Catalog, settings: Settings) -> float:
    """The evidence a reply needs: more when the question names something the documents never do,
    or names nothing they do (only common words, which match any text on the subject)."""
    a = fitted(settings)
    asked = named(question)
    base = base_threshold(catalog, settings)
    unknown = a.unknown_name if settings.abstain_unknown_name is None else settings.abstain_unknown_name
    nameless = a.nameless if settings.abstain_nameless is None else settings.abstain_nameless
    if unknown_names(question, catalog, asked):
        return max(base, unknown)
    if not asked and nameless is not None:
        return max(base, nameless)
    return base


def reader_best(question: str, candidates: list[Candidate], catalog: Catalog, threads: int = 2) -> float:
    """The learned reader's best logit over the sentences it read (it reads them now when the
    order did not: the abstention needs its say either way)."""
    read = [c.reader for c in candidates if c.reader is not None]
    if read:
        return max(read)
    from qa.answer.rerank import load_mix, read_pool  # ONNX Runtime only when used

    return float(read_pool(question, candidates[: load_mix().pool], catalog, threads).max(initial=-1e9))


def evidence_features(
    best: Candidate, cover: float, read: float, gap: float, sig: Signals, catalog: Catalog, a: Abstention
) -> np.ndarray:
    """The evidence logit's inputs (fitted.EVIDENCE_FEATURES): the best sentence match anywhere,
    read as in a corpus of the fitted size (it says whether the corpus is about this at all); the
    best-scored sentence's coverage of the question's terms and its answer score, the reader's
    best logit (whether a sentence answers) and the extractor's best gap over the first sentences
    (whether one of them holds a span answering it)."""
    best_dense = float(sig.sentence_dense.max()) if sig.sentence_dense.size else 0.0
    smaller = max(0.0, math.log(a.fitted_sentences / max(len(catalog.sentences), a.least_sentences)))
    return np.array([best_dense + a.null_cosine_growth * smaller, cover, best.score, read, gap], dtype=np.float64)


def evidence(
    best: Candidate, cover: float, read: float, gap: float, sig: Signals, catalog: Catalog, settings: Settings
) -> float:
    """How strongly the corpus carries the question (a logit)."""
    a = fitted(settings)
    return float(evidence_features(best, cover, read, gap, sig, catalog, a)[list(a.columns)] @ a.weights + a.bias)
