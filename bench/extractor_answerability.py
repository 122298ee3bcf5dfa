"""How well the span extractor's no-answer gap tells squad2-dev's answerable questions from its
unanswerable ones on the CALIBRATE articles (bench/split.py; no model was trained on them), read
as the product reads (each of the order's first sentences with the one before it) or over the best
retrieved passages read whole. Prints the AUC and the share of unanswerable questions refused at
the bar that refuses 5% of the answerable ones (in-sample for that bar: a ceiling, not a result).

    .venv/bin/python bench/extractor_answerability.py [--index bench/out/index-main] [--passages 256]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from common import CORPUS, OUT, SQUAD
from split import CALIBRATE, article_of

from qa.answer import order
from qa.answer.extract import MODEL_DIR, Extractor
from qa.answer.intent import read
from qa.answer.readings import LEAST_GAP, Readings
from qa.config import Settings
from qa.retrieve.hybrid import make_query, retrieve
from qa.service import QAService

SENTENCES = (1, 3, 5, 8)


def auc(answerable: np.ndarray, scores: np.ndarray) -> float:
    """The chance that an answerable question scores above an unanswerable one (ties count half)."""
    pos, neg = scores[answerable], scores[~answerable]
    above = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()
    return float(above)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=OUT / "index-main", help="index of all squad-dev articles")
    parser.add_argument("--passages", type=int, metavar="TOKENS", help="also read the two best passages whole")
    args = parser.parse_args()
    service = QAService(Settings(corpus_dir=CORPUS, index_dir=args.index))
    service.sync(show_bar=False)
    catalog = service.catalog
    whole = Extractor(MODEL_DIR) if args.passages else None
    if whole is not None:
        whole._tokenizer.enable_truncation(args.passages, strategy="only_second")
    lines = (SQUAD.parent / "squad2-dev" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    items = [item for line in lines if line.strip() and article_of((item := json.loads(line))["doc"]) in CALIBRATE]
    answerable, gaps, passage_gaps = [], [], []
    for item in items:
        question = item["question"]
        query = make_query(question, service.encoder.encode([question])[0])
        hits, _ = retrieve(query, catalog, service.settings)
        found = order.ordered(question, read(question).qtype, query, hits, catalog, service.settings)
        readings = Readings.of_first(question, found, catalog, max(SENTENCES))
        gaps.append([readings.best_gap(k) for k in SENTENCES])
        if whole is not None:
            read_whole = whole.extract(question, [(catalog.passages[h.index].text, "") for h in hits[:2]])
            passage_gaps.append(max([LEAST_GAP, *(r.gap for r in read_whole)]))
        answerable.append(item.get("answerable", True) is not False)
    ok = np.array(answerable)
    columns = {f"first {k} sentences": np.array(gaps)[:, i] for i, k in enumerate(SENTENCES)}
    if passage_gaps:
        columns[f"two best passages whole ({args.passages} tokens)"] = np.array(passage_gaps)
    print(f"CALIBRATE squad2-dev: {int(ok.sum())} answerable, {int((~ok).sum())} unanswerable")
    for name, scores in columns.items():
        bar = np.quantile(scores[ok], 0.05)
        print(f"| {name} | AUC {auc(ok, scores):.3f} | refused at 5%: {np.mean(scores[~ok] < bar):.3f} |")


if __name__ == "__main__":
    main()
