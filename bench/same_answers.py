"""Every reply in full, for proving that a change (a faster path, a refactor) changes no answer.

Asks a seeded sample of the TEST articles' questions of bench/split.py (squad-dev and squad2-dev)
against one index and writes each whole reply (`Answer.to_dict`: text, short answer, refusal,
citations and related passages with their offsets and scores) to a JSONL file, one line per
question in a fixed order. Run it on two versions of the code against the same index and compare
the files: identical is the bar.

    .venv/bin/python bench/same_answers.py --index bench/out/index-main --out bench/out/same-a.jsonl
    OTHER/.venv/bin/python bench/same_answers.py --index ... --out bench/out/same-b.jsonl
    .venv/bin/python bench/same_answers.py --compare bench/out/same-a.jsonl bench/out/same-b.jsonl

The `qa` package answering is the one the running interpreter imports (printed at the start), so
another checkout's interpreter answers with that checkout's code.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

from common import CORPUS, OUT, SQUAD
from split import TEST, article_of

SETS = {"squad-dev": SQUAD / "questions.jsonl", "squad2-dev": SQUAD.parent / "squad2-dev" / "questions.jsonl"}


def sample(source: Path, n: int | None, seed: int) -> list[dict[str, Any]]:
    """The questions of `source` about TEST articles, a seeded sample of `n` when given."""
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    kept = [row for row in rows if article_of(row["doc"]) in TEST]
    if n is not None and n < len(kept):
        kept = random.Random(seed).sample(kept, n)
    return kept


def write_replies(index: Path, out: Path, n: int | None, seed: int) -> int:
    """Ask every sampled question once (after the service's warm-up) and write each full reply."""
    import qa
    from qa.config import Settings
    from qa.service import QAService

    print(f"answering with {Path(qa.__file__).parent}", file=sys.stderr)
    service = QAService(Settings(corpus_dir=CORPUS, index_dir=index))
    service.sync(show_bar=False)
    service.warm_up()
    count = 0
    with out.open("w", encoding="utf-8") as sink:
        for name, source in SETS.items():
            for row in sample(source, n, seed):
                reply = service.ask(row["question"]).to_dict()
                sink.write(json.dumps({"set": name, "id": row.get("id"), **reply}, ensure_ascii=False) + "\n")
                count += 1
    return count


def compare(a: Path, b: Path) -> int:
    """The number of lines that differ between two reply files (each difference printed)."""
    left = a.read_text(encoding="utf-8").splitlines()
    right = b.read_text(encoding="utf-8").splitlines()
    differ = 0
    if len(left) != len(right):
        print(f"{a}: {len(left)} replies, {b}: {len(right)}")
        differ += abs(len(left) - len(right))
    for x, y in zip(left, right, strict=False):
        if x != y:
            differ += 1
            print(f"differs: {json.loads(x)['question']!r}")
    print(f"{min(len(left), len(right))} replies compared, {differ} differ")
    return differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=OUT / "index-main", help="index of all squad-dev articles")
    parser.add_argument("--out", type=Path, default=OUT / "same-answers.jsonl")
    parser.add_argument("--n", type=int, default=400, help="a seeded sample of this many questions per set")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"), help="compare two reply files")
    args = parser.parse_args()
    if args.compare:
        sys.exit(1 if compare(*args.compare) else 0)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    print(f"{write_replies(args.index, args.out, args.n, args.seed)} replies written to {args.out}")


if __name__ == "__main__":
    main()
