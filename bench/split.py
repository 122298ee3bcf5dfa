"""The one fixed split of the squad-dev articles that every fitting script keeps to.

- `FIT` (articles 00-11): every fitted number of the answer layer (qa/answer/*.json) is fitted on
  these articles' questions only. squad2-dev covers 01, 05, 07 and 08 of them.
- `READER` / `CALIBRATE` (both inside FIT): the learned reader is trained on READER's questions
  (training/train_reader.py); what is fitted on the reader's scores (training/fit_reader_mix.py,
  bench/fit_abstention.py) reads only CALIBRATE's, where the reader's logits are honest.
- `TEST` (articles 12-23): never fitted on; every quality figure reported as held-out is measured
  on these articles' questions (bench/heldout_bench.py), and the CI gate's questions come from
  them (bench/make_gate.py). squad2-dev covers 13, 16, 20, 21, 22 and 23 of them.

An index may still hold all 24 articles: what is held out is the questions, and which articles'
questions a fit may read.
"""

from __future__ import annotations

from pathlib import Path

FIT = frozenset(range(12))
READER = frozenset({0, 1, 2, 3, 4, 5, 6, 9, 10})
CALIBRATE = FIT - READER
TEST = frozenset(range(12, 24))


def article_of(doc: str) -> int:
    """The article number of a squad-dev file name ("07-European-Union-law.txt" -> 7)."""
    return int(Path(doc).name[:2])


def in_fit(doc: str) -> bool:
    """The question's article is one the fits may read."""
    return article_of(doc) in FIT
