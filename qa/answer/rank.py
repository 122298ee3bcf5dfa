"""A learned choice among the short-answer options of the best few sentences.

The rules in span.py rank one sentence's options by distance to the question's words and by
entity type; which sentence and which option win is then a weighing of many weak signals (the
rules' own pick, the sentence's retrieval scores, the words around the option, its entity type).
A conditional logit per question type weighs them; it is fitted on squad-dev by
bench/train_rankers.py, which also reports the figure on articles held out of the fit. Among
the options of the sentence it chooses, the learned extractor's reading of that sentence adds how
likely it finds each to be the answer, with one weight fitted on articles the extractor was not
trained on (training/fit_ranker_extractor.py, `EXTRACTOR_FILE`).
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from qa.answer.intent import Intent
from qa.answer.order import Candidate, prefer
from qa.answer.span import options_in, rule_key
from qa.answer.tokens import Span, token_terms
from qa.nlp import parse
from qa.retrieve.lexical import terms

if TYPE_CHECKING:
    from qa.answer.extract import Extracted
    from qa.retrieve.catalog import Catalog

WEIGHTS_FILE = Path(__file__).with_name("span_ranker.json")
EXTRACTOR_FILE = Path(__file__).with_name("ranker_extractor.json")

_ENTITIES = ("PERSON", "ORG", "GPE", "NORP", "DATE", "TIME", "LOC", "FAC", "CARDINAL", "QUANTITY", "MONEY", "PERCENT")
_PREPOSITIONS = ("in", "at", "on", "by", "of", "to", "from", "with", "for", "during", "since", "as")
_PUNCTUATION = frozenset({",", ";", ":", "(", ")", "—", "–"})
_WINDOWS = (1, 3, 6, 12)


@dataclass(frozen=True)
class Pooled:
    """One of the best sentences for the question, with its retrieval scores."""

    text: str
    score: float
    dense: float
    lexical: float
    learned: float = 0.0  # the sentence order's score


def pool_of(candidates: list[Candidate], catalog: Catalog, size: int) -> list[Pooled]:
    """The first `size` candidates as the ranker reads them."""
    return [
        Pooled(catalog.sentences[c.sentence.index].text, c.score, c.sentence.dense, c.sentence.lexical, c.learned)
        for c in candidates[:size]
    ]


@dataclass(frozen=True)
class Option:
    """A short answer option: a span of the `pooled`-th sentence of the pool."""

    pooled: int
    span: Span


def ruled_option(pool: list[Candidate], main: Candidate, span: Span | None) -> Option | None:
    """The rules' pick as an option of the pool; None when they found no span or chose outside it."""
    if span is None:
        return None
    return next((Option(i, span) for i, c in enumerate(pool) if c is main), None)


def feature_names(pool: int) -> list[str]:
    """The names of `features`' columns, in order (the weights file is checked against them)."""
    return [
        *("rule_cost", "gap", "spread", "type_rank", "unit", "rule_pick", "below_best", "dense", "bm25"),
        *("below_best_learned", "best_learned"),
        *(f"sentence_{i}" for i in range(pool)),
        *("first_in_sentence", "order_in_sentence"),
        *(f"entity_{e}" for e in _ENTITIES),
        "entity_none",
        *("tokens", "log_chars"),
        *(f"after_{p}" for p in _PREPOSITIONS),
        *("sentence_start", "after_paren", "after_comma", "after_verb", "after_determiner"),
        *("sentence_end", "before_comma", "before_paren", "before_verb", "before_possessive", "before_preposition"),
        *("sentence_coverage", "capitalised", "digit", "holds_question_word", "repeated", "sentence_length"),
        *(f"window_{k}_{side}" for k in _WINDOWS for side in ("left", "right", "both")),
        *("punctuation_between", "question_word_before", "bigram_left", "bigram_right"),
    ]


@dataclass(frozen=True)
class _Tokens:
    """A parsed sentence as plain tuples: spaCy builds a Token object at every index."""

    text: tuple[str, ...]
    lower: tuple[str, ...]
    pos: tuple[str, ...]
    entity: tuple[str, ...]
    starts: tuple[int, ...]


@lru_cache(maxsize=4096)
def _tokens(sentence: str) -> _Tokens:
    doc = parse(sentence)
    return _Tokens(
        tuple(t.text for t in doc),
        tuple(t.lower_ for t in doc),
        tuple(t.pos_ for t in doc),
        tuple(t.ent_type_ for t in doc),
        tuple(t.idx for t in doc),
    )


def _same(a: Span, b: Span) -> bool:
    """The same words (the rules mark a span carrying the counted unit as standing at distance 0)."""
    return (a.start, a.end) == (b.start, b.end)


@dataclass(frozen=True)
class _Context:
    """What every option's row is read against: the question's terms, and the pool's best scores."""

    asked: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    weight: Callable[[str], float]
    total: float  # the question's terms' summed weight
    best: float  # the pool's best blended score
    best_learned: float  # ... and its best learned one
    size: int
    rule_pick: Option | None
    repeats: Counter[str]  # how often each option's words are options in the pool


