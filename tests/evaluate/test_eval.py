"""`qa eval`: one JSON line per question and a summary of accuracy, evidence, abstention, hits and latency."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from qa.cli.main import main
from qa.evaluate.run import read_questions
from qa.service import QAService


def _question_file(path: Path, text: str, doc: str) -> list[dict]:
    """Own questions about the article; offsets are looked up in the text, not typed in."""
    rows = [
        {
            "id": "prison",
            "question": "Which prison has room for 40,000 inmates?",
            "answers": ["CECOT", "Terrorism Confinement Center"],
            "evidence": "maximum capacity of 40,000 inmates",
            "doc": doc,
            "answer_start": text.index("maximum capacity of 40,000"),
        },
        {
            "id": "musk",
            "question": "What did Elon Musk call the deportation idea?",
            "answers": ["great idea"],
            "evidence": "called it a “great idea”",
            "doc": doc,
            "answer_start": text.index("great idea"),
        },
        {"id": "president", "question": "Who is the president of El Salvador?", "answers": ["Bukele"]},
        {
            "id": "follow",
            "question": "What did she call the proposal?",
            "history": [["Who is Mneesha Gellman?", "an Emerson College professor"]],
            "answers": ["bizarre"],
        },
        {"id": "off", "question": "What is the recipe for pupusas?", "answerable": False},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    return rows


@pytest.fixture(scope="module")
def eval_run(article_service: QAService, tmp_path_factory: pytest.TempPathFactory, kit):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("eval")
    doc = article_service.document(kit.ARTICLE_NAME)
    questions = folder / "questions.jsonl"
    rows = _question_file(questions, doc.text, kit.ARTICLE_NAME)
    out = folder / "answers.jsonl"
    # capsys is function-scoped; this module-scoped run captures output itself.
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(
            [
                "eval",
                str(questions),
                "--corpus",
                str(article_service.settings.corpus_dir),
                "--index",
                str(article_service.settings.index_dir),
                "--out",
                str(out),
            ]
        )
    return code, rows, out, stdout.getvalue(), doc


def test_eval_exits_zero_and_writes_one_line_per_question(eval_run) -> None:  # type: ignore[no-untyped-def]
    code, rows, out, _, doc = eval_run
    assert code == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == [r["id"] for r in rows]
    for line, row in zip(lines, rows, strict=True):
        assert {"id", "question", "answer", "abstained", "citations", "latency_ms"} <= set(line)
        assert line["question"] == row["question"]
        assert isinstance(line["latency_ms"], float) and line["latency_ms"] > 0
        for c in line["citations"]:
            assert set(c) == {"doc", "start", "end", "quote"}
            assert doc.text[c["start"] : c["end"]] == c["quote"]
    by_id = {line["id"]: line for line in lines}
    assert by_id["off"]["abstained"] is True and by_id["off"]["citations"] == []
    assert by_id["musk"]["abstained"] is False and by_id["musk"]["citations"]


def test_eval_summary(eval_run) -> None:  # type: ignore[no-untyped-def]
    _, rows, _, stdout, _ = eval_run
    summary = json.loads(stdout)
    for key in (
        "accuracy",
        "evidence_in_citation",
        "abstention_accuracy",
        "latency_p50_ms",
        "latency_p95_ms",
        "hit_at_1",
        "hit_at_5",
    ):
        assert key in summary, key
    assert summary["questions"] == len(rows)
    for key in ("accuracy", "evidence_in_citation", "abstention_accuracy", "hit_at_1", "hit_at_5"):
        assert 0.0 <= summary[key] <= 1.0, key
    assert summary["hit_at_1"] <= summary["hit_at_5"]
    assert summary["abstention_accuracy"] == 1.0  # the pupusas question is refused
    assert summary["hit_at_5"] > 0  # the article passages holding the answers are retrieved
    assert 0 < summary["latency_p50_ms"] <= summary["latency_p95_ms"]
    assert summary["per_type"]["unanswerable"]["n"] == 1
    assert summary["per_type"]["follow-up"]["n"] == 1
    # Typed questions also say how often their leading short answer was right; others have none.
    assert summary["per_type"]["who"] == {"n": 1, "right": 1.0, "short_answer_right": 1.0}
    assert "short_answer_right" not in summary["per_type"]["what"]


def test_summary_without_offsets_has_no_hit_rates(article_service: QAService, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": 1, "question": "Who is Leti Volpp?", "answers": ["Berkeley"]}) + "\n")
    settings = article_service.settings
    assert main(["eval", str(questions), "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["questions"] == 1
    assert "hit_at_1" not in summary
    assert summary["abstention_accuracy"] is None and summary["evidence_in_citation"] is None


def test_bad_question_line_is_reported_with_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "question": "ok?"}\n{"id": 2}\n')
    with pytest.raises(ValueError, match=r"bad\.jsonl:2"):
        list(read_questions(path))
