"""Fit the two learned rankers of qa/answer on squad-dev and say how they do on held-out articles.

1. The sentence order (qa/answer/order.py): for every question, the best twelve sentences by the
   blended score, right when a sentence holds a gold answer. Reported: how often the first
   sentence holds one, by the blend alone and in the learned order.
2. The short-answer ranker (qa/answer/rank.py): for every who / when / where / how-many question,
   every option of the best three sentences (in the new order), right when it holds a gold answer.
   Reported: how often the chosen option holds one, by the rules alone and with the ranker.

Both are conditional logits (a softmax over one question's sentences or options, L2-penalised),
the short-answer one per question type. Each is fitted twice with the articles split in two
halves, each half scored by the fit on the other (two different splits: a report only), then
once on the FIT articles of bench/split.py for the weights file, so that every figure measured
on the TEST articles (bench/heldout_bench.py) is held out. Everything is collected as the app
sees it: same retrieval, same rules, same features. The extractor's weight beside the short-answer
ranker (qa/answer/ranker_extractor.json) is fitted after it: training/fit_ranker_extractor.py.

    .venv/bin/python bench/train_rankers.py            # report, and write both weights files
    .venv/bin/python bench/train_rankers.py --dry-run  # report only (stage 2 then uses the order on disk)

With `--written`, the short-answer ranker is also fitted on the typed questions of the written
paragraphs (bench/written_corpora.py; not the held-out ones), each weighed `--written-weight`; the
weight is chosen by the short answer on FIT's articles held out of each fit, which it prints.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import written_corpora
from common import CORPUS, OUT, QUESTIONS
from scipy.optimize import minimize
from split import FIT
from tqdm import tqdm

from qa.answer.chooser import rule_choice
from qa.answer.intent import read
from qa.answer.order import ORDER_FILE, candidates, first, load_order, order_features, scored, sentence_rows
from qa.answer.question import TYPED, QuestionType, question_type
from qa.answer.rank import WEIGHTS_FILE, feature_names, load_ranker, option_matrix, pick, pool_of, ruled_option
from qa.config import Settings
from qa.retrieve.hybrid import PassageHit, Query, make_query, retrieve
from qa.service import QAService

FOLDS = ("odd/even", "first/second half")


@dataclass
class Example:
    article: int
    kind: str  # the question type the weights are fitted for ("all": one fit for every type)
    rows: np.ndarray  # one row per sentence or option
    right: np.ndarray  # it holds a gold answer
    baseline_right: bool  # the blend's first sentence, or the rules' own pick, holds one
    weight: float = 1.0  # its weight in the fit (the written paragraphs' questions: --written-weight)


def questions(
    service: QAService, desc: str, items: list[dict] | None = None
) -> Iterator[tuple[dict, QuestionType, Query, list[PassageHit]]]:
    """squad-dev's questions (or `items`) with their retrieval, as the app sees them."""
    if items is None:
        items = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    for item in tqdm(items, desc=desc, unit="q", mininterval=5):
        query = make_query(item["question"], service.encoder.encode([item["question"]])[0])
        hits, _ = retrieve(query, service.catalog, service.settings)
        yield item, question_type(item["question"]), query, hits


def holds(text: str, item: dict) -> bool:
    return any(a.lower() in text.lower() for a in item["answers"])


def collect_sentences(service: QAService, pool: int) -> list[Example]:
    catalog, examples = service.catalog, []
    for item, qtype, query, hits in questions(service, "Collecting sentences"):
        found = scored(query, hits, catalog)[:pool]
        if not found:
            continue
        rows = sentence_rows(item["question"], qtype, query, hits, found, catalog)
        right = np.array([holds(catalog.sentences[c.sentence.index].text, item) for c in found])
        examples.append(Example(int(item["doc"][:2]), "all", rows, right, bool(right[0])))
    return examples


