"""Abstention at scale: index half of squad-dev, ask 500 questions from it and 500 from the other
half (unanswerable there), and report how many of each are refused.

    .venv/bin/python bench/abstention_bench.py [--n 500] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path

import qa  # noqa: F401  (offline environment first)
from qa.config import Settings
from qa.evaluate.run import evaluate, load_items
from qa.service import QAService

SQUAD = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "squad-dev"
OUT = Path(__file__).resolve().parent / "out" / "abstention"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500, help="questions from each half")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    corpus = OUT / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    indexed = sorted(p for p in (SQUAD / "corpus").glob("*.txt") if int(p.name[:2]) < 12)
    for path in indexed:
        if not (corpus / path.name).exists():
            shutil.copy(path, corpus / path.name)
    names = {p.name for p in indexed}
    questions = [json.loads(line) for line in (SQUAD / "questions.jsonl").read_text().splitlines()]
    rng = random.Random(args.seed)
    inside = rng.sample([q for q in questions if q["doc"] in names], args.n)
    outside = rng.sample([q for q in questions if q["doc"] not in names], args.n)
    for q in outside:
        q["answerable"] = False
    for label, chosen in (("inside", inside), ("outside", outside)):
        (OUT / f"{label}.jsonl").write_text("".join(json.dumps(q) + "\n" for q in chosen))
    service = QAService(Settings(corpus_dir=corpus, index_dir=OUT / "index"))
    service.sync()
    result = {}
    for label in ("inside", "outside"):
        summary = evaluate(service, load_items(OUT / f"{label}.jsonl"), OUT / f"{label}-answers.jsonl")
        result[label] = summary
    print(
        json.dumps(
            {
                "indexed_half_refused": result["inside"]["refused_answerable"],
                "indexed_half_answer_accuracy": result["inside"]["answer_accuracy"],
                "other_half_refused": result["outside"]["abstention_accuracy"],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
