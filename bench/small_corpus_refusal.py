"""Refusals when the corpus is one article: squad2-dev's questions asked of their article alone.

A person often indexes a few news articles, not a library; there the evidence bar is lowered
(`small_relief` in qa/answer/abstention.json), since the best match of any question in a small
corpus is weaker. This measures what that costs: each squad2-dev article is indexed alone and
asked its own questions, answerable and unanswerable (plausible, about the article, not answered
by it). For every question it records the evidence logit, the bar it had to clear, and whether
the product refused. It then prints, for an extra offset of the bar, the share of each class
refused on the FIT articles (01, 05, 07, 08: where an offset may be chosen) and on the TEST
articles (13, 16, 20, 21, 22, 23: held out), so a change of the bar is judged where it was not
chosen. Writes bench/out/small_corpus_refusal.json.

    .venv/bin/python bench/small_corpus_refusal.py
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from common import CORPUS, OUT, SQUAD, corpus_settings, save
from split import FIT, TEST, article_of

from qa.answer import refuse
from qa.evaluate.run import load_items
from qa.service import QAService

SQUAD2 = SQUAD.parent / "squad2-dev" / "questions.jsonl"
OFFSETS = (-0.5, 0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)


@contextmanager
def watched(seen: list[dict[str, float]]) -> Iterator[None]:
    """Record, for every refusal decision taken meanwhile, its evidence logit, the bar it had to
    clear and the reader's best logit (one dict per decision, appended to `seen`)."""
    kept = {name: getattr(refuse, name) for name in ("evidence", "refusal_threshold", "reader_best")}
    keys = {"evidence": "evidence", "refusal_threshold": "bar", "reader_best": "reader"}

    def recording(name: str) -> Any:
        def call(*args: Any) -> float:
            value = float(kept[name](*args))
            if name == "reader_best" or not seen:
                seen.append({})  # refuse.refused reads the reader first: a new decision
            seen[-1][keys[name]] = value
            return value

        return call

    for name in kept:
        setattr(refuse, name, recording(name))
    try:
        yield
    finally:
        for name, original in kept.items():
            setattr(refuse, name, original)


def ask_alone(doc: str, items: list[Any]) -> list[dict[str, Any]]:
    """The article indexed alone, asked its questions: one row per question."""
    service = QAService(corpus_settings(f"alone-{doc[:2]}", [CORPUS / doc]))
    service.sync(show_bar=False)
    rows = []
    for item in items:
        seen: list[dict[str, float]] = []
        with watched(seen):
            answer = service.ask(item.question)
        margin = seen[-1]["evidence"] - seen[-1]["bar"] if seen and "bar" in seen[-1] else None
        rows.append({"answerable": item.answerable, "refused": answer.abstained, "margin": margin})
    return rows


def rates(rows: list[dict[str, Any]], offset: float) -> dict[str, float]:
    """Shares refused with the bar raised by `offset` (a question refused for another reason stays so)."""

    def refused(row: dict[str, Any]) -> bool:
        return bool(row["refused"] or (row["margin"] is not None and row["margin"] < offset))

    answerable = [refused(r) for r in rows if r["answerable"]]
    unanswerable = [refused(r) for r in rows if not r["answerable"]]
    return {
        "answerable refused": round(sum(answerable) / max(len(answerable), 1), 4),
        "unanswerable refused": round(sum(unanswerable) / max(len(unanswerable), 1), 4),
        "n": len(rows),
    }


def main() -> None:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    items = load_items(SQUAD2)
    docs = sorted({Path(i.doc).name for i in items if i.doc})
    rows: dict[str, list[dict[str, Any]]] = {"fit": [], "test": []}
    for doc in docs:
        part = "fit" if article_of(doc) in FIT else "test" if article_of(doc) in TEST else None
        if part is None:
            continue
        asked = [i for i in items if i.doc and Path(i.doc).name == doc]
        got = ask_alone(doc, asked)
        rows[part] += got
        print(doc, part, rates(got, 0.0), flush=True)
    table = {str(o): {part: rates(r, o) for part, r in rows.items()} for o in OFFSETS}
    for offset, row in table.items():
        print(f"offset {offset:>5}: FIT {row['fit']}  TEST {row['test']}")
    save("small_corpus_refusal", {"offsets": table, "rows": rows})
    (OUT / "small_corpus_refusal.txt").write_text(json.dumps(table, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
