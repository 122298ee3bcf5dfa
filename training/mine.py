"""Collect what the reader is trained and calibrated on: for every question of squad-dev and
squad2-dev, the candidate sentences the product's retrieval puts before the answer layer.

Each question becomes one JSON line with its best `--pool` sentences (blend order, as the app
builds them), each with its text, its neighbours in the passage (the reader's context), whether
it holds the gold answer, and the retrieval signals the answerability score also reads.

A sentence "holds" the answer when its span covers `answer_start` in the gold document. Other
sentences of the gold document whose text holds an accepted answer are marked ambiguous (-1):
they are neither taught as answers nor as non-answers.

    .venv/bin/python training/mine.py --index bench/out/index-1x --name full
    .venv/bin/python training/mine.py --articles 12-23 --name half-b   # out-of-corpus questions
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))  # the one split: bench/split.py
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, SQUAD
from split import article_of

import qa  # noqa: F401  (offline environment first)
from qa.answer.order import naming_documents_first, scored
from qa.answer.reader import context_of
from qa.config import Settings
from qa.retrieve.hybrid import make_query, retrieve
from qa.service import QAService

OUT = REPO / "training" / "out"

SQUAD2 = SQUAD.parent / "squad2-dev"


def parse_articles(spec: str) -> frozenset[int]:
    """ "12-23" or "3,5,7" (or both, comma-separated) as article numbers."""
    out: set[int] = set()
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    return frozenset(out)


def squad_questions() -> list[dict[str, Any]]:
    """Every squad-dev question, then squad2-dev's (marked), each once."""
    rows = [json.loads(line) for line in (SQUAD / "questions.jsonl").read_text().splitlines() if line.strip()]
    for row in rows:
        row["set"] = "squad"
    for line in (SQUAD2 / "questions.jsonl").read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            row["set"] = "squad2"
            rows.append(row)
    return rows


def label(item: dict[str, Any], doc: str, start: int, end: int, text: str) -> int:
    if item.get("answerable", True) is False or doc != item["doc"]:
        return 0
    if start <= int(item["answer_start"]) < end:
        return 1
    return -1 if any(a.lower() in text.lower() for a in item["answers"]) else 0


def mine(service: QAService, items: list[dict[str, Any]], pool: int, out: Path) -> None:
    catalog, settings = service.catalog, service.settings
    with out.open("w", encoding="utf-8") as sink:
        for item in tqdm(items, desc=f"Mining {out.stem}", unit="q", mininterval=5):
            question = item["question"]
            query = make_query(question, service.encoder.encode([question])[0])
            hits, _ = retrieve(query, catalog, settings)
            found = naming_documents_first(question, scored(query, hits, catalog), catalog)[:pool]
            cands = []
            for cand in found:
                ref = catalog.sentences[cand.sentence.index]
                cands.append(
                    {
                        "text": ref.text,
                        "context": context_of(cand.sentence.index, catalog),
                        "doc": ref.doc,
                        "start": ref.start,
                        "label": label(item, ref.doc, ref.start, ref.end, ref.text),
                        "blend": round(cand.score, 4),
                    }
                )
            row = {
                "id": item["id"],
                "set": item["set"],
                "question": question,
                "doc": item["doc"],
                "article": article_of(item["doc"]),
                "answerable": item.get("answerable", True),
                "answers": item.get("answers", []),
                "answer_start": item.get("answer_start"),
                "cands": cands,
            }
            sink.write(json.dumps(row) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--name", required=True, help="output name (training/out/candidates-NAME.jsonl)")
    parser.add_argument("--index", type=Path, help="an existing index of all squad-dev articles")
    parser.add_argument("--articles", help="index only these articles (e.g. 12-23) and ask the others' questions")
    parser.add_argument("--pool", type=int, default=10, help="candidate sentences kept per question (default 10)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    items = squad_questions()
    if args.articles:
        indexed = parse_articles(args.articles)
        work = OUT / f"index-{args.name}"
        corpus = work / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        for path in sorted((SQUAD / "corpus").glob("*.txt")):
            if article_of(path.name) in indexed and not (corpus / path.name).exists():
                shutil.copy(path, corpus / path.name)
        settings = Settings(corpus_dir=corpus, index_dir=work / "index")
        items = [q for q in items if article_of(q["doc"]) not in indexed]
        for q in items:  # their articles are not indexed: nothing here answers them
            q["answerable"] = False
    else:
        index = args.index or REPO / "bench" / "out" / "index-1x"
        settings = Settings(corpus_dir=SQUAD / "corpus", index_dir=index)
    service = QAService(settings)
    service.sync(show_bar=False)
    mine(service, items, args.pool, OUT / f"candidates-{args.name}.jsonl")
    if args.articles:
        shutil.rmtree(work / "corpus", ignore_errors=True)


if __name__ == "__main__":
    main()
