"""The quality gate: held-out questions asked of a real index, failing the build when answers regress.

The questions (tests/data/squad, written by training/make_gate.py) are about articles no fitted
part of the answer layer was fitted on (the TEST articles of bench/split.py);
the index holds those articles, two others and the seed article. The seed article's development
questions are asked too, with the article alone and with the other articles beside it. The floors
are the levels the product reached when they were set (docs/evaluation.md), less a small margin
for the rounding differences of other CPUs; a change that lowers a figure below its floor turns
the build red.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qa.evaluate.run import evaluate, load_items
from qa.service import QAService

DATA = Path(__file__).resolve().parents[1] / "data"
GATE = DATA / "squad"
FLOORS_FILE = Path(__file__).with_name("gate_floors.json")


def floors() -> dict[str, Any]:
    """The floors and ceilings (gate_floors.json: the levels measured when set, less the margin)."""
    return dict(json.loads(FLOORS_FILE.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def gate_service(tmp_path_factory: pytest.TempPathFactory, kit: Any) -> QAService:
    return kit.beside_article(tmp_path_factory.mktemp("gate"), GATE / "corpus")


@pytest.fixture(scope="module")
def gate(gate_service: QAService, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    out = tmp_path_factory.mktemp("gate-answers")
    return {
        name: evaluate(gate_service, load_items(GATE / f"{name}.jsonl"), out / f"{name}.jsonl")
        for name in ("answerable", "unanswerable")
    }


def test_answerable_held_out_questions_stay_answered(gate: dict[str, dict[str, Any]]) -> None:
    answerable, bar = gate["answerable"], floors()
    figures = {k: answerable[k] for k in ("answer_accuracy", "hit_at_1", "short_answer_right", "refused_answerable")}
    assert answerable["questions"] == 300
    assert answerable["answer_accuracy"] >= bar["reply_holds_gold"], figures
    assert answerable["hit_at_1"] >= bar["hit_at_1"], figures
    assert answerable["short_answer_right"] >= bar["short_answer_right"], figures
    assert answerable["refused_answerable"] <= bar["answerable_refused_at_most"], figures


def test_unanswerable_held_out_questions_stay_refused(gate: dict[str, dict[str, Any]]) -> None:
    unanswerable = gate["unanswerable"]
    assert unanswerable["questions"] == 250
    assert unanswerable["abstention_accuracy"] >= floors()["unanswerable_refused"], unanswerable["abstention_accuracy"]


@pytest.mark.parametrize("corpus", ["article alone", "beside other articles"])
def test_the_articles_dev_questions_stay_answered(
    corpus: str, article_service: QAService, gate_service: QAService, tmp_path: Path
) -> None:
    service = article_service if corpus == "article alone" else gate_service
    summary = evaluate(service, load_items(DATA / "article-dev.jsonl"), tmp_path / "dev.jsonl")
    wrong = [
        json.loads(line)["question"]
        for line in (tmp_path / "dev.jsonl").read_text().splitlines()
        if line.strip() and not json.loads(line).get("right", True)
    ]
    assert summary["questions"] == 22
    assert summary["right"] >= floors()["article_dev_right"][corpus], wrong
