"""Training examples from the question sets written here (training/data/written/*.jsonl).

Each line is one paragraph (news or encyclopedic, written for training, on topics outside every
test set) with answerable questions (the answer copied exactly from the paragraph) and
unanswerable ones written to look answerable (SQuAD 2.0's style). A paragraph is split into
sentences with the product's own splitter, and every question becomes what the extractor reads
in the product: (question, one sentence, the sentence before it):
- an answerable question: the sentence holding the answer, with the answer's characters as the
  target; and its `hard` sentences that share the most words with the question (no answer);
- an unanswerable question: its `hard` sentences that share the most words with it (no answer).

The file's first `holdout` paragraphs of each writer are left out of training and measured on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qa.ingest.split import split_sentences

DATA = Path(__file__).resolve().parent / "data" / "written"
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "by",
        "with",
        "and",
        "or",
        "is",
        "was",
        "were",
        "are",
        "did",
        "does",
        "do",
        "what",
        "who",
        "which",
        "when",
        "where",
        "how",
        "why",
    ]
)


def paragraphs(folder: Path = DATA) -> list[dict[str, Any]]:
    """Every written paragraph, in file order."""
    out = []
    for path in sorted(folder.glob("*.jsonl")):
        out.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return out


def split_by_writer(paras: list[dict[str, Any]], holdout: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(training, held out): the first `holdout` paragraphs of each writer (id prefix) are held out."""
    seen: dict[str, int] = {}
    train, held = [], []
    for p in paras:
        writer = str(p["id"]).split("-")[0]
        seen[writer] = seen.get(writer, 0) + 1
        (held if seen[writer] <= holdout else train).append(p)
    return train, held


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def candidates(para: dict[str, Any]) -> list[dict[str, Any]]:
    """The paragraph's sentences with their start and the sentence before each as context."""
    sents = split_sentences(para["context"])
    return [{"text": s.text, "start": s.start, "context": sents[i - 1].text if i else ""} for i, s in enumerate(sents)]


def _by_overlap(question: str, cands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    asked = _words(question)
    return sorted(cands, key=lambda c: -len(asked & _words(c["text"])))


def questions(paras: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]]:
    """(question, the paragraph's candidate sentences, the paragraph) for every question."""
    for para in paras:
        cands = candidates(para)
        for qa in para["qas"]:
            yield qa, cands, para


def gold_of(
    qa: dict[str, Any], para: dict[str, Any], cands: list[dict[str, Any]]
) -> tuple[dict[str, Any], tuple[int, int]] | None:
    """The sentence holding the answer's first occurrence, and the answer's characters in it."""
    at = para["context"].find(qa["a"])
    for cand in cands:
        lo = at - cand["start"]
        if lo >= 0 and lo + len(qa["a"]) <= len(cand["text"]) and cand["text"][lo : lo + len(qa["a"])] == qa["a"]:
            return cand, (lo, lo + len(qa["a"]))
    return None  # the answer crosses a sentence break


def examples(paras: list[dict[str, Any]], hard: int) -> list[dict[str, Any]]:
    """The extractor's examples ({"q", "s", "c", "span"}) from written paragraphs."""
    out: list[dict[str, Any]] = []
    for qa, cands, para in questions(paras):
        if qa["a"] is not None:
            found = gold_of(qa, para, cands)
            if found is None:
                continue
            gold, span = found
            out.append({"q": qa["q"], "s": gold["text"], "c": gold["context"], "span": span})
            others = [c for c in _by_overlap(qa["q"], cands) if c is not gold and qa["a"] not in c["text"]]
        else:
            others = _by_overlap(qa["q"], cands)
        out.extend({"q": qa["q"], "s": c["text"], "c": c["context"], "span": None} for c in others[:hard])
    return out
