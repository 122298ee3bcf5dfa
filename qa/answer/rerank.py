"""The learned reader's say in which sentence answers first.

The reader (qa/answer/reader.py) reads the question with each of the best few sentences (and the
sentence before it, as context) and gives a logit. The final order of those sentences is a linear
mix of what the order already knew and the reader's logit:

    learned order's score + weight x reader logit + first_bonus x (it was first before)

with `pool`, `weight` and `first_bonus` fitted by training/fit_reader_mix.py on articles the reader
was not trained on (qa/answer/reader_mix.json). Scores stay as they were: the mix only reorders.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from qa.answer.order import Candidate
from qa.answer.reader import context_of, load_reader, passage_text
from qa.retrieve.catalog import Catalog

MIX_FILE = Path(__file__).with_name("reader_mix.json")


@dataclass(frozen=True)
class ReaderMix:
    """How the reader's logit joins the learned order (see the module's docstring)."""

    pool: int
    weight: float
    first_bonus: float

    def combine(self, learned: np.ndarray, reader: np.ndarray) -> np.ndarray:
        first = np.zeros_like(learned)
        first[0] = 1.0
        return learned + self.weight * reader + self.first_bonus * first


@lru_cache(maxsize=4)
def load_mix(path: Path = MIX_FILE) -> ReaderMix:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return ReaderMix(pool=int(raw["pool"]), weight=float(raw["weight"]), first_bonus=float(raw["first_bonus"]))


def read_pool(question: str, pool: list[Candidate], catalog: Catalog, threads: int = 2) -> np.ndarray:
    """The reader's logit for each pooled sentence, read with the sentence before it."""
    texts = [
        passage_text(catalog.sentences[c.sentence.index].text, context_of(c.sentence.index, catalog)) for c in pool
    ]
    return load_reader(threads).score(question, texts)


def rerank(
    question: str, found: list[Candidate], catalog: Catalog, mix: ReaderMix | None = None, threads: int = 2
) -> list[Candidate]:
    """The first `pool` candidates in the mixed order, each with its reader logit; the rest as they were."""
    mix = mix or load_mix()
    pool = found[: mix.pool]
    if len(pool) < 2:
        return found
    logits = read_pool(question, pool, catalog, threads)
    combined = mix.combine(np.array([c.learned for c in pool], dtype=np.float64), logits.astype(np.float64))
    ordered = [replace(pool[i], reader=float(logits[i])) for i in np.argsort(-combined, kind="stable")]
    return ordered + found[mix.pool :]
