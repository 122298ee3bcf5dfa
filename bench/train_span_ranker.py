"""Fit the short-answer ranker (qa/answer/rank.py) on squad-dev and say how it does on held-out articles.

For every who / when / where / how-many question, the options of the best sentences are collected
exactly as the app sees them (same retrieval, same rules, same features); an option is right when
it holds a gold answer. A conditional logit per question type (softmax over one question's options,
L2-penalised) is fitted twice with the articles split in two halves, each half scored by the fit on
the other (two different splits), then once on all of them for the weights file.

    .venv/bin/python bench/train_span_ranker.py            # report, and write qa/answer/span_ranker.json
    .venv/bin/python bench/train_span_ranker.py --dry-run  # report only
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from common import CORPUS, OUT, QUESTIONS
from scipy.optimize import minimize
from tqdm import tqdm

from qa.answer.compose import _candidates, _rule_choice
from qa.answer.question import TYPED, question_type
from qa.answer.rank import WEIGHTS_FILE, Option, Pooled, feature_names, option_matrix, pick
from qa.config import Settings
from qa.retrieve.hybrid import make_query, retrieve
from qa.service import QAService


@dataclass
class Example:
    article: int
    qtype: str
    rows: np.ndarray  # one row per option
    right: np.ndarray  # the option holds a gold answer
    rules_right: bool  # the rules' own pick holds one


def collect(service: QAService, pool: int) -> list[Example]:
    catalog, settings = service.catalog, service.settings
    examples = []
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    for line in tqdm(lines, desc="Collecting options", unit="q", mininterval=5):
        item = json.loads(line)
        question, qtype = item["question"], question_type(item["question"])
        if qtype not in TYPED:
            continue
        golds = [a.lower() for a in item["answers"]]
        query = make_query(question, service.encoder.encode([question])[0])
        hits, _ = retrieve(query, catalog, settings)
        candidates = _candidates(query, hits, catalog, settings)
        main, span, _ = _rule_choice(question, qtype, candidates, catalog, settings)
        texts = [catalog.sentences[c.sentence.index].text for c in candidates[:pool]]
        pooled = [
            Pooled(t, c.score, c.sentence.dense, c.sentence.lexical) for t, c in zip(texts, candidates, strict=False)
        ]
        ruled = next((Option(i, span) for i, c in enumerate(candidates[:pool]) if c is main), None) if span else None
        options, rows = option_matrix(question, qtype, pooled, ruled, catalog.sentences_lexical.weight, pool)
        right = np.array([any(g in texts[o.pooled][o.span.start : o.span.end].lower() for g in golds) for o in options])
        main_text = catalog.sentences[main.sentence.index].text
        rules_right = span is not None and any(g in main_text[span.start : span.end].lower() for g in golds)
        examples.append(Example(int(item["doc"][:2]), qtype, rows, right, rules_right))
    return examples


def fit(examples: list[Example], l2: float) -> np.ndarray:
    """Conditional logit: maximise the probability mass on a question's right options."""
    groups = [(e.rows, e.right.astype(float)) for e in examples if e.right.any()]
    dim = groups[0][0].shape[1]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = l2 * float(w @ w) / 2, l2 * w
        for rows, right in groups:
            s = rows @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            mass = float(p @ right) + 1e-12
            total -= np.log(mass)
            grad = grad - rows.T @ (p * right / mass - p)
        return total, grad

    return minimize(loss, np.zeros(dim), jac=True, method="L-BFGS-B", options={"maxiter": 500}).x


def fit_per_type(examples: list[Example], l2: float) -> dict[str, np.ndarray]:
    return {kind: fit([e for e in examples if e.qtype == kind], l2) for kind in TYPED}


def held_out(examples: list[Example], l2: float, fold: str, margin: float) -> dict[str, tuple[float, float, int]]:
    """Per type: (rules, learned, n) on articles outside each fit."""
    side = (lambda e: e.article % 2) if fold == "odd/even" else (lambda e: int(e.article >= 12))
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for k in (0, 1):
        weights = fit_per_type([e for e in examples if side(e) != k], l2)
        for e in examples:
            if side(e) != k:
                continue
            t = tally[e.qtype]
            t[0] += e.rules_right
            t[1] += bool(len(e.rows)) and bool(e.right[pick(e.rows, weights[e.qtype], margin)])
            t[2] += 1
    every = [sum(t[i] for t in tally.values()) for i in range(3)]
    tally["all"] = every
    return {kind: (round(r / n, 3), round(lr / n, 3), n) for kind, (r, lr, n) in tally.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pool", type=int, default=3, help="sentences whose options are weighed (default 3)")
    parser.add_argument("--l2", type=float, default=3.0, help="L2 penalty of the fit (default 3)")
    parser.add_argument(
        "--margin",
        type=float,
        default=0.5,
        help="how much more than the rules' pick another option must score (default 0.5)",
    )
    parser.add_argument("--dry-run", action="store_true", help="report only; leave the weights file alone")
    parser.add_argument("--index", type=Path, default=OUT / "index-1x", help="squad-dev index (built if missing)")
    args = parser.parse_args()

    settings = Settings(corpus_dir=CORPUS, index_dir=args.index)
    settings.answer.learned_spans = False
    service = QAService(settings)
    service.sync()
    start = time.time()
    examples = collect(service, args.pool)
    print(f"{len(examples)} typed questions in {time.time() - start:.0f} s")
    for margin in (0.0, 0.5, 1.0, 1.5, 2.0, 3.0):
        figures = [held_out(examples, args.l2, fold, margin)["all"][1] for fold in ("odd/even", "first/second half")]
        print(f"margin {margin}: {figures}")
    report = {fold: held_out(examples, args.l2, fold, args.margin) for fold in ("odd/even", "first/second half")}
    for fold, figures in report.items():
        print(f"held out ({fold} articles): " + ", ".join(f"{k} {r} -> {lr}" for k, (r, lr, _) in figures.items()))
    if args.dry_run:
        return
    weights = fit_per_type(examples, args.l2)
    WEIGHTS_FILE.write_text(
        json.dumps(
            {
                "about": "bench/train_span_ranker.py: conditional logit per question type, fitted on squad-dev",
                "pool": args.pool,
                "l2": args.l2,
                "margin": args.margin,
                "questions": len(examples),
                "held_out": {
                    fold: {k: {"rules": r, "learned": lr, "n": n} for k, (r, lr, n) in figures.items()}
                    for fold, figures in report.items()
                },
                "features": feature_names(args.pool),
                "weights": {kind: [round(float(x), 5) for x in w] for kind, w in weights.items()},
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {WEIGHTS_FILE}")


if __name__ == "__main__":
    main()
