"""Fit qa/answer/abstention.json: when the documents do not answer, the reply is "not found".

Only FIT articles of bench/split.py are read. When the evidence weighs the learned reader's or
extractor's scores (`--features`), it is fitted on the questions of bench/split.py's CALIBRATE
articles only (07, 08, 11: those models were trained on the other FIT articles, so their scores on
them are too sure); without them, on every FIT article's. The FIT articles are split in two
halves (00-05, 06-11); each half is indexed alone:

- every such squad-dev question is asked of both: answerable when its article is indexed,
  not when it is not (the other half);
- squad2-dev's questions on those articles are asked of the half holding them: its
  unanswerable questions (plausible, about the indexed article, not answered by it) are the
  negatives that look most like answerable ones;
- with `--written K`, the paragraphs written for training (training/data/written) that no model
  was trained on, K per writer (the first K, which the training scripts hold out), each writer's
  indexed alone as a small corpus of short articles: news-sized corpora, with their answerable
  questions and the unanswerable ones written beside them.

For each question the product's own path gives qa/answer/abstain.py's evidence features (best
sentence cosine anywhere, the best-scored sentence's coverage of the question's terms and its
answer score, the reader's best logit, the extractor's best gap over the first
`--extractor-sentences` candidates) and whether it names something the index never contains. Then:

- `null_cosine_growth`: how an unanswered question's best cosine grows with the sentences
  searched (per e-fold; random blocks of 20 to 1,000 sentences of the indexed half, FIT questions
  of the other half), and `fitted_sentences`, the halves' mean size: a smaller corpus's best
  cosine is read as if it were that size;
- the evidence logit: a logistic regression (L2, C=1, both classes weighed alike);
- `threshold`: the evidence under which `--refuse` of the answerable questions fall (a choice of
  trade-off, not fitted: 0.03 by default);
- `unknown_name`: the bar for questions naming something the index never contains, the one (at or
  above the threshold) that refuses most more unanswerable than answerable questions (each as a
  share of its class).

The rest of the bars are rules with their provenance, not fitted here: a one-article corpus gets
`small_relief` off the threshold (set on articles 03 and 08 indexed alone, both FIT articles,
bench/abstention_bench.py --articles), `least_coverage` and no bar for nameless questions.
Figures printed are in-sample; held-out ones come from bench/heldout_bench.py.

    .venv/bin/python bench/fit_abstention.py [--features dense,coverage] [--refuse 0.03]
        [--extractor-sentences 3] [--written 10] [--out FILE] [--dry-run]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import written_corpora
from common import CORPUS, OUT, QUESTIONS
from sklearn.linear_model import LogisticRegression
from split import CALIBRATE, FIT, article_of
from tqdm import tqdm

from qa.answer import order
from qa.answer.abstain import named, reader_best, unknown_names
from qa.answer.fitted import ABSTENTION_FILE, EVIDENCE_FEATURES
from qa.answer.question import question_type, yes_or_no
from qa.answer.readings import Readings
from qa.config import Settings
from qa.retrieve.hybrid import make_query, retrieve
from qa.service import QAService

HALVES = (frozenset(sorted(FIT)[:6]), frozenset(sorted(FIT)[6:]))
SQUAD2 = QUESTIONS.parents[1] / "squad2-dev" / "questions.jsonl"
BLOCKS = (20, 50, 100, 200, 500, 1000)
# Rules, not fitted here (see the docstring and the settings' history in docs/evaluation.md).
BARS = {"least_sentences": 20, "small_sentences": 130, "small_relief": 0.5, "nameless": None, "least_coverage": 0.05}


@dataclass
class Seen:
    answerable: bool
    dense: float  # best sentence cosine anywhere, at the index's own size
    cover: float
    score: float
    read: float  # the reader's best logit
    gap: float  # the extractor's best gap over the first sentences
    yes_no: bool  # a yes/no question: its gap is replaced by the neutral value
    size: int  # sentences indexed
    unknown: bool
    plausible: bool  # written to look answerable (squad2-dev's, the written sets'), about what is indexed
    source: str = "squad"  # "squad" (the halves of squad-dev) or "written"


def half_service(half: frozenset[int]) -> QAService:
    base = OUT / "fit-abstention" / f"half-{min(half):02d}-{max(half):02d}"
    corpus = base / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for path in CORPUS.glob("*.txt"):
        if article_of(path.name) in half and not (corpus / path.name).exists():
            shutil.copy(path, corpus / path.name)
    service = QAService(Settings(corpus_dir=corpus, index_dir=base / "index"))
    service.sync(show_bar=False)
    return service


def written_items(paras: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every question of the paragraphs: answerable when it has an answer, else plausible."""
    return [
        {"question": qa["q"], "answerable": qa["a"] is not None, "plausible": qa["a"] is None}
        for para in paras
        for qa in para["qas"]
    ]


def half_items(items: list[dict[str, Any]], half: frozenset[int]) -> list[dict[str, Any]]:
    """squad-dev and squad2-dev questions asked of a half: answerable when their article is
    indexed and they are not marked unanswerable; plausible when squad2-dev marks them so."""
    return [
        {
            "question": i["question"],
            "answerable": article_of(i["doc"]) in half and i.get("answerable", True),
            "plausible": i.get("answerable") is False,
        }
        for i in items
    ]


