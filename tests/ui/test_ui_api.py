"""The named `/ask` endpoint, through gradio_client against the running app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from gradio_client import Client

import qa.ui.chat as chat_module
from qa.ui.app import Running
from qa.ui.kept import browser_secret


def _ask(app: Running, question: str) -> dict[str, Any]:
    result = Client(app.url, verbose=False).predict(question, api_name="/ask")
    assert isinstance(result, dict), result
    return result


def test_ask_returns_answer_with_exact_citations(app: Running) -> None:
    result = _ask(app, "What is CECOT?")
    assert result["error"] is None
    assert not result["abstained"]
    assert result["citations"], result
    assert "[1]" in result["answer"]
    for c in result["citations"]:
        text = app.service.document(c["doc"]).text
        assert c["quote"] in text[c["start"] : c["end"]]
        assert text[c["passage_start"] : c["passage_end"]] == c["passage"]


def test_api_and_page_share_the_service_answer(app: Running) -> None:
    result = _ask(app, "Who made which offer?")
    direct = app.service.ask("Who made which offer?").to_dict()
    assert result == direct


def test_bad_questions_return_an_error_field(app: Running) -> None:
    empty = _ask(app, "   ")
    assert empty["error"] == "please type a question"
    assert empty["citations"] == []
    huge = _ask(app, "why " * 5000)
    assert huge["error"] and "limit" in huge["error"]
    # The app is still serving afterwards.
    assert _ask(app, "What is CECOT?")["citations"]


def test_a_failed_answer_never_holds_the_next_question_back(app: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    # `pending` is what makes a second question wait; were it left set, every later question would.
    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(chat_module, "sources_html", broken)
    chat = [{"role": "user", "content": "What is CECOT?"}]
    shown, turns, answers, *_, pending = app.chat.answer("What is CECOT?", chat, [], [])
    assert (shown, turns, answers, pending) == ([], [], [], "")
    monkeypatch.undo()
    *_, pending, asked, note, kept = app.chat.new_chat()
    assert (pending, asked, note) == ("", "", "")
    assert kept["turns"] == [] and kept["answers"] == []  # the browser forgets the chat in the same step


def test_removing_the_shown_document_when_listing_fails_does_not_crash(
    app: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app.service, "remove_document", lambda name: None)
    monkeypatch.setattr(app.chat, "documents_panel", lambda: ("<div>Could not list documents</div>", gr.update()))
    note, *_, who_table, found, _source = app.chat.remove("gone.txt", "gone.txt")
    assert "gone.txt removed" in note
    assert found == [] and "Choose a document" in who_table


def test_the_chat_the_browser_keeps_is_shown_again(app: Running) -> None:
    handlers = app.chat
    turns, answers = [], []
    chat: list[dict[str, Any]] = []
    for question in ("What is CECOT?", "How many inmates can it hold?"):
        chat, turns, answers, *_ = handlers.answer(
            question, [*chat, {"role": "user", "content": question}], turns, answers
        )
    kept = handlers.keep(turns, answers)
    # what the browser stores is plain JSON
    assert json.loads(json.dumps(kept)) == kept
    shown, restored_turns, restored_answers, sources = handlers.restore(json.loads(json.dumps(kept)))
    assert restored_turns == turns and restored_answers == answers
    assert [m["role"] for m in shown] == ["user", "assistant"] * 2
    assert "How many inmates can it hold?" in shown[2]["content"] and "40,000" in shown[3]["content"]
    assert "qa-selected" in sources and "40,000" in sources  # the last answer's sources, its [1] chosen
    # a follow-up after the reload still leans on the kept turns ("it" is CECOT)
    _, _, followed = handlers.answer("Where is it?", shown, restored_turns, restored_answers)[:3]
    assert followed[-1].resolved_question and "CECOT" in followed[-1].resolved_question
    # only the last `kept_turns` are kept; none when it is 0
    few = chat_module.ChatApp(handlers.settings.model_copy(update={"kept_turns": 1}), handlers.status)
    assert [a["question"] for a in few.keep(turns, answers)["answers"]] == ["How many inmates can it hold?"]
    assert few.restore(few.keep(turns, answers))[2] == answers[-1:]
    # a chat kept under a larger setting (or edited) is cut to this one's size on arrival
    shown, restored_turns, restored_answers, _ = few.restore(kept)
    assert restored_answers == answers[-1:] and restored_turns == turns[-1:] and len(shown) == 2
    none = chat_module.ChatApp(handlers.settings.model_copy(update={"kept_turns": 0}), handlers.status)
    for empty in (none.keep(turns, answers), handlers.keep([], [])):  # a new chat is kept empty
        assert empty["answers"] == [] and handlers.restore(empty)[:3] == ([], [], [])


@pytest.mark.parametrize(
    "kept",
    [
        "text",
        {"version": 0, "turns": [], "answers": []},
        {"version": 1, "turns": [["q", "a", []]], "answers": []},
        {"version": 1, "turns": [["q", "a"]], "answers": [{"question": "q", "answer": "a"}]},
        {"version": 1, "turns": [["q", "a", []]], "answers": [{"question": "q", "answer": "a", "citations": [1]}]},
        # a lone surrogate, which the page could not send back
        {"version": 1, "turns": [["\ud800", "a", []]], "answers": [{"question": "\ud800", "answer": "a"}]},
    ],
)
def test_a_kept_chat_that_is_not_one_starts_a_new_chat(app: Running, kept: Any) -> None:
    shown, turns, answers, sources = app.chat.restore(kept)
    assert (shown, turns, answers) == ([], [], [])
    assert "Ask a question" in sources


def test_a_kept_chat_is_escaped_when_shown_again(app: Running) -> None:
    # localStorage can be edited: what comes back is rendered as any answer is, never run
    bad = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    answer = {"question": bad, "answer": f"{bad} [1]", "abstained": False, "short_answer": None,
              "resolved_question": None, "passages": [], "error": None,
              "citations": [{"n": 1, "doc": bad, "start": 0, "end": len(bad), "quote": bad, "passage": bad,
                             "passage_start": 0, "passage_end": len(bad), "score": 1.0, "page": None,
                             "span_start": None, "span_end": None}]}  # fmt: skip
    shown, _, answers, sources = app.chat.restore({"version": 1, "turns": [[bad, bad, [bad]]], "answers": [answer]})
    assert len(answers) == 1
    for html in [*(m["content"] for m in shown), sources]:
        assert "<script" not in html and "<img" not in html
        assert "&#60;script&#62;" in html or "&#60;img" in html  # shown as text


def test_the_key_of_the_kept_chat_is_kept_with_the_index(tmp_path: Path) -> None:
    # the same key after a restart, so the browser's copy can still be read; private to its owner
    key = browser_secret(tmp_path / "index")
    assert key and key == browser_secret(tmp_path / "index")
    assert (tmp_path / "index" / "browser-secret").stat().st_mode & 0o077 == 0
    (tmp_path / "file").write_text("not a folder")
    assert browser_secret(tmp_path / "file") is None  # then Gradio's own key, new at each start