def collect_options(service: QAService, pool: int, items: list[dict] | None = None) -> list[Example]:
    """Every typed question's options; `items` (written questions) count as article -1."""
    catalog, settings, examples = service.catalog, service.settings, []
    for item, qtype, query, hits in questions(service, "Collecting short-answer options", items):
        if qtype not in TYPED:
            continue
        question = item["question"]
        found = candidates(question, qtype, query, hits, catalog, settings)
        intent = read(question, qtype=qtype)
        main, span, _ = rule_choice(intent, found, catalog, settings)
        pooled = pool_of(found, catalog, pool)
        texts = [p.text for p in pooled]
        ruled = ruled_option(found[:pool], main, span)
        options, rows = option_matrix(intent, pooled, ruled, catalog.sentences_lexical.weight, pool)
        right = np.array([holds(texts[o.pooled][o.span.start : o.span.end], item) for o in options])
        main_text = catalog.sentences[main.sentence.index].text
        rules_right = span is not None and holds(main_text[span.start : span.end], item)
        examples.append(Example(-1 if items else int(item["doc"][:2]), qtype, rows, right, rules_right))
    return examples


def written_options(pool: int, weight: float) -> list[Example]:
    """Typed questions of the written paragraphs the extractor and reader were trained on (not the
    held-out ones), each writer's indexed alone as a small corpus (bench/written_corpora.py)."""
    examples: list[Example] = []
    for writer, paras in written_corpora.by_writer(held_out=False).items():
        service = written_corpora.service(f"train-{writer}", paras)
        service.settings.answer.learned_spans = False
        items = [{"question": qa["q"], "answers": [qa["a"]]} for para in paras for qa in para["qas"] if qa["a"]]
        examples += [replace(e, weight=weight) for e in collect_options(service, pool, items)]
    return examples


def fit(examples: list[Example], l2: float) -> np.ndarray:
    """Conditional logit: maximise the probability mass on a question's right rows."""
    groups = [(e.rows, e.right.astype(float), e.weight) for e in examples if e.right.any()]
    dim = groups[0][0].shape[1]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = l2 * float(w @ w) / 2, l2 * w
        for rows, right, weight in groups:
            s = rows @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            mass = float(p @ right) + 1e-12
            total -= weight * np.log(mass)
            grad = grad - weight * (rows.T @ (p * right / mass - p))
        return total, grad

    return minimize(loss, np.zeros(dim), jac=True, method="L-BFGS-B", options={"maxiter": 500}).x


def fit_per_kind(examples: list[Example], l2: float) -> dict[str, np.ndarray]:
    return {kind: fit([e for e in examples if e.kind == kind], l2) for kind in sorted({e.kind for e in examples})}


Chooser = Callable[[np.ndarray, np.ndarray], int]


def held_out(
    examples: list[Example], l2: float, fold: str, choose: Chooser, extra: list[Example] | None = None
) -> dict[str, tuple[float, float, int]]:
    """Per question type and in all: (baseline, learned, n) on the articles outside each fit (the
    halves of the articles `examples` come from); `extra` joins every fit and is not scored."""
    articles = {e.article for e in examples}
    middle = (min(articles) + max(articles) + 1) // 2
    side = (lambda e: e.article % 2) if fold == FOLDS[0] else (lambda e: int(e.article >= middle))
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for k in (0, 1):
        weights = fit_per_kind([e for e in examples if side(e) != k] + (extra or []), l2)
        for e in examples:
            if side(e) == k:
                right = bool(len(e.rows)) and bool(e.right[choose(e.rows, weights[e.kind])])
                for key in {e.kind, "all"}:
                    tally[key][0] += e.baseline_right
                    tally[key][1] += right
                    tally[key][2] += 1
    return {kind: (round(b / n, 3), round(r / n, 3), n) for kind, (b, r, n) in tally.items()}


def report(name: str, examples: list[Example], l2: float, choose: Chooser) -> dict[str, dict]:
    figures = {fold: held_out(examples, l2, fold, choose) for fold in FOLDS}
    for fold, per in figures.items():
        print(f"{name}, held out ({fold} articles): " + ", ".join(f"{k} {b} -> {r}" for k, (b, r, _) in per.items()))
    return {
        fold: {k: {"baseline": b, "learned": r, "n": n} for k, (b, r, n) in per.items()}
        for fold, per in figures.items()
    }


def write(path: Path, about: str, held: dict, features: list[str], weights: object, **extra: object) -> None:
    body = {"about": about, **extra, "held_out": held, "features": features, "weights": weights}
    path.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")


def written_sweep(options: list[Example], written: list[Example], l2: float, margin: float) -> None:
    """For each weight of the written questions, the short answer on FIT's articles held out of the
    fit (odd/even, first/second half of FIT; the written questions in every fit): how the weight
    is chosen without TEST's questions."""
    for weight in (0.0, 0.1, 0.2, 0.35, 0.5, 1.0):
        extra = [replace(e, weight=weight) for e in written] if weight else []
        figures = [
            held_out(fitting(options), l2, fold, lambda r, w: pick(r, w, margin), extra)["all"][1] for fold in FOLDS
        ]
        print(f"written weight {weight}: short answer on FIT's held-out halves ({', '.join(FOLDS)}) {figures}")


