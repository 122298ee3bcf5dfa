"""`qa who` and QAService.attributions over a real index of the article."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from qa.cli.main import main
from qa.service import BadRequest, QAService


def _where(service: QAService) -> list[str]:
    return ["--corpus", str(service.settings.corpus_dir), "--index", str(service.settings.index_dir)]


def test_qa_who_prints_a_table(article_service: QAService, capsys: pytest.CaptureFixture[str]) -> None:
    name = article_service.documents()[0].name
    assert main(["who", "--no-sync", *_where(article_service), "--doc", name]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:3] == ["speaker", "(role)", "verb"]
    assert "Marco Rubio (U.S. Secretary of State)" in out and "Nayib Bukele (President)" in out
    assert "Leti Volpp" in out and "Mneesha Gellman" in out and f"{name}:" in out


def test_qa_who_json_offsets(article_service: QAService, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["who", "--no-sync", "--json", *_where(article_service)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {"speaker", "speaker_role", "verb", "statement", "statement_start", "statement_end"} <= set(rows[0])
    text = article_service.document(rows[0]["doc"]).text
    for r in rows:
        assert text[r["statement_start"] : r["statement_end"]] == r["statement"]


def test_qa_who_unknown_doc_is_refused(article_service: QAService, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["who", "--no-sync", *_where(article_service), "--doc", "nope.txt"]) == 2
    assert "not an indexed document" in capsys.readouterr().err


def test_service_caches_per_file_version(article_service: QAService) -> None:
    first = article_service.attributions()
    assert article_service.attributions() is not first  # a fresh list ...
    assert article_service.attributions() == first  # ... of the same cached records
    assert len(article_service._attributions) == 1
    with pytest.raises(BadRequest):
        article_service.attributions("missing.txt")


def test_service_re_extracts_a_changed_file(fresh: Callable[..., QAService]) -> None:
    service = fresh()
    path = service.settings.corpus_dir / "note.txt"
    path.write_text("Ann Lee said the park will close in May.\n", encoding="utf-8")
    service.sync(show_bar=False)
    assert [a.statement for a in service.attributions("note.txt")] == ["the park will close in May"]
    path.write_text("Ann Lee said the park will stay open all year.\n", encoding="utf-8")
    assert [a.statement for a in service.attributions("note.txt")] == ["the park will stay open all year"]
    assert len(service._attributions) == 1
