"""Would the learned reader's own score refuse better than the evidence logit?

Asks every squad2-dev question of the CALIBRATE and TEST articles (bench/split.py) against the
index of all 24 squad-dev articles, and records for each the product's refusal, the evidence
margin (logit minus its bar) and the reader's best logit over the sentences it read. A refusal
rule "as shipped, or the reader's best logit under t" is then chosen on CALIBRATE (the largest
t that refuses at most `--budget` of its answerable questions; the reader never saw these
articles) and measured on TEST (held out). Also prints each signal's AUC on TEST. Writes
bench/out/reader_refusal.json.

    .venv/bin/python bench/reader_refusal.py [--budget 0.05]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
from common import CORPUS, OUT, SQUAD, save
from sklearn.metrics import roc_auc_score
from small_corpus_refusal import watched
from split import CALIBRATE, TEST, article_of
from tqdm import tqdm

from qa.config import Settings
from qa.evaluate.run import load_items
from qa.service import QAService

SQUAD2 = SQUAD.parent / "squad2-dev" / "questions.jsonl"


def observe(service: QAService, items: list[Any]) -> list[dict[str, Any]]:
    """One row per question: answerable, refused, evidence margin, reader's best logit."""
    rows = []
    for item in tqdm(items, desc="Asking", unit="q"):
        seen: list[dict[str, float]] = []
        with watched(seen):
            answer = service.ask(item.question)
        last = seen[-1] if seen else {}
        margin = last["evidence"] - last["bar"] if "bar" in last else None
        rows.append(
            {"answerable": item.answerable, "refused": answer.abstained, "margin": margin, "reader": last.get("reader")}
        )
    return rows


def refused_with(rows: list[dict[str, Any]], t: float) -> np.ndarray:
    return np.array([r["refused"] or (r["reader"] is not None and r["reader"] < t) for r in rows])


def shares(rows: list[dict[str, Any]], t: float) -> dict[str, float]:
    refused = refused_with(rows, t)
    answerable = np.array([r["answerable"] for r in rows])
    return {
        "answerable refused": round(float(refused[answerable].mean()), 4),
        "unanswerable refused": round(float(refused[~answerable].mean()), 4),
    }


def auc(rows: list[dict[str, Any]], key: str) -> float | None:
    kept = [r for r in rows if r[key] is not None]
    if not kept:
        return None
    return round(float(roc_auc_score([r["answerable"] for r in kept], [r[key] for r in kept])), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=float, default=0.05, help="answerable questions CALIBRATE may refuse")
    args = parser.parse_args()
    service = QAService(Settings(corpus_dir=CORPUS, index_dir=OUT / "index-1x"))
    service.sync(show_bar=False)
    items = load_items(SQUAD2)
    parts = {"calibrate": CALIBRATE, "test": TEST}
    rows = {
        name: observe(service, [i for i in items if i.doc and article_of(Path(i.doc).name) in arts])
        for name, arts in parts.items()
    }
    cal = rows["calibrate"]
    candidates = sorted({r["reader"] for r in cal if r["reader"] is not None})
    within = [t for t in candidates if shares(cal, t)["answerable refused"] <= args.budget]
    t = max(within) if within else -1e9
    result = {
        "budget": args.budget,
        "t": t,
        "shipped": {name: shares(r, -1e9) for name, r in rows.items()},
        "with reader bar": {name: shares(r, t) for name, r in rows.items()},
        "auc test": {"margin": auc(rows["test"], "margin"), "reader": auc(rows["test"], "reader")},
        "n": {name: len(r) for name, r in rows.items()},
    }
    print(result)
    save("reader_refusal", {**result, "rows": rows})


if __name__ == "__main__":
    main()