@dataclass(frozen=True)
class _Found:
    """One option of the pool, with its sentence as the features read it."""

    pooled: int
    span: Span
    tokens: _Tokens
    words: tuple[str | None, ...]
    order: int  # its place among its sentence's options in the rules' order
    share: float  # the share of the question's terms its sentence holds


def option_matrix(
    intent: Intent,
    pool: list[Pooled],
    rule_pick: Option | None,
    weight: Callable[[str], float],
    size: int,
) -> tuple[list[Option], np.ndarray]:
    """Every option of the first `size` pooled sentences and its feature row (`feature_names(size)`)."""
    pool = pool[:size]
    q_terms = terms(intent.question)
    asked = frozenset(q_terms)
    found = _options_of(intent, pool, asked)
    context = _Context(
        asked=asked,
        bigrams=frozenset(pairwise(q_terms)),
        weight=weight,
        total=sum(weight(t) for t in asked) or 1.0,
        best=pool[0].score if pool else 0.0,
        best_learned=max((p.learned for p in pool), default=0.0),
        size=size,
        rule_pick=rule_pick,
        repeats=Counter(pool[f.pooled].text[f.span.start : f.span.end].lower() for f in found),
    )
    options = [Option(f.pooled, f.span) for f in found]
    rows = [_row(f, pool[f.pooled], context) for f in found]
    return options, np.array(rows, dtype=np.float64).reshape(len(rows), len(feature_names(size)))


def _options_of(intent: Intent, pool: list[Pooled], asked: frozenset[str]) -> list[_Found]:
    """Every option of every pooled sentence (noun phrases and bare numbers included)."""
    found: list[_Found] = []
    for i, pooled in enumerate(pool):
        spans = options_in(intent, pooled.text, every=True)
        ranked = sorted(spans, key=rule_key)
        tokens, words = _tokens(pooled.text), token_terms(pooled.text)
        share = len(asked.intersection(words)) / max(len(asked), 1)
        found += [_Found(i, span, tokens, words, ranked.index(span), share) for span in spans]
    return found


def _row(f: _Found, pooled: Pooled, c: _Context) -> list[float]:
    """The option's feature row: the rules' view of it, its sentence's scores, its own words, and
    the words around it (`feature_names`' order)."""
    span, tok, words, i = f.span, f.tokens, f.words, f.pooled
    text = pooled.text[span.start : span.end]
    count = len(words)
    a = max(bisect_right(tok.starts, span.start) - 1, 0)  # the tokens the span touches
    b = max(bisect_left(tok.starts, span.end), a + 1)
    entity = tok.entity[a] if a < count else ""
    prev = a - 1 if a > 0 else None
    nxt = b if b < count else None
    n = b - a
    return [
        min(rule_key(span)[1], 20) / 10,
        min(span.gap, 20) / 10,
        min(span.spread, 20) / 10,
        float(min(span.rank, 4)),
        float(span.unit),
        float(c.rule_pick is not None and c.rule_pick.pooled == i and _same(c.rule_pick.span, span)),
        c.best - pooled.score,
        pooled.dense,
        pooled.lexical / 10,
        c.best_learned - pooled.learned,
        float(pooled.learned == c.best_learned),
        *(float(i == k) for k in range(c.size)),
        float(f.order == 0),
        min(f.order, 5) / 5,
        *(float(entity == e) for e in _ENTITIES),
        float(entity == ""),
        min(n, 12) / 12,
        math.log(1 + len(text)),
        *(float(prev is not None and tok.lower[prev] == p) for p in _PREPOSITIONS),
        float(prev is None),
        float(prev is not None and tok.text[prev] == "("),
        float(prev is not None and tok.text[prev] == ","),
        float(prev is not None and tok.pos[prev] in ("VERB", "AUX")),
        float(prev is not None and tok.pos[prev] == "DET"),
        float(nxt is None or tok.text[nxt] == "."),
        float(nxt is not None and tok.text[nxt] == ","),
        float(nxt is not None and tok.text[nxt] == ")"),
        float(nxt is not None and tok.pos[nxt] in ("VERB", "AUX")),
        float(nxt is not None and tok.lower[nxt] in ("'s", "’s")),
        float(nxt is not None and tok.pos[nxt] == "ADP"),
        f.share,
        sum(t[:1].isupper() for t in tok.text[a:b]) / n,
        float(any(ch.isdigit() for ch in text)),
        float(any(w in c.asked for w in words[a:b])),
        min(c.repeats[text.lower()], 5) / 5,
        min(len(pooled.text), 400) / 400,
        *_around(tok, words, a, b, c),
    ]