def fitting(examples: list[Example]) -> list[Example]:
    """The examples the weights file may be fitted on: those of the FIT articles."""
    return [e for e in examples if e.article in FIT]


def rounded(w: np.ndarray) -> list[float]:
    return [round(float(x), 5) for x in w]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=12, help="sentences in the learned order (default 12)")
    parser.add_argument(
        "--pool", type=int, default=3, help="sentences whose short-answer options are weighed (default 3)"
    )
    parser.add_argument("--l2", type=float, default=3.0, help="L2 penalty of the short-answer fit (default 3)")
    parser.add_argument("--order-l2", type=float, default=1.0, help="L2 penalty of the sentence-order fit (default 1)")
    parser.add_argument(
        "--margin", type=float, default=0.5, help="how much more than the rules' pick another option must score (0.5)"
    )
    parser.add_argument(
        "--order-margin", type=float, default=1.0, help="how much more than the blend's first a sentence must score (1)"
    )
    parser.add_argument(
        "--written",
        action="store_true",
        help="fit the short-answer ranker also on the written paragraphs' typed questions (bench/written_corpora.py)",
    )
    parser.add_argument(
        "--written-weight", type=float, default=1.0, help="weight of each written question in the fit (default 1)"
    )
    parser.add_argument("--dry-run", action="store_true", help="report only; leave the weights files alone")
    parser.add_argument("--index", type=Path, default=OUT / "index-1x", help="squad-dev index (built if missing)")
    args = parser.parse_args()

    settings = Settings(corpus_dir=CORPUS, index_dir=args.index)
    settings.answer.learned_spans = False
    service = QAService(settings)
    service.sync()

    start = time.time()
    sentences = collect_sentences(service, args.sentences)
    print(f"{len(sentences)} questions in {time.time() - start:.0f} s")
    for margin in (0.0, 0.5, 1.0):
        sweep = [
            held_out(sentences, args.order_l2, fold, lambda r, w, m=margin: first(r @ w, m))["all"][1] for fold in FOLDS
        ]
        print(f"first sentence with margin {margin}: {sweep}")
    held = report(
        "first sentence holds the answer", sentences, args.order_l2, lambda rows, w: first(rows @ w, args.order_margin)
    )
    if not args.dry_run:
        about = "bench/train_rankers.py: conditional logit over the best sentences, fitted on squad-dev articles 00-11"
        order = fit(fitting(sentences), args.order_l2)
        extra = {"pool": args.sentences, "l2": args.order_l2, "margin": args.order_margin}
        write(ORDER_FILE, about, held, order_features(), rounded(order), **extra)
        load_order.cache_clear()

    start = time.time()
    options = collect_options(service, args.pool)
    print(f"{len(options)} typed questions in {time.time() - start:.0f} s")
    for margin in (0.0, 0.5, 1.0, 2.0):
        sweep = [held_out(options, args.l2, fold, lambda r, w, m=margin: pick(r, w, m))["all"][1] for fold in FOLDS]
        print(f"short answer with margin {margin}: {sweep}")
    held = report("short answer", options, args.l2, lambda rows, w: pick(rows, w, args.margin))
    written = written_options(args.pool, args.written_weight) if args.written else []
    if written:
        print(f"{len(written)} typed questions of the written paragraphs beside them in the fit")
        written_sweep(options, written, args.l2, args.margin)
    if not args.dry_run:
        about = "bench/train_rankers.py: conditional logit per question type over short-answer options, squad-dev 00-11"
        about += " and the written paragraphs' typed questions (held-out ones apart)" if written else ""
        weights = {kind: rounded(w) for kind, w in fit_per_kind(fitting(options) + written, args.l2).items()}
        extra = {
            "pool": args.pool,
            "l2": args.l2,
            "margin": args.margin,
            **({"written": len(written), "written_weight": args.written_weight} if written else {}),
        }
        write(WEIGHTS_FILE, about, held, feature_names(args.pool), weights, **extra)
        load_ranker.cache_clear()


if __name__ == "__main__":
    main()
