"""A short answer for the questions the rules give none for, by the learned span extractor.

The rules and the learned ranker (span.py, rank.py) pick the short answer of who / when / where /
how-many questions. For every other question ("What did the council approve?", "Why was the
vote delayed?") the extractor (extract.py) reads the chosen sentence with the sentence before it
and points at the words that answer. It leads the reply only when its confidence clears the bar in
`extractor_gate.json`: a logistic score of the span's share of the extractor's belief (its start's
softmax times its end's, over the sentence's words) and of its gap over the extractor's "no
answer" option, both weights and the bar fitted on articles neither the extractor nor any
reported figure reads (training/fit_extractor_gate.py). Below it a short answer is wrong more
often than right, and the quote alone is the reply.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from qa.answer.extract import Extracted, load_extractor
from qa.answer.reader import context_of
from qa.answer.tokens import Span
from qa.retrieve.catalog import Catalog

if TYPE_CHECKING:
    from qa.answer.readings import Readings

GATE_FILE = Path(__file__).with_name("extractor_gate.json")


GATE_FEATURES = ("share_log_odds", "gap")


def gate_features(found: Extracted) -> tuple[float, float]:
    """What the gate weighs (`GATE_FEATURES`): the span's share as log-odds, and its gap."""
    share = min(max(found.prob, 1e-6), 1 - 1e-6)
    return math.log(share / (1 - share)), found.gap


@dataclass(frozen=True)
class Gate:
    """The confidence a learned short answer must reach (a logistic score over `GATE_FEATURES`:
    `weights`, `bias`, against `bar`), and the longest one given (in characters)."""

    weights: tuple[float, float]
    bias: float
    bar: float
    max_chars: int

    def confidence(self, found: Extracted) -> float:
        return sum(w * x for w, x in zip(self.weights, gate_features(found), strict=True)) + self.bias

    def passes(self, found: Extracted) -> bool:
        return self.confidence(found) >= self.bar


@lru_cache(maxsize=1)
def load_gate(path: Path = GATE_FILE) -> Gate:
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data.get("features", ())) != GATE_FEATURES:
        raise ValueError(f"{path}: its features do not match this code's; refit with {data.get('command')}")
    w = data["weights"]
    return Gate(
        weights=(float(w[0]), float(w[1])),
        bias=float(data["bias"]),
        bar=float(data["bar"]),
        max_chars=int(data["max_chars"]),
    )


def warm_extractor() -> None:
    """Load the extractor the way `extract_in` uses it (an ONNX session takes a moment to make)."""
    load_extractor(1)


def extract_in(question: str, sentence: int, catalog: Catalog) -> Extracted:
    """The extractor's best span of one sentence of the catalog, read with the sentence before it.

    On one thread: for one short sequence a second thread's hand-off costs more than it saves
    (about 5.0 ms a sentence on two threads here, 3.9 on one)."""
    text = catalog.sentences[sentence].text
    return load_extractor(1).extract(question, [(text, context_of(sentence, catalog))])[0]


def reading_of(question: str, sentence: int, catalog: Catalog, readings: Readings | None = None) -> Extracted:
    """The extractor's reading of the sentence: the one among the reply's `readings` (readings.py)
    when it is one of their sentences, else read now."""
    early = readings.of(question, sentence, catalog) if readings is not None else None
    return early if early is not None else extract_in(question, sentence, catalog)


def learned_span(
    question: str, sentence: int, catalog: Catalog, gate: Gate | None = None, readings: Readings | None = None
) -> Span | None:
    """The learned short answer inside the sentence, or None when the extractor is not sure enough,
    finds only the whole sentence, or gives more words than a short answer holds."""
    bar = gate or load_gate()
    found = reading_of(question, sentence, catalog, readings)
    text = catalog.sentences[sentence].text
    if not found.text or len(found.text) > bar.max_chars or not bar.passes(found):
        return None
    if len(found.text) >= len(text.rstrip(" .!?")) - 1:
        return None  # the whole sentence is a quote, not a short answer
    return Span(start=found.start, end=found.end, gap=0, rank=0)
