"""The `qa` command: help, JSON answers, ingest output, configuration and refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qa.cli.main import main
from qa.service import QAService

CITATION_KEYS = {"n", "doc", "start", "end", "quote", "passage", "passage_start", "passage_end", "score", "page"}


def _where(service: QAService) -> list[str]:
    return ["--corpus", str(service.settings.corpus_dir), "--index", str(service.settings.index_dir)]


@pytest.mark.parametrize("argv", [["--help"], ["ask", "--help"], ["ingest", "--help"], ["eval", "--help"]])
def test_help_exits_zero_and_explains(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: qa" in out
    if argv == ["--help"]:
        for command in ("ingest", "ask", "eval", "serve"):
            assert command in out
        assert "offline" in out.lower() and "QA_INDEX_DIR" in out
    if argv[0] == "ask":
        assert "question" in out and "--json" in out and "QA_CORPUS_DIR" in out


def test_help_names_real_flags_and_only_those_a_command_takes(capsys: pytest.CaptureFixture[str]) -> None:
    parsed = {}
    for argv in (["--help"], ["ingest", "--help"], ["who", "--help"], ["ask", "--help"], ["serve", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        parsed[argv[0]] = capsys.readouterr().out
    assert "--index is QA_INDEX_DIR" in parsed["--help"] and "--index-dir" not in parsed["--help"]
    for command in ("ingest", "who"):  # they answer nothing: no retrieval or abstention settings
        assert "--index" in parsed[command] and "-k K" not in parsed[command]
        assert "--abstain-threshold" not in parsed[command]
    for command in ("ask", "serve"):
        assert "-k K" in parsed[command] and "--abstain-threshold" in parsed[command]


def test_python_dash_m_qa_is_the_qa_command() -> None:
    done = subprocess.run([sys.executable, "-m", "qa", "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "usage: qa" in done.stdout


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "usage" in capsys.readouterr().err


def test_ask_json_shape(article_service: QAService, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["ask", "--json", *_where(article_service), "Who praised the idea on X?"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert {"question", "answer", "abstained", "citations"} <= set(data)
    assert data["question"] == "Who praised the idea on X?"
    assert data["abstained"] is False and isinstance(data["answer"], str) and data["answer"]
    assert data["citations"]
    doc = article_service.document(data["citations"][0]["doc"])
    for c in data["citations"]:
        assert set(c) >= CITATION_KEYS
        assert isinstance(c["n"], int) and isinstance(c["score"], float)
        assert c["page"] is None
        assert doc.text[c["start"] : c["end"]] == c["quote"]
        assert doc.text[c["passage_start"] : c["passage_end"]] == c["passage"]


def test_ask_json_abstains_off_topic(article_service: QAService, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "--no-sync", *_where(article_service), "What is the recipe for pupusas?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["abstained"] is True and data["citations"] == []


def test_ask_plain_text_lists_citations(article_service: QAService, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", *_where(article_service), "How many inmates can CECOT hold at most?"]) == 0
    out = capsys.readouterr().out
    assert "40,000" in out
    # the headline its front matter gives, then the file and the exact offsets (no outlet or date: none is known)
    assert "[1] El Salvador’s president offered to accept deportees" in out
    assert "— el-salvador-deportation-offer.txt, chars " in out


def test_ask_reads_locations_from_environment(
    article_service: QAService, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QA_CORPUS_DIR", str(article_service.settings.corpus_dir))
    monkeypatch.setenv("QA_INDEX_DIR", str(article_service.settings.index_dir))
    assert main(["ask", "--json", "What did Elon Musk call it?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert not data["abstained"] and "great idea" in data["answer"]


def test_flag_overrides_environment_for_the_index(
    article_service: QAService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QA_CORPUS_DIR", str(article_service.settings.corpus_dir))
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "empty-index"))
    code = main(["ask", "--json", "--no-sync", "--index", str(article_service.settings.index_dir), "Who is Bukele?"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["citations"]
    assert not (tmp_path / "empty-index").exists()


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "please type a question"), ("   \t ", "please type a question"), ("x" * 100_000, "the limit is")],
)
def test_bad_question_exits_2_with_message(
    article_service: QAService, question: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "--no-sync", *_where(article_service), question]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.err.startswith("qa: ")
    assert captured.out == ""


def test_ingest_reports_counts_and_problems(tmp_path: Path, kit, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "harbour.txt").write_text(kit.TXT)
    (corpus / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    argv = ["ingest", "--quiet", "--corpus", str(corpus), "--index", str(tmp_path / "index")]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("1 document, ") and "passages added, 0 removed)" in captured.out
    assert "skipped: blob.txt: looks like a binary file" in captured.err
    assert main(argv) == 0
    assert capsys.readouterr().out.strip().endswith("passages in the index (nothing changed)")
    # Review of 2026-11-29: every 'qa ask' listed the skipped files again; it now counts them
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    assert main(["ask", *where, "Who catalogued the seashells?"]) == 0
    err = capsys.readouterr().err
    assert "blob.txt" not in err and "1 file in the corpus could not be read ('qa ingest' says why)" in err
    (corpus / "harbour.txt").unlink()
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("0 documents, 0 passages in the index (0 passages added, ") and "removed)" in out


def test_missing_corpus_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["ingest", "--quiet", "--corpus", str(tmp_path / "nowhere"), "--index", str(tmp_path / "i")])
    assert code == 1
    assert "does not exist" in capsys.readouterr().err


def test_unknown_model_exits_1_without_downloading(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("Some text to embed.")
    argv = ["ingest", "--quiet", "--model", "no-such-model-xyz", "--corpus", str(tmp_path / "corpus")]
    assert main([*argv, "--index", str(tmp_path / "i")]) == 1
    assert "not installed" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot be read (No such file or directory)"),
        ("folder", "cannot be read (Is a directory)"),
        ('{"question": "Who?"}\n{"question": "Who?",\n', ":2: not a valid question line"),
        ('["Who is Bukele?"]\n', ":1: not a valid question line (a JSON object is expected, not list)"),
        ('{"question": "Who is Bukele?", "answers": [["nested"]]}\n', "answers must be a list of strings"),
        ('{"question": "Who is Bukele?", "answers": [" "]}\n', "answers are all blank"),
    ],
)
def test_eval_names_a_bad_question_file_in_one_line(
    article_service: QAService, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    path = tmp_path / "questions.jsonl"
    if content == "folder":
        path.mkdir()
    elif content is not None:
        path.write_text(content)
    assert main(["eval", *_where(article_service), str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"qa: {path}") and message in err and "Traceback" not in err


def test_eval_takes_one_answer_given_as_a_string_not_its_letters(
    article_service: QAService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As a string, "Qzx Mickey Mouse" was read letter by letter, and "Q" or " " is in any reply."""
    path = tmp_path / "questions.jsonl"
    path.write_text('{"question": "Who is Bukele?", "answers": "Qzx Mickey Mouse"}\n')
    assert main(["eval", *_where(article_service), str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["right"] == 0


@pytest.mark.parametrize(("argv", "message"), [(["--sample", "0"], "give at least 1"), (["--sample", "x"], "whole")])
def test_eval_sample_must_be_a_positive_count(
    article_service: QAService, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["eval", *_where(article_service), *argv, "questions.jsonl"])
    assert exit_.value.code == 2 and message in capsys.readouterr().err


def test_eval_out_in_a_missing_folder_is_refused_before_answering(
    article_service: QAService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "questions.jsonl"
    path.write_text('{"question": "Who is Bukele?", "answers": ["president"]}\n')
    out = tmp_path / "nowhere" / "out.jsonl"
    assert main(["eval", *_where(article_service), str(path), "--out", str(out)]) == 2
    assert f"no folder {out.parent}" in capsys.readouterr().err


def test_paths_that_are_files_get_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    assert main(["ingest", "--quiet", "--corpus", str(a_file), "--index", str(tmp_path / "i")]) == 1
    assert "is a file, not a folder" in capsys.readouterr().err
    (tmp_path / "corpus").mkdir()
    assert main(["ingest", "--quiet", "--corpus", str(tmp_path / "corpus"), "--index", str(a_file)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("qa: ") and "Traceback" not in err and str(a_file) in err


def test_ask_says_when_the_corpus_is_missing_or_the_index_empty(
    article_service: QAService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = ["--index", str(article_service.settings.index_dir)]
    assert main(["ask", "--corpus", str(tmp_path / "nowhere"), *index, "Who is Bukele?"]) == 0
    captured = capsys.readouterr()
    assert "no corpus folder" in captured.err and "Bukele" in captured.out  # the index as it is
    assert main(["ask", "--no-sync", "--index", str(tmp_path / "new-index"), "Who is Bukele?"]) == 1
    err = capsys.readouterr().err
    assert "the index is empty" in err and "run `qa ingest`" in err


def test_ctrl_c_is_one_line_not_a_traceback(
    tmp_path: Path, kit, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "harbour.txt").write_text(kit.TXT)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(QAService, "sync", interrupted)
    assert main(["ingest", "--quiet", "--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "i")]) == 130
    assert capsys.readouterr().err.strip() == "qa: interrupted"


def test_add_takes_articles_by_url_and_says_why_one_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from news_server import news_server

    where = ["--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "index")]
    with news_server() as server:
        # without the setting the loopback server is refused, and nothing is written
        assert main(["add", *where, server.url("/gazette")]) == 2
        err = capsys.readouterr().err
        assert "qa: not added:" in err and "a loopback address (this machine): not fetched" in err
        assert not list((tmp_path / "corpus").glob("*"))
        monkeypatch.setenv("QA_FETCH_ALLOW_PRIVATE", "true")
        assert main(["add", *where, server.url("/gazette"), server.url("/report.pdf"), server.url("/moved")]) == 2
        captured = capsys.readouterr()
    name = "ferry-service-to-skerry-island-resumes-after-storm-repairs.html"
    assert captured.out.splitlines() == [
        f"{name}: The Harbour Gazette · 2025-03-14 · Ferry service to Skerry Island resumes after storm repairs "
        "(6 passages indexed)",  # the headline and five paragraphs
        f"{server.url('/gazette')} is already in the corpus as {name}: nothing added",
    ]
    assert "application/pdf; only HTML pages, plain text and RSS or Atom feeds can be added" in captured.err
    assert sorted(p.name for p in (tmp_path / "corpus").iterdir()) == [name, name + ".meta.json"]
    assert main(["ask", *where, "--json", "How many residents live on Skerry Island?"]) == 0
    cited = json.loads(capsys.readouterr().out)["citations"][0]
    assert (cited["outlet"], cited["date"]) == ("The Harbour Gazette", "2025-03-14")


def test_a_first_ask_prints_no_library_debug_notes(tmp_path: Path, kit) -> None:
    """bm25s sets its logger to DEBUG on import; a fresh index used to print its build notes."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "harbour.txt").write_text(kit.TXT)
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    done = subprocess.run(
        [sys.executable, "-m", "qa", "ask", *where, "Who catalogued the seashells?"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    assert "DEBUG" not in done.stdout + done.stderr