def _around(tok: _Tokens, words: tuple[str | None, ...], a: int, b: int, c: _Context) -> list[float]:
    """The question's words around tokens a..b: their weight within each window left, right and
    both; punctuation between the option and the nearest one, and on which side it stands; the
    question's word pairs just before or after."""
    row: list[float] = []
    for k in _WINDOWS:
        left = {w for w in words[max(0, a - k) : a] if w in c.asked}
        right = {w for w in words[b : b + k] if w in c.asked}
        row += [sum(map(c.weight, left)) / c.total, sum(map(c.weight, right)) / c.total]
        row.append(sum(map(c.weight, left | right)) / c.total)
    anchors = [j for j, w in enumerate(words) if w in c.asked and not a <= j < b]
    if anchors:
        near = min(anchors, key=lambda j: a - j if j < a else j - b)
        lo, hi = (near, a) if near < a else (b, near)
        row += [float(any(t in _PUNCTUATION for t in tok.text[lo:hi])), float(near < a)]
    else:
        row += [1.0, 0.0]
    before = [w for w in words[max(0, a - 4) : a] if w]
    after = [w for w in words[b : b + 4] if w]
    row.append(float(any(g in c.bigrams for g in pairwise(before))))
    row.append(float(any(g in c.bigrams for g in pairwise(after))))
    return row


RULE_PICK = feature_names(0).index("rule_pick")


def ruled_row(rows: np.ndarray) -> int | None:
    """The row of the rules' own pick, if it is among the options."""
    ruled = np.flatnonzero(rows[:, RULE_PICK])
    return int(ruled[0]) if ruled.size else None


def pick(rows: np.ndarray, weights: np.ndarray, margin: float) -> int:
    """The option chosen: the rules' own pick unless another scores at least `margin` more (the
    rules know things the features don't, such as "President" right before a name)."""
    return prefer(rows @ weights, ruled_row(rows), margin)


def same_sentence(options: list[Option], chosen: int) -> list[int]:
    """The places of the options of the chosen option's sentence (it among them). The extractor
    weighs only these: it reads each sentence alone, so its figures compare the words of one
    sentence better than they compare sentences, which the ranker chooses."""
    return [i for i, o in enumerate(options) if o.pooled == options[chosen].pooled]


def extractor_scores(options: list[Option], reading: Extracted) -> np.ndarray:
    """Each option's log-probability of being the answer by the extractor's reading of its sentence."""
    tokens = reading.tokens
    if tokens is None:
        return np.zeros(len(options))
    return np.array([tokens.of_span(o.span.start, o.span.end) for o in options], dtype=np.float64)


@dataclass(frozen=True)
class SpanRanker:
    """Weights per question type over `feature_names(pool)`, and the extractor's weight."""

    pool: int
    margin: float
    weights: dict[str, np.ndarray]
    extractor: float = 0.0

    def choose(
        self,
        intent: Intent,
        pool: list[Pooled],
        rule_pick: Option | None,
        weight: Callable[[str], float],
        reading: Callable[[int], Extracted] | None = None,
    ) -> Option | None:
        """The chosen option of the pool's first `self.pool` sentences; None when there is none.
        `reading` gives the extractor's reading of the i-th pooled sentence: when given, the
        options of the chosen sentence are weighed with it too, and the best of the sum wins (the
        extractor's weight was fitted for that choice: the rules' pick keeps no margin there, its
        own feature is in the ranker's score)."""
        options, rows = option_matrix(intent, pool, rule_pick, weight, self.pool)
        if not options:
            return None
        weights = self.weights[intent.qtype]
        chosen = pick(rows, weights, self.margin)
        same = same_sentence(options, chosen)
        if reading is None or not self.extractor or len(same) < 2:
            return options[chosen]
        scores = extractor_scores([options[i] for i in same], reading(options[chosen].pooled))
        return options[same[int(np.argmax(rows[same] @ weights + self.extractor * scores))]]


@lru_cache(maxsize=4)
def load_ranker(path: Path = WEIGHTS_FILE, extractor_path: Path | None = EXTRACTOR_FILE) -> SpanRanker:
    """The fitted weights; a file that does not match the features is an error, not a silent mix-up.
    Without the extractor's fitted weight (`extractor_path` None or missing) the extractor is not weighed."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    pool = int(raw["pool"])
    if raw["features"] != feature_names(pool):
        raise ValueError(f"{path}: its features do not match this code's; refit with bench/train_rankers.py")
    weights = {kind: np.array(values, dtype=np.float64) for kind, values in raw["weights"].items()}
    extractor = 0.0
    if extractor_path is not None and extractor_path.exists():
        fitted = json.loads(extractor_path.read_text(encoding="utf-8"))
        if int(fitted["pool"]) != pool:
            raise ValueError(f"{extractor_path}: fitted for a pool of {fitted['pool']}, not {pool}; refit it")
        extractor = float(fitted["weight"])
    return SpanRanker(pool=pool, margin=float(raw["margin"]), weights=weights, extractor=extractor)
