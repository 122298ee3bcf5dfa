"""Fit the bar a learned short answer must clear (qa/answer/extractor_gate.json).

Asks the product every squad-dev question of the CALIBRATE articles (bench/split.py: never read by
the extractor's training, nor by anything reported as held-out) against an index of all 24
articles, with the bar open. For each question that reaches the extractor (no short answer from
the rules), it records the extractor's best span in the chosen sentence, its share (start softmax x end
softmax over the sentence) and whether it holds a gold answer. The bar is the share that maximises
right minus COST x wrong short answers over those questions: below it, the reply is the quote
alone. (The gap to the "no answer" option was tried first: its precision is flat, about 0.4 at
every bar, so it cannot gate.)

    .venv/bin/python training/fit_extractor_gate.py --index bench/out/index-main
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from common import CORPUS, SQUAD
from split import CALIBRATE, article_of

import qa.answer.extracted as extracted
from qa.answer.extract import Extracted
from qa.config import Settings
from qa.evaluate.run import load_items
from qa.service import QAService

OUT = Path(__file__).resolve().parent / "out"
COST = 1.0  # a wrong short answer misleads as much as a right one helps
MAX_CHARS = 80  # longer spans are clauses, left to the quote


def sweep(records: list[dict[str, Any]], cost: float) -> dict[str, Any]:
    """The bar (a share) with the highest right - cost x wrong, and what it gives."""
    ranked = sorted(records, key=lambda r: -r["prob"])
    best = {"min_share": 1.01, "utility": 0.0, "given": 0, "right": 0}
    utility = right = 0.0
    for n, rec in enumerate(ranked, 1):
        utility += 1.0 if rec["right"] else -cost
        right += rec["right"]
        if utility > best["utility"] and (n == len(ranked) or ranked[n]["prob"] < rec["prob"]):
            best = {"min_share": rec["prob"], "utility": utility, "given": n, "right": int(right)}
    return best


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
    extracted.load_gate = lambda path=extracted.GATE_FILE: extracted.Gate(min_share=0.0, max_chars=MAX_CHARS)  # type: ignore[assignment]
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
    fit = sweep(records, COST)
    result = {
        "min_share": round(float(fit["min_share"]), 4),
        "max_chars": MAX_CHARS,
        "fitted_on": {"articles": sorted(CALIBRATE), "questions_reaching_the_extractor": len(records)},
        "cost_of_a_wrong_short_answer": COST,
        "at_the_bar": {"given": fit["given"], "right": fit["right"]},
        "with_no_bar": {"given": len(records), "right": sum(r["right"] for r in records)},
        "command": "training/fit_extractor_gate.py",
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
