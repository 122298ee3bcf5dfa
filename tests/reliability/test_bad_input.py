"""Bad input: every odd question and corpus file gets a clear message and the rest carries on.

docs/robustness.md lists each case tried here and what happens.
"""

from __future__ import annotations

import json
import os
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client
from reliability_kit import call_api

from qa.cli.main import main
from qa.index.sync import sync_corpus
from qa.service import BadRequest, QAService, clean_question
from qa.ui.app import Running

# (case, question, refused with this message | None when it is answered or honestly not found)
REFUSED = [
    ("empty", "", "please type a question"),
    ("whitespace", " \t\n \r ", "please type a question"),
    ("invisible only", "\u200b\u202e\u2066", "please type a question"),
    ("100 KB", "why " * 25_000, "the limit is 2,000"),
    ("not text", None, "the question must be text"),
]
ANSWERED = [
    ("punctuation only", "?!... ;: --- ???"),
    ("emoji only", "😀🤔❓"),
    ("Chinese", "CECOT 监狱可以关押多少名囚犯？"),
    ("Arabic", "كم عدد السجناء الذين يمكن أن يستوعبهم سجن سيكوت؟"),
    ("Spanish", "¿Quién es el presidente de El Salvador?"),
    ("SQL/markup", "'; DROP TABLE records; -- <script>alert(1)</script>"),
    ("Chroma where-syntax", '{"$or": [{"source": {"$ne": ""}}]}'),
]


