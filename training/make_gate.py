"""Write the CI gate's question sets (tests/data/squad/) from the held-out articles.

The gate (tests/evaluate/test_gate.py) asks them against an index of the articles in
tests/data/squad/corpus plus the seed article; only `TEST` articles of bench/split.py are
asked about, so no learned part was fitted on them. Seeded, so the files are the same each time.

    .venv/bin/python training/make_gate.py [--answerable 300] [--unanswerable 250]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))  # the one split: bench/split.py
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, SQUAD
from split import TEST, article_of

GATE = REPO / "tests" / "data" / "squad"

SQUAD2 = SQUAD.parent / "squad2-dev"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answerable", type=int, default=300)
    parser.add_argument("--unanswerable", type=int, default=250)
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args()
    indexed = {p.name for p in (GATE / "corpus").glob("*.txt")}

    def held_out(path: Path) -> list[dict[str, object]]:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [r for r in rows if r["doc"] in indexed and article_of(str(r["doc"])) in TEST]

    rng = random.Random(args.seed)
    answerable = held_out(SQUAD / "questions.jsonl")
    unanswerable = [r for r in held_out(SQUAD2 / "questions.jsonl") if r.get("answerable") is False]
    for name, rows, n in (
        ("answerable", answerable, args.answerable),
        ("unanswerable", unanswerable, args.unanswerable),
    ):
        chosen = sorted(rng.sample(rows, min(n, len(rows))), key=lambda r: str(r["id"]))
        (GATE / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in chosen), encoding="utf-8")
        print(f"{name}: {len(chosen)} of {len(rows)}")


if __name__ == "__main__":
    main()
