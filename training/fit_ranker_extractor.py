"""Fit the extractor's weight in the typed short answer (qa/answer/ranker_extractor.json).

The learned ranker (qa/answer/rank.py, fitted by bench/train_rankers.py) scores every option of the
best sentences of a who / when / where / how-many question and so chooses a sentence. The
extractor reads that sentence and gives each of its options a log-probability of being the answer
(a start at its first token, an end at its last); the ranker's score plus the extractor's,
weighted, chooses among them (`rank.same_sentence`). This fits that one weight by conditional
likelihood (the probability mass on the right options of the chosen sentence, the ranker's
weights held fixed) on the CALIBRATE articles (bench/split.py): the extractor was never trained on
them. The ranker's own weights were fitted on FIT, which holds CALIBRATE, so the ranker looks
better here than elsewhere and the fitted weight leans low. Held-out figures:
bench/heldout_bench.py.

    .venv/bin/python training/fit_ranker_extractor.py --index bench/out/index-main
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from common import CORPUS, QUESTIONS
from split import CALIBRATE, article_of

from qa.answer.chooser import rule_choice
from qa.answer.extracted import extract_in
from qa.answer.intent import read
from qa.answer.order import candidates, prefer
from qa.answer.question import TYPED, question_type
from qa.answer.rank import (
    EXTRACTOR_FILE,
    WEIGHTS_FILE,
    extractor_scores,
    load_ranker,
    option_matrix,
    pick,
    pool_of,
    ruled_option,
    ruled_row,
    same_sentence,
)
from qa.config import Settings
from qa.retrieve.hybrid import make_query, retrieve
from qa.service import QAService


@dataclass(frozen=True)
class Example:
    """The options of the sentence the ranker chose for one typed question: their rows, the
    ranker's scores and the extractor's, and which hold a gold answer."""

    rows: np.ndarray
    ranker: np.ndarray
    extractor: np.ndarray
    right: np.ndarray


def collect(service: QAService, articles: frozenset[int]) -> list[Example]:
    """Every typed question of `articles`, its options read the way the product reads them."""
    catalog, settings, ranker = service.catalog, service.settings, load_ranker(WEIGHTS_FILE, None)
    examples = []
    lines = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    for item in tqdm([i for i in lines if article_of(i["doc"]) in articles], desc="Typed questions", unit="q"):
        question, qtype = item["question"], question_type(item["question"])
        if qtype not in TYPED:
            continue
        query = make_query(question, service.encoder.encode([question])[0])
        hits, _ = retrieve(query, catalog, settings)
        found = candidates(question, qtype, query, hits, catalog, settings)
        intent = read(question, qtype=qtype)
        main, span, _ = rule_choice(intent, found, catalog, settings)
        pool = found[: ranker.pool]
        pooled = pool_of(pool, catalog, ranker.pool)
        options, rows = option_matrix(
            intent, pooled, ruled_option(pool, main, span), catalog.sentences_lexical.weight, ranker.pool
        )
        if not options:
            continue
        same = same_sentence(options, pick(rows, ranker.weights[qtype], ranker.margin))
        chosen = options[same[0]].pooled
        reading = extract_in(question, pool[chosen].sentence.index, catalog)
        texts = [pooled[chosen].text[options[i].span.start : options[i].span.end].lower() for i in same]
        right = np.array([any(a.lower() in t for a in item["answers"]) for t in texts])
        ext = extractor_scores([options[i] for i in same], reading)
        examples.append(Example(rows[same], rows[same] @ ranker.weights[qtype], ext, right))
    return examples


def loss(weight: float, examples: list[Example]) -> float:
    """Minus the log of the probability mass on the right options, summed over the questions
    (one with no right option in the chosen sentence says nothing about the weight)."""
    total = 0.0
    for e in examples:
        if not e.right.any():
            continue
        s = e.ranker + weight * e.extractor
        p = np.exp(s - s.max())
        total -= float(np.log(p[e.right].sum() / p.sum() + 1e-12))
    return total


def chosen(e: Example, weight: float, margin: float) -> int:
    """The option chosen in the sentence: by the ranker alone, the rules' pick unless beaten by the
    ranker's margin (`rank.pick`); with the extractor weighed, the product takes the best of the
    fitted sum (margin 0), the likelihood's own choice."""
    return prefer(e.ranker + weight * e.extractor, ruled_row(e.rows), margin)


def right_share(examples: list[Example], weight: float, margin: float = 0.0) -> float:
    """The share of the questions whose chosen option holds a gold answer."""
    return round(float(np.mean([e.right[chosen(e, weight, margin)] for e in examples])), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True, help="index of all squad-dev articles")
    parser.add_argument("--out", type=Path, default=EXTRACTOR_FILE)
    args = parser.parse_args()
    service = QAService(Settings(corpus_dir=CORPUS, index_dir=args.index))
    service.sync()
    examples = collect(service, CALIBRATE)
    weight = float(minimize_scalar(lambda w: loss(w, examples), bounds=(0.0, 5.0), method="bounded").x)
    ranker = load_ranker(WEIGHTS_FILE, None)
    body = {
        "about": "the extractor's weight among the options of the sentence the ranker chose "
        "(qa/answer/rank.py, same_sentence), fitted on CALIBRATE",
        "weight": round(weight, 4),
        "pool": ranker.pool,
        "fitted_on": {"articles": sorted(CALIBRATE), "typed_questions": len(examples)},
        "in_sample_right": {
            "ranker": right_share(examples, 0.0, ranker.margin),  # the rules' margin, as without it
            "with_extractor": right_share(examples, weight),
        },
        "command": "training/fit_ranker_extractor.py",
    }
    args.out.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(body, indent=2))


if __name__ == "__main__":
    main()
