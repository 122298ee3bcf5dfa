"""Fit the bar a learned short answer must clear (qa/answer/extractor_gate.json).

Asks the product every squad-dev question of the CALIBRATE articles (bench/split.py: never read by
the extractor's training, nor by anything reported as held-out) against an index of all 24
articles, with the gate open. For each question that reaches the extractor (no short answer from
the rules), it records the extractor's best span in the chosen sentence, its share (start softmax x
end softmax over the sentence), its gap over the "no answer" option and whether it holds a gold
answer. The gate is a logistic regression of "right" on the share's log-odds and the gap
(qa/answer/extracted.py's GATE_FEATURES); its bar is the score that maximises right minus COST x
wrong short answers over those questions: below it, the reply is the quote alone. Printed beside
it: the same utility with each bar chosen on four fifths of the questions and counted on the fifth
(20 shuffles), for the share alone and for the fitted score.

    .venv/bin/python training/fit_extractor_gate.py --index bench/out/index-main
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from common import CORPUS, SQUAD
from split import CALIBRATE, article_of

import qa.answer.extracted as extracted
from qa.answer.extract import Extracted
from qa.answer.extracted import GATE_FEATURES, gate_features
from qa.config import Settings
from qa.evaluate.run import load_items
from qa.service import QAService

OUT = Path(__file__).resolve().parent / "out"
COST = 1.0  # a wrong short answer misleads as much as a right one helps
MAX_CHARS = 80  # longer spans are clauses, left to the quote


def sweep(scores: np.ndarray, right: np.ndarray, cost: float) -> dict[str, Any]:
    """The bar (a score) with the highest right - cost x wrong among the questions scoring at or
    above it, and what it gives."""
    order = np.argsort(-scores, kind="stable")
    best = {"bar": math.inf, "utility": 0.0, "given": 0, "right": 0}
    utility = hits = 0.0
    for n, i in enumerate(order, 1):
        utility += 1.0 if right[i] else -cost
        hits += right[i]
        if utility > best["utility"] and (n == len(order) or scores[order[n]] < scores[i]):
            best = {"bar": float(scores[i]), "utility": utility, "given": n, "right": int(hits)}
    return best


def fitted_scores(x: np.ndarray, y: np.ndarray, train: np.ndarray, apply: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    model = LogisticRegression(C=1.0, max_iter=5000).fit(x[train], y[train])
    return model.decision_function(x[train]), model.decision_function(x[apply])


def cross_checked(x: np.ndarray, y: np.ndarray, learned: bool, shuffles: int = 20) -> dict[str, float]:
    """Right - wrong, given and right on each fifth with the bar (and the weights, when `learned`)
    chosen on the other four fifths: mean over the shuffles, summed over the fifths."""
    totals = []
    for seed in range(shuffles):
        utility = given = right = 0
        for train, test in StratifiedKFold(5, shuffle=True, random_state=seed).split(x, y):
            fit_s, test_s = fitted_scores(x, y, train, test) if learned else (x[train, 0], x[test, 0])
            chosen = test_s >= sweep(fit_s, y[train], COST)["bar"]
            given += int(chosen.sum())
            right += int(y[test][chosen].sum())
            utility += int(y[test][chosen].sum()) - int((1 - y[test][chosen]).sum())
        totals.append((utility, given, right))
    mean = np.mean(totals, axis=0)
    return {
        "right_minus_wrong": round(float(mean[0]), 1),
        "given": round(float(mean[1]), 1),
        "right": round(float(mean[2]), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True, help="index of all squad-dev articles")
    parser.add_argument("--out", type=Path, default=extracted.GATE_FILE)
    args = parser.parse_args()
    seen: list[Extracted] = []
    measured = extracted.reading_of

    def recording(*a: Any, **k: Any) -> Extracted:
        found = measured(*a, **k)
        seen.append(found)
        return found

    extracted.reading_of = recording  # type: ignore[assignment]
    extracted.load_gate = lambda path=extracted.GATE_FILE: extracted.Gate((0.0, 0.0), 0.0, -math.inf, MAX_CHARS)  # type: ignore[assignment]
    # the reading the learned short answer takes (its reply's batch of first sentences or its own)
    service = QAService(Settings(corpus_dir=CORPUS, index_dir=args.index, threads=1))
    service.sync(show_bar=False)
    items = [i for i in load_items(SQUAD / "questions.jsonl") if article_of(i.doc or "") in CALIBRATE]
    records = []
    for item in items:
        seen.clear()
        answer = service.ask(item.question)
        if not seen or answer.abstained:
            continue
        found = seen[-1]
        text = found.text.lower()
        right = bool(found.text) and len(found.text) <= MAX_CHARS and any(a.lower() in text for a in item.answers)
        records.append(
            {"gap": found.gap, "prob": found.prob, "right": right, "question": item.question, "span": found.text}
        )
    OUT.mkdir(exist_ok=True)
    with (OUT / "extractor-gate-records.jsonl").open("w", encoding="utf-8") as sink:
        sink.writelines(json.dumps(r) + "\n" for r in sorted(records, key=lambda r: -r["prob"]))
    x = np.array([gate_features(Extracted(0, 0, "", r["gap"], r["prob"])) for r in records])
    y = np.array([r["right"] for r in records], dtype=int)
    every = np.arange(len(y))
    scores = fitted_scores(x, y, every, every)[1]
    model = LogisticRegression(C=1.0, max_iter=5000).fit(x, y)
    fit = sweep(scores, y, COST)
    result = {
        "features": list(GATE_FEATURES),
        "weights": [round(float(w), 4) for w in model.coef_[0]],
        "bias": round(float(model.intercept_[0]), 4),
        "bar": round(float(fit["bar"]), 4),
        "max_chars": MAX_CHARS,
        "fitted_on": {"articles": sorted(CALIBRATE), "questions_reaching_the_extractor": len(records)},
        "cost_of_a_wrong_short_answer": COST,
        "at_the_bar": {"given": fit["given"], "right": fit["right"]},
        "with_no_bar": {"given": len(records), "right": int(y.sum())},
        "bar_chosen_on_four_fifths": {
            "the_share_alone": cross_checked(x, y, learned=False),
            "the_fitted_score": cross_checked(x, y, learned=True),
        },
        "command": "training/fit_extractor_gate.py",
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
