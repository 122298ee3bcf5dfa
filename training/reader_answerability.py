"""How well a reader's best logit tells answerable questions from unanswerable ones.

The reader (qa/answer/reader.py) scores the first `pool` candidate sentences the product's own
retrieval gives (training/mine.py's file); its best logit is one input of the abstention
(qa/answer/abstain.py). This prints, for squad2-dev's questions on the chosen articles, the AUC of
that best logit (unanswerable against answerable) and the share of unanswerable questions refused
when a bar refuses 5% of the answerable ones; and the same over the written question sets' held-out
paragraphs (every sentence of the paragraph read). CALIBRATE articles by default: pass `--test`
only to report a final figure.

    .venv/bin/python training/reader_answerability.py [--model qa/models/reader] [--pool 2] [--test]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from split import CALIBRATE, TEST
from train_reader import rows
from written import DATA as WRITTEN
from written import paragraphs, questions, split_by_writer

import qa  # noqa: F401  (offline environment first)
from qa.answer.reader import MODEL_DIR, Reader, passage_text


def separation(answerable: list[float], unanswerable: list[float], refuse: float = 0.05) -> dict[str, float]:
    """AUC (an unanswerable question scores lower) and the unanswerable share under the bar that
    refuses `refuse` of the answerable questions."""
    a, u = np.asarray(answerable), np.asarray(unanswerable)
    bar = float(np.quantile(a, refuse))
    return {
        "auc": round(float(roc_auc_score([1] * len(a) + [0] * len(u), np.concatenate([a, u]))), 4),
        "unanswerable_refused": round(float((u < bar).mean()), 4),
        "answerable": len(a),
        "unanswerable": len(u),
    }


def squad2(reader: Reader, articles: frozenset[int], pool: int) -> dict[str, float]:
    best: dict[bool, list[float]] = {True: [], False: []}
    for row in rows("full"):
        if row["set"] != "squad2" or row["article"] not in articles:
            continue
        cands = row["cands"][:pool]
        scores = reader.score(row["question"], [passage_text(c["text"], c["context"]) for c in cands])
        best[bool(row["answerable"])].append(float(scores.max(initial=-1e9)))
    return separation(best[True], best[False])


def written(reader: Reader, folder: Path, holdout: int) -> dict[str, float]:
    _, held = split_by_writer(paragraphs(folder), holdout)
    best: dict[bool, list[float]] = {True: [], False: []}
    for qa_item, cands, _para in questions(held):
        scores = reader.score(qa_item["q"], [passage_text(c["text"], c["context"]) for c in cands])
        best[qa_item["a"] is not None].append(float(scores.max(initial=-1e9)))
    return separation(best[True], best[False])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=MODEL_DIR)
    parser.add_argument("--pool", type=int, default=2, help="candidates read per question (the product's pool)")
    parser.add_argument("--written", type=Path, default=WRITTEN)
    parser.add_argument("--holdout", type=int, default=10)
    parser.add_argument("--test", action="store_true", help="squad2-dev TEST articles (final figures only)")
    args = parser.parse_args()
    reader = Reader(args.model, threads=2)
    out: dict[str, Any] = {
        "model": str(args.model),
        "squad2_" + ("test" if args.test else "calibrate"): squad2(reader, TEST if args.test else CALIBRATE, args.pool),
        "written_heldout": written(reader, args.written, args.holdout),
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