def observe(
    service: QAService, items: list[dict[str, Any]], name: str, reads: int, source: str = "squad"
) -> list[Seen]:
    """The evidence of each question on the product's own path (compose.py)."""
    catalog, settings, seen = service.catalog, service.settings, []
    for item in tqdm(items, desc=f"Asking ({name})", unit="q", mininterval=5):
        question = item["question"]
        query = make_query(question, service.encoder.encode([question])[0])
        hits, sig = retrieve(query, catalog, settings)
        first = order.ordered(question, question_type(question), query, hits, catalog, settings)
        found = order.reread(question, first, catalog, settings)
        if not found:
            continue  # refused whatever the weights
        best = max(found, key=lambda c: c.score)
        cover = order.coverage(query, catalog.sentence_terms[best.sentence.index], catalog)
        seen.append(
            Seen(
                answerable=bool(item["answerable"]),
                dense=float(sig.sentence_dense.max()),
                cover=cover,
                score=best.score,
                read=reader_best(question, found, catalog),
                gap=Readings.of_first(question, first, catalog, reads).best_gap(),
                yes_no=yes_or_no(question),
                size=len(catalog.sentences),
                unknown=bool(unknown_names(question, catalog, named(question))),
                plausible=bool(item["plausible"]),
                source=source,
            )
        )
    return seen


def null_growth(service: QAService, items: list[dict], half: frozenset[int], rng: random.Random) -> list[float]:
    """Mean best cosine of questions not about the indexed half, among random blocks of BLOCKS sentences."""
    vectors = service.catalog.sentence_vectors
    outside = [i for i in items if article_of(i["doc"]) not in half]
    asked = rng.sample(outside, min(300, len(outside)))
    q = np.asarray(service.encoder.encode([i["question"] for i in asked]))
    means = []
    for n in BLOCKS:
        best = [float((vectors[rng.sample(range(len(vectors)), n)] @ v).max()) for v in q]
        means.append(float(np.mean(best)))
    return means


def matrix(seen: list[Seen], growth: float, fitted_sentences: int, least: int) -> np.ndarray:
    return np.array(
        [
            [
                s.dense + growth * max(0.0, math.log(fitted_sentences / max(s.size, least))),
                s.cover,
                s.score,
                s.read,
                s.gap,
            ]
            for s in seen
        ]
    )


def refused(
    logits: np.ndarray, bars: np.ndarray, y: np.ndarray, plausible: np.ndarray, written: np.ndarray
) -> dict[str, float | None]:
    out = logits < bars

    def share(mask: np.ndarray) -> float | None:
        return round(float(out[mask].mean()), 4) if mask.any() else None  # None: no such question

    return {
        "answerable_refused": share(y == 1),
        "unanswered_refused": share(y == 0),
        "of_which_squad2_unanswerable": share(plausible & ~written),
        "of_which_other_half": share((y == 0) & ~plausible),
        "written_answerable_refused": share((y == 1) & written),
        "written_unanswerable_refused": share((y == 0) & written),
    }


