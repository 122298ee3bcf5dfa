"""Fit qa/answer/reader_mix.json: how much the learned reader's logit moves the sentence order.

Reads only the CALIBRATE articles of bench/split.py (the reader was not trained on them, so
its logits there are honest). For each of their squad-dev questions, asked of an index of all
squad-dev articles, the product's own path gives the best `--pool` sentences in the learned order
(reader off); the reader scores each. The mix (qa/answer/rerank.py) is

    learned order's score + weight x reader logit + first_bonus x (first before)

and `weight` and `first_bonus` are the grid point that puts a gold-holding sentence first for the
most questions (ties: the smaller weights). Questions whose best `--pool` sentences hold no gold
sentence say nothing about the order and are left out. Each pool size from 2 to `--pool` is
tried (the reader's cost grows with it): the smallest whose best count is within `--slack` of
the largest's is kept. Figures printed are in-sample (CALIBRATE); held-out
ones come from bench/heldout_bench.py.

    .venv/bin/python training/fit_reader_mix.py [--index bench/out/index-1x] [--pool 6]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))  # the one split: bench/split.py
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, SQUAD
from split import CALIBRATE, article_of

import qa  # noqa: F401  (offline environment first)
from qa.answer import order
from qa.answer.question import question_type
from qa.answer.rerank import MIX_FILE, ReaderMix, read_pool
from qa.config import Settings
from qa.retrieve.hybrid import make_query, retrieve
from qa.service import QAService


def observe(
    service: QAService, items: list[dict[str, Any]], pool: int
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(learned scores, reader logits, holds gold) of each question's pool."""
    catalog, settings = service.catalog, service.settings
    seen = []
    for item in tqdm(items, desc="Reading the calibration questions", unit="q", mininterval=5):
        question = item["question"]
        query = make_query(question, service.encoder.encode([question])[0])
        hits, _ = retrieve(query, catalog, settings)
        found = order.candidates(question, question_type(question), query, hits, catalog, settings)[:pool]
        if len(found) < 2:
            continue
        gold = np.array(
            [
                (ref := catalog.sentences[c.sentence.index]).doc == item["doc"]
                and ref.start <= int(item["answer_start"]) < ref.end
                for c in found
            ]
        )
        if gold.any():
            learned = np.array([c.learned for c in found], dtype=np.float64)
            seen.append((learned, read_pool(question, found, catalog).astype(np.float64), gold))
    return seen


Seen = list[tuple[np.ndarray, np.ndarray, np.ndarray]]


def top1(seen: Seen, mix: ReaderMix) -> float:
    """The share of questions whose first sentence, in the mixed order of the first `mix.pool`, holds gold."""
    return float(np.mean([gold[int(np.argmax(mix.combine(lr[: mix.pool], rd[: mix.pool])))] for lr, rd, gold in seen]))


def best_mix(seen: Seen, pool: int) -> ReaderMix:
    grid = [
        ReaderMix(pool, round(float(w), 2), round(float(b), 2))
        for w in np.arange(0.0, 4.01, 0.1)
        for b in np.arange(0.0, 4.01, 0.25)
    ]
    return max(grid, key=lambda m: (round(top1(seen, m), 6), -m.weight, -m.first_bonus))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=REPO / "bench" / "out" / "index-1x", help="index of all 24")
    parser.add_argument("--pool", type=int, default=6, help="most sentences the reader may read per question (6)")
    parser.add_argument("--slack", type=float, default=0.005, help="share of questions a smaller pool may lose")
    parser.add_argument("--dry-run", action="store_true", help="report only; leave the file alone")
    args = parser.parse_args()
    settings = Settings(corpus_dir=SQUAD / "corpus", index_dir=args.index)
    settings = settings.model_copy(update={"answer": settings.answer.model_copy(update={"reader": False})})
    service = QAService(settings)
    service.sync(show_bar=False)
    lines = (SQUAD / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    items = [q for q in map(json.loads, filter(str.strip, lines)) if article_of(q["doc"]) in CALIBRATE]
    seen = observe(service, items, args.pool)
    mixes = {n: best_mix(seen, n) for n in range(2, args.pool + 1)}
    rates = {n: top1(seen, m) for n, m in mixes.items()}
    for n, m in mixes.items():
        print(f"pool {n}: weight {m.weight}, first bonus {m.first_bonus}: gold first {rates[n]:.4f}")
    best = mixes[min(n for n in mixes if rates[n] >= max(rates.values()) - args.slack)]
    before, after = top1(seen, ReaderMix(args.pool, 0.0, 0.0)), rates[best.pool]
    print(f"{len(seen)} calibration questions with a gold sentence among the first {args.pool} (in-sample)")
    print(
        f"gold first: learned order {before:.4f}; with the reader (weight {best.weight}, "
        f"first bonus {best.first_bonus}) {after:.4f}"
    )
    if args.dry_run:
        return
    body = {
        "about": "training/fit_reader_mix.py: grid fit on squad-dev CALIBRATE articles (the reader never saw them)",
        "script": "training/fit_reader_mix.py",
        "pool": best.pool,
        "weight": best.weight,
        "first_bonus": best.first_bonus,
        "in_sample": {
            "articles": sorted(CALIBRATE),
            "questions": len(seen),
            "gold_first_before": round(before, 4),
            "pools": {str(n): round(r, 4) for n, r in rates.items()},
            "gold_first_after": round(after, 4),
        },
    }
    MIX_FILE.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {MIX_FILE}")


if __name__ == "__main__":
    main()
