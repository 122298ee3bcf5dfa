"""The project's own news questions (tests/data/news-qa): seven invented articles and the
seed article in one corpus, 20 development questions and 55 kept unseen. The unseen set's answers are
never printed, here or by bench/news_bench.py: a failure names only the counts, so the set stays a
held-out check. The floors are in news_floors.json (the levels measured when set, less one question).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qa.evaluate.run import evaluate, load_items
from qa.service import QAService

NEWS = Path(__file__).resolve().parents[1] / "data" / "news-qa"
FLOORS = json.loads(Path(__file__).with_name("news_floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def news_service(tmp_path_factory: pytest.TempPathFactory, kit: Any) -> QAService:
    return kit.beside_article(tmp_path_factory.mktemp("news"), NEWS / "corpus")


@pytest.mark.parametrize("part", ["dev", "unseen"])
def test_news_questions_stay_answered_and_refused(part: str, news_service: QAService) -> None:
    summary = evaluate(news_service, load_items(NEWS / f"{part}.jsonl"), None)
    floor = FLOORS[part]
    assert summary["questions"] == floor["questions"]
    counts = {k: summary[k] for k in ("right", "answer_accuracy", "abstention_accuracy")}
    assert summary["right"] >= floor["right"], counts
    assert summary["answer_accuracy"] >= floor["answerable_right"], counts
