"""Abstention at scale: index half of squad-dev (articles 00 to 11), ask every question of it and
every question of the other half (unanswerable there), and report how many of each are refused.
--n asks a random sample of that many from each side instead. With --articles, index only those
articles (a small corpus: "03" is 127 sentences; "12,13,...,23" is the other half).

    .venv/bin/python bench/abstention_bench.py [--n 500] [--seed 0] [--articles 03,05]
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
    parser.add_argument("--n", type=int, help="a random sample of this many questions from each side (default: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--articles", help="comma-separated article numbers to index (default: 00 to 11)")
    args = parser.parse_args()
    if args.n is not None and args.n < 1:
        parser.error("--n: give at least 1 (leave it out to ask every question)")
    articles = {int(a) for a in args.articles.split(",")} if args.articles else set(range(12))
    out = OUT if not args.articles else OUT.with_name(f"abstention-{'-'.join(f'{a:02d}' for a in sorted(articles))}")
    corpus = out / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    indexed = sorted(p for p in (SQUAD / "corpus").glob("*.txt") if int(p.name[:2]) in articles)
    for path in indexed:
        if not (corpus / path.name).exists():
            shutil.copy(path, corpus / path.name)
    names = {p.name for p in indexed}
    questions = [json.loads(line) for line in (SQUAD / "questions.jsonl").read_text().splitlines()]
    rng = random.Random(args.seed)
    own = [q for q in questions if q["doc"] in names]
    others = [q for q in questions if q["doc"] not in names]
    inside = rng.sample(own, min(args.n, len(own))) if args.n else own
    outside = rng.sample(others, min(args.n, len(others))) if args.n else others
    for q in outside:
        q["answerable"] = False
    for label, chosen in (("inside", inside), ("outside", outside)):
        (out / f"{label}.jsonl").write_text("".join(json.dumps(q) + "\n" for q in chosen))
    service = QAService(Settings(corpus_dir=corpus, index_dir=out / "index"))
    service.sync()
    result = {}
    for label in ("inside", "outside"):
        summary = evaluate(service, load_items(out / f"{label}.jsonl"), out / f"{label}-answers.jsonl")
        result[label] = summary
    print(
        json.dumps(
            {
                "indexed_sentences": len(service.catalog.sentences),
                "questions": {"indexed_half": len(inside), "other_half": len(outside)},
                "indexed_half_refused": result["inside"]["refused_answerable"],
                "indexed_half_answer_accuracy": result["inside"]["answer_accuracy"],
                "other_half_refused": result["outside"]["abstention_accuracy"],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
