"""The named `/ask` endpoint, through gradio_client against the running app."""

from __future__ import annotations

from typing import Any

import gradio as gr
import pytest
from gradio_client import Client

import qa.ui.app as app_module
from qa.ui.app import Running


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

    monkeypatch.setattr(app_module, "sources_html", broken)
    chat = [{"role": "user", "content": "What is CECOT?"}]
    shown, turns, answers, *_, pending = app.chat.answer("What is CECOT?", chat, [], [])
    assert (shown, turns, answers, pending) == ([], [], [], "")
    monkeypatch.undo()
    *_, pending, asked, note = app.chat.new_chat()
    assert (pending, asked, note) == ("", "", "")


def test_removing_the_shown_document_when_listing_fails_does_not_crash(
    app: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app.service, "remove_document", lambda name: None)
    monkeypatch.setattr(app.chat, "documents_panel", lambda: ("<div>Could not list documents</div>", gr.update()))
    note, *_, who_table, found, _source = app.chat.remove("gone.txt", "gone.txt")
    assert "gone.txt removed" in note
    assert found == [] and "Choose a document" in who_table
