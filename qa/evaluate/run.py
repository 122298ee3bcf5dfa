"""Run a question file (format: ../shared/questions/README.md) through the service and score it."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from qa.answer.question import TYPED, question_type
from qa.answer.quoting import own_length
from qa.schema import Answer, Turn
from qa.service import QAService


@dataclass
class Item:
    id: str
    question: str
    history: list[Turn] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    evidence: str | None = None
    doc: str | None = None
    answer_start: int | None = None
    answerable: bool = True


class QuestionFileError(ValueError):
    """A question file that cannot be read or holds a line that is no question; says where."""


def _answers(raw: object) -> list[str]:
    """Accepted answers: a list of strings, or one string (not its letters, each matching anything)."""
    listed = [raw] if isinstance(raw, str) else raw
    if not isinstance(listed, list) or not all(isinstance(a, str | int | float) for a in listed):
        raise TypeError("answers must be a list of strings")
    answers = [str(a) for a in listed if str(a).strip()]
    if listed and not answers:
        raise ValueError("answers are all blank")  # "" is in every reply
    return answers


def read_questions(path: Path) -> Iterator[Item]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise QuestionFileError(f"{path}: cannot be read ({reason})") from exc
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw: dict[str, Any] = json.loads(line)
            if not isinstance(raw, dict):
                raise TypeError(f"a JSON object is expected, not {type(raw).__name__}")
            yield Item(
                id=str(raw.get("id", lineno)),
                question=str(raw["question"]),
                history=[Turn(str(q), str(a)) for q, a in raw.get("history", [])],
                answers=_answers(raw.get("answers", [])),
                evidence=raw.get("evidence"),
                doc=raw.get("doc"),
                answer_start=raw.get("answer_start"),
                answerable=bool(raw.get("answerable", True)),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise QuestionFileError(f"{path}:{lineno}: not a valid question line ({exc})") from exc


def category(item: Item) -> str:
    if not item.answerable:
        return "unanswerable"
    if item.history:
        return "follow-up"
    kind = question_type(item.question)
    return "other" if kind == "other" else kind


def judge(item: Item, answer: Answer) -> dict[str, Any]:
    """Every figure for one question; `right` is the headline: accepted answer, evidence, no refusal."""
    text = answer.text.lower()
    found = any(a.lower() in text for a in item.answers) if item.answers else True
    cited = " ".join(c.quote + " " + c.passage for c in answer.citations).lower()
    evidence_ok = item.evidence.lower() in cited if item.evidence else None
    ranked: list[tuple[str, int, int]] = []
    for c in [*answer.citations, *answer.passages]:
        if (c.doc, c.passage_start, c.passage_end) not in ranked:
            ranked.append((c.doc, c.passage_start, c.passage_end))
    hits = (
        [doc == item.doc and start <= (item.answer_start or 0) < end for doc, start, end in ranked]
        if item.doc is not None and item.answer_start is not None
        else []
    )
    short_ok = (
        any(a.lower() in answer.short_answer.lower() for a in item.answers)
        if answer.short_answer and item.answers
        else False
    )
    right = (not answer.abstained and found and evidence_ok is not False) if item.answerable else answer.abstained
    return {
        "right": right,
        "answer_found": found and not answer.abstained,
        "evidence_found": evidence_ok,
        "hit_at_1": bool(hits and hits[0]) if hits else None,
        "hits": hits,
        "short_answer_right": short_ok,
        "own_chars": own_length(answer.text),
        "abstained": answer.abstained,
    }


def evaluate(service: QAService, items: list[Item], out: Path | None, k_hits: int = 5) -> dict[str, Any]:
    rows = []
    latencies = []
    sink = out.open("w", encoding="utf-8") if out else None
    try:
        for item in tqdm(items, desc="Answering", unit="q"):
            start = time.perf_counter()
            answer = service.ask(item.question, item.history)
            latency = (time.perf_counter() - start) * 1000
            latencies.append(latency)
            verdict = judge(item, answer)
            row = {
                "id": item.id,
                "question": item.question,
                "answer": answer.text,
                "abstained": answer.abstained,
                "short_answer": answer.short_answer,
                "citations": [
                    {"doc": c.doc, "start": c.start, "end": c.end, "quote": c.quote} for c in answer.citations
                ],
                "latency_ms": round(latency, 2),
                **{k: v for k, v in verdict.items() if k not in ("hits", "abstained")},
            }
            rows.append((item, verdict))
            if sink:
                sink.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if sink:
            sink.close()
    return summarize(rows, latencies, k_hits)


def summarize(rows: list[tuple[Item, dict[str, Any]]], latencies: list[float], k_hits: int) -> dict[str, Any]:
    answerable = [(i, v) for i, v in rows if i.answerable]
    unanswerable = [(i, v) for i, v in rows if not i.answerable]
    with_evidence = [v for i, v in answerable if i.evidence]
    with_doc = [v for i, v in answerable if i.doc is not None and i.answer_start is not None]
    typed = [v for i, v in answerable if question_type(i.question) in TYPED]
    per_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item, verdict in rows:
        per_type[category(item)].append(verdict)

    def rate(values: list[bool]) -> float | None:
        return round(sum(values) / len(values), 4) if values else None

    summary: dict[str, Any] = {
        "questions": len(rows),
        "right": sum(v["right"] for _, v in rows),
        "accuracy": rate([v["right"] for _, v in rows]),
        "answer_accuracy": rate([v["answer_found"] for _, v in answerable]),
        "evidence_in_citation": rate([bool(v["evidence_found"]) for v in with_evidence]),
        "abstention_accuracy": rate([v["right"] for _, v in unanswerable]),
        "refused_answerable": rate([v["abstained"] for _, v in answerable]),
        "short_answer_right_typed": rate([v["short_answer_right"] for v in typed]),
        "short_answer_right": rate([v["short_answer_right"] for _, v in answerable]),
        "max_own_chars": max((v["own_chars"] for _, v in rows), default=0),
        "latency_p50_ms": round(float(np.percentile(latencies, 50)), 2) if latencies else None,
        "latency_p95_ms": round(float(np.percentile(latencies, 95)), 2) if latencies else None,
        "per_type": {
            kind: {
                "n": len(verdicts),
                "right": rate([v["right"] for v in verdicts]),
                **({"short_answer_right": rate([v["short_answer_right"] for v in verdicts])} if kind in TYPED else {}),
            }
            for kind, verdicts in sorted(per_type.items())
        },
    }
    if with_doc:
        summary["hit_at_1"] = rate([bool(v["hits"] and v["hits"][0]) for v in with_doc])
        summary[f"hit_at_{k_hits}"] = rate([any(v["hits"][:k_hits]) for v in with_doc])
    return summary


def load_items(path: Path, sample: int | None = None, seed: int = 0) -> list[Item]:
    items = list(read_questions(path))
    if sample and sample < len(items):
        import random

        items = random.Random(seed).sample(items, sample)
    return items