@pytest.mark.parametrize(("case", "question", "message"), REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_questions_say_why(article_service: QAService, case: str, question: Any, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        article_service.ask(question)


@pytest.mark.parametrize(("case", "question"), ANSWERED, ids=[c[0] for c in ANSWERED])
def test_odd_questions_get_a_clean_reply(article_service: QAService, case: str, question: str) -> None:
    answer = article_service.ask(question)
    assert answer.error is None
    assert answer.text
    if answer.abstained:
        assert "don't contain" in answer.text
    text = article_service.document(next(iter(d.name for d in article_service.documents()))).text
    for c in answer.citations:
        assert text[c.start : c.end] == c.quote or c.quote in text[c.start : c.end]


def test_markup_around_a_question_is_left_out(article_service: QAService) -> None:
    answer = article_service.ask("<img src=x onerror=alert(1)> Who is the <b>president</b> of El Salvador?")
    assert answer.question == "Who is the president of El Salvador?"
    assert answer.short_answer == "Nayib Bukele"
    with pytest.raises(BadRequest, match="please type a question"):
        article_service.ask("<script></script>")
    # only real tags: angle brackets around words are the question's own
    assert clean_question("Is 3<x and y>2? Who is <Bukele>?", 2000) == "Is 3<x and y>2? Who is <Bukele>?"


def test_control_characters_are_spaces_not_errors(article_service: QAService) -> None:
    answer = article_service.ask("How many\x00 inmates\x07 can CECOT\x1b[31m hold?\r\n")
    assert answer.question == "How many inmates can CECOT hold?"  # a terminal colour goes whole
    assert "40,000" in answer.text


# Pasted along with a question the docs promise to answer: its answer must be the plain question's.
WRAPPED = [
    ("script element", "<script>alert(1)</script> Who made which offer?"),
    ("style element", "<style>b { color: red }</style>Who made which offer?"),
    ("ANSI colour", "\x1b[31mWho made which offer?"),
    ("ANSI colour and reset", "\x1b[1;31mWho made\x1b[0m which offer?\x1b[K"),
]


@pytest.mark.parametrize(("case", "question"), WRAPPED, ids=[c[0] for c in WRAPPED])
def test_scripts_and_terminal_escapes_around_a_question_leave_it_answered(
    article_service: QAService, case: str, question: str
) -> None:
    plain = article_service.ask("Who made which offer?")
    assert not plain.abstained and "Bukele" in plain.text
    answer = article_service.ask(question)
    assert answer.question == "Who made which offer?"
    assert not answer.abstained and answer.text == plain.text


def test_a_lone_surrogate_in_the_history_is_cleaned_at_every_entry_point(
    rel_app: Running, article_service: QAService, tmp_path: Path
) -> None:
    history = [["Who is Bukele?", "Nayib \ud800Bukele is the president of El Salvador."]]
    # Gradio's /ask through the queue, and POST /v1/ask: raw JSON, "\ud800" as its escape
    result = call_api(rel_app.url, "ask", "What did he offer?", history)
    assert result["error"] is None, result
    assert result["resolved_question"] == "What did Bukele offer?" and "offered" in result["answer"]
    body = json.dumps({"question": "What did he offer?", "history": history})
    rest = httpx.post(f"{rel_app.url}v1/ask", content=body, headers={"content-type": "application/json"}, timeout=60)
    assert rest.status_code == 200, rest.text
    assert rest.json()["resolved_question"] == "What did Bukele offer?"
    # the CLI: `qa eval` over a question file whose history holds one
    questions = tmp_path / "questions.jsonl"
    line = {"id": "s1", "question": "What did he offer?", "history": history, "answers": ["deportees"]}
    questions.write_text(json.dumps(line) + "\n", encoding="utf-8")
    out = tmp_path / "answers.jsonl"
    s = article_service.settings
    args = ["eval", str(questions), "--corpus", str(s.corpus_dir), "--index", str(s.index_dir), "--out", str(out)]
    assert main(args) == 0
    (row,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert row["right"] and not row["abstained"], row


def _answer_naming_at(position: int) -> str:
    """An answer of sentences naming no one, then "Nayib Bukele ...", "Bukele" at `position`."""
    sentence = "The proposal was discussed at length by officials. "
    head = ""
    while len(head) + len(sentence) <= position - len("Nayib ") - 10:
        head += sentence
    head += "It " + "o" * (position - len("Nayib ") - len(head) - 5) + ". "
    text = head + "Nayib Bukele made the offer to house the deportees."
    assert text.index("Bukele") == position
    return text


def test_a_long_history_entry_is_cut_where_the_follow_up_stays_right(rel_app: Running) -> None:
    # Cut at 4,000 characters (what resolution reads of an entry), mid-word, the last answer named
    # "Nayib Bu": "What did Bu offer?". Cut between sentences, it names no one: the turn before says who.
    history = [
        ["Who is Bukele?", "Nayib Bukele is the president of El Salvador."],
        ["Who took part in the talks?", _answer_naming_at(4000 - 2)],
    ]
    rest = httpx.post(f"{rel_app.url}v1/ask", json={"question": "What did he offer?", "history": history}, timeout=60)
    for result in (call_api(rel_app.url, "ask", "What did he offer?", history), rest.json()):
        assert result["error"] is None, result
        assert result["resolved_question"] == "What did Bukele offer?"
        assert "offered" in result["answer"]


def test_history_limits_are_the_same_at_every_entry_point(rel_app: Running) -> None:
    too_many = [["What is CECOT?", "A prison."]] * 201
    too_long = [["What is CECOT?", "A prison. " * 2001]]  # 20,010 characters
    for history, message in (
        (too_many, "the history has 201 turns; the limit is 200"),
        (too_long, "a history entry is 20,010 characters long; the limit is 20,000"),
    ):
        gradio = Client(rel_app.url, verbose=False).predict("How big is it?", history, api_name="/ask")
        assert gradio["error"] == message and gradio["answer"] == ""
        rest = httpx.post(f"{rel_app.url}v1/ask", json={"question": "How big is it?", "history": history}, timeout=60)
        assert rest.status_code == 400 and rest.json()["error"] == message
    ok = Client(rel_app.url, verbose=False).predict("How many inmates can it hold?", too_many[:200], api_name="/ask")
    assert ok["error"] is None and "40,000" in ok["answer"]


def test_api_refuses_and_answers_odd_questions_and_keeps_serving(rel_app: Running) -> None:
    client = Client(rel_app.url, verbose=False)
    for _, question, message in REFUSED[:4]:
        result = client.predict(question, api_name="/ask")
        assert result["error"] and message in result["error"], result
        assert result["citations"] == []
    for _, question in ANSWERED:
        result = client.predict(question, api_name="/ask")
        assert result["error"] is None, result
    bad_history = client.predict("How many inmates can it hold?", [["only one item"]], api_name="/ask")
    assert "history must be" in bad_history["error"]
    assert "40,000" in client.predict("How many inmates can CECOT hold?", api_name="/ask")["answer"]


# --- corpus files ------------------------------------------------------------------------------

GOOD = "The Harbour Museum opened in 1911. Its first curator, Agnes Whitcombe, catalogued seashells.\n"
BIG = 50 * 1024 * 1024  # 52.4 MB: just over Settings.max_file_mb (50 MB)


def _sparse(path: Path, size: int) -> None:
    """A file of `size` bytes created instantly (a hole, no data written)."""
    with path.open("wb") as handle:
        handle.truncate(size)


def test_bad_corpus_files_are_reported_and_the_rest_indexed(
    fresh: Callable[..., QAService], tmp_path: Path, records: Callable[..., list[tuple[str, dict, str]]]
) -> None:
    service = fresh()
    corpus = service.settings.corpus_dir
    (corpus / "a-good.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blank.md").write_text(" \n\t\n  \n")
    (corpus / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00" + os.urandom(4096))
    (corpus / "latin1.txt").write_bytes("Le café de Málaga sert des churros le dimanche.\n".encode("latin-1"))
    _sparse(corpus / "huge.txt", BIG)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
    (corpus / "script-only.html").write_text("<html><script>alert(1)</script></html>")
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04 not a supported type")
    secret = tmp_path / "outside-secret.txt"
    secret.write_text("The outside secret password is swordfish.\n")
    (corpus / "link-out.txt").symlink_to(secret)
    (corpus / "dangling.txt").symlink_to(tmp_path / "does-not-exist.txt")

    report = service.sync(show_bar=False)

    problems = "\n".join(report.problems)
    expected = {
        "empty.txt": "contains no text",
        "blank.md": "contains no text",
        "binary.txt": "looks like a binary file",
        "huge.txt": "52.4 MB is over the 50 MB limit",
        "broken.pdf": "not a readable PDF",
        "script-only.html": "contains no text",
        "link-out.txt": "points outside the corpus folder",
        "dangling.txt": "points outside the corpus folder",
    }
    for name, reason in expected.items():
        assert any(p.startswith(f"{name}:") and reason in p for p in report.problems), (name, problems)
    assert "notes.docx" not in problems  # not a document type: ignored, like any other file
    assert report.documents == 2
    indexed = {meta["source"] for _, meta, _ in records(service, "chunks")}
    assert indexed == {"a-good.txt", "latin1.txt"}
    assert "café de Málaga" in service.document("latin1.txt").text
    assert all("swordfish" not in text for _, _, text in records(service, "sentences"))
    answer = service.ask("When did the Harbour Museum open?")
    assert "1911" in answer.text and answer.citations[0].doc == "a-good.txt"


def test_file_over_the_limit_is_refused_without_reading_it(fresh: Callable[..., QAService]) -> None:
    service = fresh()
    corpus = service.settings.corpus_dir
    (corpus / "good.txt").write_text(GOOD)
    service.sync(show_bar=False)
    _sparse(corpus / "huge.txt", BIG)
    _sparse(corpus / "enormous.txt", 20 * 1024**3)  # 20 GB: hashing it would take minutes
    tracemalloc.start()
    started = time.monotonic()
    try:
        report = sync_corpus(service.settings, service.store, show_bar=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    took = time.monotonic() - started
    assert any("huge.txt: 52.4 MB is over the 50 MB limit" in p for p in report.problems), report.problems
    assert any("enormous.txt: 21474.8 MB is over the 50 MB limit" in p for p in report.problems), report.problems
    assert peak < 8e6, f"refusing the large files allocated {peak / 1e6:.1f} MB"
    assert took < 10, f"refusing the large files took {took:.1f} s"
    assert report.documents == 1


def test_file_deleted_while_ingest_runs(fresh: Callable[..., QAService]) -> None:
    """The file listed first disappears after the listing, before it is read: reported, the rest indexed."""
    service = fresh()
    corpus = service.settings.corpus_dir
    (corpus / "a-first.txt").write_text(GOOD)
    (corpus / "b-victim.txt").write_text("The victim file says the ferry leaves at noon.\n")
    (corpus / "c-victim.pdf").write_bytes(b"%PDF-1.4 placeholder, deleted before it is parsed")
    (corpus / "d-last.txt").write_text("The lighthouse keeper is named Bartholomew Quill.\n")

    def delete_victims(_fraction: float, message: str) -> None:
        if message == "reading a-first.txt":
            (corpus / "b-victim.txt").unlink()
            (corpus / "c-victim.pdf").unlink()

    report = service.sync(progress=delete_victims, show_bar=False)
    assert any(p.startswith("b-victim.txt: cannot be read") for p in report.problems), report.problems
    assert any(p.startswith("c-victim.pdf: cannot be read") for p in report.problems), report.problems
    assert {d.name for d in service.documents()} == {"a-first.txt", "d-last.txt"}
    # The next run simply finds them gone: nothing to report, nothing left behind.
    again = service.sync(show_bar=False)
    assert again.problems == [] and again.added == 0 and again.deleted == 0


FERRY = "The ferry to Inchmurrin leaves at seven o'clock. Tickets cost nine pounds.\n"
BAKERY = "The bakery on Mill Lane opens at six. Its rye bread is baked by Oskar Brandt.\n"


def test_upload_under_a_taken_name_keeps_both_files(fresh: Callable[..., QAService]) -> None:
    service = fresh()
    corpus = service.settings.corpus_dir
    assert service.add_document("notes.txt", FERRY.encode())[0] == "notes.txt"
    name, report = service.add_document("notes.txt", BAKERY.encode())
    assert name == "notes (2).txt" and report.problems == []
    assert report.notes == ["a different notes.txt is already in the corpus: this one was added as notes (2).txt"]
    assert (corpus / "notes.txt").read_text() == FERRY and (corpus / "notes (2).txt").read_text() == BAKERY
    assert [d.name for d in service.documents()] == ["notes (2).txt", "notes.txt"]
    assert service.ask("When does the ferry to Inchmurrin leave?").citations[0].doc == "notes.txt"
    assert service.ask("Who bakes the rye bread?").citations[0].doc == "notes (2).txt"
    assert not list(corpus.glob(".upload-*"))


def test_upload_of_a_copy_indexes_nothing_twice(fresh: Callable[..., QAService]) -> None:
    service = fresh()
    corpus = service.settings.corpus_dir
    service.add_document("ferry.txt", FERRY.encode())
    passages = service.store.chunks.count()
    name, report = service.add_document("ferry-copy.txt", FERRY.encode())
    assert (name, report.notes) == ("ferry.txt", ["ferry-copy.txt is the same content as ferry.txt: nothing added"])
    name, report = service.add_document("ferry.txt", FERRY.encode())
    assert (name, report.notes) == ("ferry.txt", ["ferry.txt is already in the corpus: nothing added"])
    assert sorted(p.name for p in corpus.iterdir()) == ["ferry.txt"]
    assert service.store.chunks.count() == passages
    assert [c.doc for c in service.ask("When does the ferry leave?").citations] == ["ferry.txt"]


def test_re_upload_of_a_file_deleted_by_hand_is_added_again(fresh: Callable[..., QAService]) -> None:
    # The index still lists ferry.txt, but the folder no longer holds it: the upload is no copy.
    service = fresh()
    corpus = service.settings.corpus_dir
    service.add_document("ferry.txt", FERRY.encode())
    (corpus / "ferry.txt").unlink()
    name, report = service.add_document("ferry-again.txt", FERRY.encode())
    assert (name, report.notes, report.problems) == ("ferry-again.txt", [], [])
    assert (corpus / "ferry-again.txt").read_text() == FERRY
    assert "ferry-again.txt" in {d.name for d in service.documents()}
    service.sync(show_bar=False)  # the hand-deleted file leaves the index at the next sync
    assert [c.doc for c in service.ask("When does the ferry leave?").citations] == ["ferry-again.txt"]
