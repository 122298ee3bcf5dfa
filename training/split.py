"""The fixed split of the squad-dev articles every learned part of the answer layer keeps to.

- `READER`: the cross-encoder reader is fine-tuned on these articles' questions (training/train_reader.py).
- `CALIBRATE`: the reader's scores are combined and the refusal threshold chosen on these
  (training/calibrate.py): articles the reader never saw, so its scores there are honest.
- `TEST`: never fitted on nor looked at while fitting; every figure reported is measured here
  (and the CI gate's questions come from here).

squad2-dev covers articles 01, 05, 07, 08 (fit side) and 13, 16, 20, 21, 22, 23 (test side).
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "bench"
SQUAD = SHARED / "squad-dev"
SQUAD2 = SHARED / "squad2-dev"

READER = frozenset({0, 1, 2, 3, 4, 5, 6, 9, 10})
CALIBRATE = frozenset({7, 8, 11})
TEST = frozenset(range(12, 24))


def article_of(doc: str) -> int:
    """The article number of a squad-dev file name ("07-European-Union-law.txt" -> 7)."""
    return int(doc[:2])


def parse_articles(spec: str) -> frozenset[int]:
    """ "12-23" or "3,5,7" (or both, comma-separated) as article numbers."""
    out: set[int] = set()
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    return frozenset(out)


def standard_error(rate: float, n: int) -> float:
    """The sampling error of a rate measured on n questions: an int8 model is kept when it scores
    within one of the float model's (a smaller gap is noise, not a loss of quality)."""
    return (rate * (1 - rate) / max(n, 1)) ** 0.5
