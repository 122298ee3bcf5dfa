"""Fit qa/answer/sentence_blend.json: the pointwise blend that scores each retrieved sentence as the answer.

For every squad-dev question of the FIT articles (bench/split.py), asked of an index of all 24
articles, every sentence of the retrieved passages is a row of qa/answer/order.py's `blend_rows`
(passage score against the best, first passage, passage rank, sentence cosine, BM25, coverage of
the question's terms, length), labelled by whether it holds a gold answer. A logistic regression
(L2, C=1) over them gives the weights; its intercept is left out (it orders nothing). Reported:
how often the best-scored sentence holds a gold answer on the FIT articles (in-sample) with the
weights on disk and with the new ones; held-out figures come from bench/heldout_bench.py.

The sentence order and short-answer ranker (bench/train_rankers.py) and the abstention
(bench/fit_abstention.py) read this score, so they are refitted after it.

    .venv/bin/python bench/fit_blend.py [--dry-run]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from common import CORPUS, OUT, QUESTIONS
from sklearn.linear_model import LogisticRegression
from split import in_fit
from tqdm import tqdm

from qa.answer.fitted import BLEND_FEATURES, BLEND_FILE, load_blend
from qa.answer.order import blend_rows
from qa.config import Settings
from qa.retrieve.hybrid import make_query, retrieve
from qa.service import QAService

LENGTH_CAP = 400  # longer sentences count as this long (a feature's definition, not fitted)


def collect(service: QAService) -> list[tuple[np.ndarray, np.ndarray]]:
    """(rows, holds a gold answer) per FIT question with at least one retrieved sentence."""
    items = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for item in tqdm([i for i in items if in_fit(i["doc"])], desc="Collecting", unit="q", mininterval=5):
        query = make_query(item["question"], service.encoder.encode([item["question"]])[0])
        hits, _ = retrieve(query, service.catalog, service.settings)
        pairs, rows = blend_rows(query, hits, service.catalog, LENGTH_CAP)
        if not pairs:
            continue
        texts = [service.catalog.sentences[s.index].text.lower() for _, s in pairs]
        right = np.array([any(a.lower() in t for a in item["answers"]) for t in texts])
        out.append((rows, right))
    return out


def top1(groups: list[tuple[np.ndarray, np.ndarray]], weights: np.ndarray) -> float:
    """Share of questions whose best-scored sentence holds a gold answer."""
    return round(float(np.mean([right[int(np.argmax(rows @ weights))] for rows, right in groups])), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help="report only; leave the weights file alone")
    parser.add_argument("--index", type=Path, default=OUT / "index-1x", help="squad-dev index (built if missing)")
    args = parser.parse_args()
    service = QAService(Settings(corpus_dir=CORPUS, index_dir=args.index))
    service.sync()
    groups = collect(service)
    x = np.vstack([rows for rows, _ in groups])
    y = np.concatenate([right for _, right in groups]).astype(int)
    model = LogisticRegression(C=1.0, max_iter=2000).fit(x, y)
    weights = np.round(model.coef_[0], 4)
    before = top1(groups, load_blend().weights)
    after = top1(groups, weights)
    print(f"{len(groups)} FIT questions, {len(y)} sentences; best sentence holds gold (in-sample): {before} -> {after}")
    if args.dry_run:
        return
    body = {
        "about": "bench/fit_blend.py: logistic regression (C=1) over every retrieved sentence of the squad-dev "
        "questions of articles 00-11 (all 24 indexed), label: it holds a gold answer",
        "script": "bench/fit_blend.py",
        "features": list(BLEND_FEATURES),
        "length_cap": LENGTH_CAP,
        "weights": [float(w) for w in weights],
        "in_sample": {"questions": len(groups), "best_sentence_holds_gold": after, "with_previous_weights": before},
    }
    BLEND_FILE.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {BLEND_FILE}")


if __name__ == "__main__":
    main()
