"""Quality on the TEST articles of bench/split.py, which no fitted number was fitted on.

Asks, against an index of all 24 squad-dev articles:
- every squad-dev question of the TEST articles: reply holds a gold answer, hit@1 of the first
  citation, typed short answers right (who / when / where / how many), a short answer given and
  right (all questions), answerable questions refused;
- every squad2-dev question of the TEST articles: unanswerable ones refused, answerable ones refused;
- the seed article's dev questions, with the article alone and beside the 24 squad-dev articles
  (in-sample: those questions were looked at while the rules were written).
Writes bench/out/heldout.json and prints the table. The half-indexed check is bench/abstention_bench.py.

    .venv/bin/python bench/heldout_bench.py [--n 500] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from common import CORPUS, OUT, REPO, SQUAD, corpus_settings, save
from split import TEST, article_of

from qa.config import Settings
from qa.evaluate.run import evaluate, load_items
from qa.service import QAService

SQUAD2 = SQUAD.parent / "squad2-dev" / "questions.jsonl"
ARTICLE = REPO / "corpus" / "el-salvador-deportation-offer.txt"
DEV = SQUAD.parents[1] / "questions" / "article-dev.jsonl"


def held_out(source: Path, target: Path, n: int | None, seed: int) -> Path:
    """The questions of `source` about TEST articles (a seeded sample of `n` if given), as a file."""
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    kept = [line for line in lines if article_of(json.loads(line)["doc"]) in TEST]
    if n is not None and n < len(kept):
        kept = random.Random(seed).sample(kept, n)
    target.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return target


def dev_questions(corpus_files: list[Path], name: str) -> dict[str, Any]:
    """The seed article's dev questions, asked of one index holding `corpus_files`."""
    service = QAService(corpus_settings(name, corpus_files))
    service.sync(show_bar=False)
    summary = evaluate(service, load_items(DEV), OUT / f"article-dev-{name}.jsonl")
    return {k: summary[k] for k in ("questions", "right")}


ROWS = (
    ("reply holds a gold answer", "squad-dev", "answer_accuracy"),
    ("hit@1 of the first citation", "squad-dev", "hit_at_1"),
    ("typed short answer right (who/when/where/how many)", "squad-dev", "short_answer_right_typed"),
    ("short answer given and right (all questions)", "squad-dev", "short_answer_right"),
    ("answerable refused", "squad-dev", "refused_answerable"),
    ("squad2-dev unanswerable refused", "squad2-dev", "abstention_accuracy"),
    ("squad2-dev answerable refused", "squad2-dev", "refused_answerable"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, help="a seeded sample of this many questions per set (default: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--index", type=Path, default=OUT / "index-1x", help="index of all squad-dev articles")
    parser.add_argument("--no-dev", action="store_true", help="skip the seed article's dev questions")
    parser.add_argument("--name", default="heldout", help="name of the result file in bench/out (default heldout)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    service = QAService(Settings(corpus_dir=CORPUS, index_dir=args.index))
    service.sync(show_bar=False)
    result: dict[str, Any] = {}
    for name, source in (("squad-dev", SQUAD / "questions.jsonl"), ("squad2-dev", SQUAD2)):
        path = held_out(source, OUT / f"heldout-{name}.jsonl", args.n, args.seed)
        result[name] = evaluate(service, load_items(path), OUT / f"{args.name}-{name}-answers.jsonl")
    if not args.no_dev:
        result["article dev, alone (in-sample)"] = dev_questions([ARTICLE], "article")
        result["article dev, beside squad-dev (in-sample)"] = dev_questions([*CORPUS.glob("*.txt"), ARTICLE], "25")
    save(args.name, result)
    print(f"held-out: squad-dev articles {min(TEST):02d}-{max(TEST):02d}, index of all 24")
    for label, kind, key in ROWS:
        print(f"| {label} | {result[kind].get(key)} |")
    counts = ", ".join(f"{kind} {result[kind]['questions']}" for kind in ("squad-dev", "squad2-dev"))
    print(f"| questions | {counts} |")
    for key, value in result.items():
        if key.startswith("article dev"):
            print(f"| {key} | {value['right']}/{value['questions']} |")


if __name__ == "__main__":
    main()