def arguments() -> tuple[argparse.Namespace, tuple[str, ...]]:
    """The command line, and the evidence features it asks for, in EVIDENCE_FEATURES' order."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--refuse", type=float, default=0.03, help="share of answerable questions refused (0.03)")
    parser.add_argument(
        "--extractor-sentences", type=int, default=3, help="first candidates the extractor reads for its gap (3)"
    )
    parser.add_argument(
        "--features",
        default=",".join(EVIDENCE_FEATURES),
        help="evidence features to weigh, comma-separated (all: " + ",".join(EVIDENCE_FEATURES) + "); without the "
        "reader's and the extractor's, every FIT article's questions are read, not only CALIBRATE's",
    )
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 strength of the logistic fit (1)")
    parser.add_argument(
        "--written",
        type=int,
        default=0,
        help="also fit on this many held-out written paragraphs per writer, each writer's indexed alone (0: none)",
    )
    parser.add_argument("--out", type=Path, default=ABSTENTION_FILE, help="file to write (the packaged one)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dry-run", action="store_true", help="report only; leave the file alone")
    args = parser.parse_args()
    asked = tuple(f.strip() for f in args.features.split(",") if f.strip())
    if not asked or not set(asked) <= set(EVIDENCE_FEATURES) or len(set(asked)) != len(asked):
        parser.error(f"--features: a subset of {','.join(EVIDENCE_FEATURES)}, got {args.features!r}")
    return args, tuple(f for f in EVIDENCE_FEATURES if f in asked)


def observations(
    args: argparse.Namespace, honest: frozenset[int], rng: random.Random
) -> tuple[list[Seen], np.ndarray, int]:
    """Every question's evidence (the halves', then the written corpora's), the mean null cosine
    curve of the halves and their mean size in sentences."""
    items = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [i for i in items if article_of(i["doc"]) in FIT]
    asked = [i for i in items if article_of(i["doc"]) in honest]
    plausible = [json.loads(line) for line in SQUAD2.read_text(encoding="utf-8").splitlines() if line.strip()]
    plausible = [i for i in plausible if article_of(i["doc"]) in honest]
    seen, curves, sizes = [], [], []
    for half in HALVES:
        service = half_service(half)
        sizes.append(len(service.catalog.sentences))
        curves.append(null_growth(service, items, half, rng))
        held = half_items(asked + [i for i in plausible if article_of(i["doc"]) in half], half)
        seen += observe(service, held, f"half {min(half):02d}-{max(half):02d}", args.extractor_sentences)
    for writer, paras in written_corpora.by_writer(True, args.written).items() if args.written else ():
        service = written_corpora.service(f"held-{args.written}-{writer}", paras)
        seen += observe(service, written_items(paras), writer, args.extractor_sentences, "written")
    return seen, np.mean(curves, axis=0), round(float(np.mean(sizes)))


def unknown_name_bar(logits: np.ndarray, y: np.ndarray, unknown: np.ndarray, threshold: float) -> float:
    """The bar (at or above the threshold) for questions naming something the index never
    contains that refuses most more unanswered than answerable ones, each as a share of its class."""

    def gain(bar: float) -> float:
        hit = unknown & (logits < bar) & (logits >= threshold)
        return float(hit[y == 0].sum() / max((y == 0).sum(), 1) - hit[y == 1].sum() / max((y == 1).sum(), 1))

    grid = [round(threshold + step, 2) for step in np.arange(0.0, 10.01, 0.05)]
    return max(grid, key=lambda b: (round(gain(b), 6), -b))


def about(honest: frozenset[int], written: int) -> str:
    """The fitted file's account of what it was fitted on."""
    return (
        "bench/fit_abstention.py: logistic evidence on the questions of squad-dev articles "
        + ", ".join(f"{a:02d}" for a in sorted(honest))
        + " (squad-dev and squad2-dev), each half of articles 00-11 indexed alone"
        + (f", and {written} held-out written paragraphs per writer, each writer's indexed alone" if written else "")
        + "; the threshold refuses --refuse of the answerable ones"
    )


def main() -> None:
    args, features = arguments()
    # the learned models were trained on READER articles: their scores are honest on CALIBRATE's only
    honest = CALIBRATE if {"reader", "extractor"} & set(features) else FIT
    seen, mean_curve, fitted_sentences = observations(args, honest, random.Random(args.seed))
    growth = float(np.polyfit(np.log(BLOCKS), mean_curve, 1)[0])
    print(f"best cosine of other-half questions among {BLOCKS} sentences: {np.round(mean_curve, 3).tolist()}")
    print(f"null cosine growth {growth:.4f} per e-fold; fitted size {fitted_sentences} sentences")

    least = int(BARS["least_sentences"] or 1)
    # a yes/no question's answer is no span: its extractor feature is the answerable questions' median gap
    neutral = round(float(np.median([s.gap for s in seen if s.answerable and not s.yes_no])), 4)
    seen = [replace(s, gap=neutral) if s.yes_no else s for s in seen]
    x = matrix(seen, growth, fitted_sentences, least)[:, [EVIDENCE_FEATURES.index(f) for f in features]]
    y = np.array([s.answerable for s in seen], dtype=int)
    unknown = np.array([s.unknown for s in seen])
    model = LogisticRegression(C=args.c, class_weight="balanced", max_iter=20000).fit(x, y)
    weights, bias = np.round(model.coef_[0], 4), round(float(model.intercept_[0]), 4)
    logits = x @ weights + bias
    threshold = round(float(np.quantile(logits[y == 1], args.refuse)), 4)
    unknown_bar = unknown_name_bar(logits, y, unknown, threshold)
    bars = np.where(unknown, max(threshold, unknown_bar), threshold)
    written = np.array([s.source == "written" for s in seen])
    chosen = refused(logits, bars, y, np.array([s.plausible for s in seen]), written)

    print(f"{int(y.sum())} answerable, {int((y == 0).sum())} unanswered questions (in-sample, evidence bars only)")
    print(
        f"fitted: weights {weights.tolist()}, bias {bias}, threshold {threshold}, "
        f"unknown-name bar {unknown_bar}: {chosen}"
    )
    if args.dry_run:
        return
    extractor = {"extractor_sentences": args.extractor_sentences, "extractor_neutral": neutral}
    body = {
        "about": about(honest, args.written),
        "script": "bench/fit_abstention.py",
        "features": list(features),
        "weights": [float(w) for w in weights],
        "bias": bias,
        "null_cosine_growth": round(growth, 4),
        "fitted_sentences": fitted_sentences,
        **(extractor if "extractor" in features else {}),
        "threshold": threshold,
        "bars": {**BARS, "unknown_name": unknown_bar},
        "in_sample": {
            "refuse_target": args.refuse,
            **chosen,
            "null_cosine_curve": dict(zip(map(str, BLOCKS), np.round(mean_curve, 4).tolist(), strict=True)),
        },
    }
    args.out.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
