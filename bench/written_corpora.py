"""The paragraphs written for training (training/data/written) as small news-sized corpora.

Each writer's paragraphs are indexed alone, each paragraph a short article of its own, so that
questions about them are asked as a user with a handful of articles asks them. The first
`holdout` paragraphs of each writer are the ones the training scripts hold out
(training/written.py); the rest are those the extractor and reader were trained on (t7-t12:
none were).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))  # the written question sets

from common import OUT
from written import paragraphs, split_by_writer

from qa.config import Settings
from qa.service import QAService

HOLDOUT = 10  # paragraphs per writer the training scripts hold out


def by_writer(held_out: bool, holdout: int = HOLDOUT) -> dict[str, list[dict[str, Any]]]:
    """The held-out paragraphs (the first `holdout` of each writer), or the rest, by writer."""
    train, held = split_by_writer(paragraphs(), holdout)
    found: dict[str, list[dict[str, Any]]] = {}
    for para in held if held_out else train:
        found.setdefault(str(para["id"]).split("-")[0], []).append(para)
    return found


def service(name: str, paras: list[dict[str, Any]]) -> QAService:
    """`paras` indexed alone in bench/out/written/NAME (kept between runs), one file each."""
    base = OUT / "written" / name
    corpus = base / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for para in paras:
        path = corpus / f"{para['id']}.txt"
        if not path.exists():
            path.write_text(f"{para['title']}\n\n{para['context']}\n", encoding="utf-8")
    found = QAService(Settings(corpus_dir=corpus, index_dir=base / "index"))
    found.sync(show_bar=False)
    return found
