"""The page's layout and event wiring; the handlers are ChatApp's (qa/ui/chat.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from qa.schema import Answer, Turn
from qa.ui.assets import MARKS_JS, SCROLL_JS, WHO_SCROLL_JS
from qa.ui.chat import EMPTY_DOC, ChatApp
from qa.ui.kept import browser_secret
from qa.ui.library import EMPTY_WHO_SOURCE, chosen
from qa.ui.limits import QUESTION_API
from qa.ui.render import attributions_html, sources_html
from qa.ui.uploads import cache_cleanup

# Questions any corpus answers (a review found the article's own examples "not found" once it was
# removed): what the documents say, who is quoted in them, and whom and where they name.
EXAMPLES = (
    "Summarize the documents",
    "Who said what?",
    "Which people are mentioned?",
    "Which places are mentioned?",
)
UPLOAD_TYPES = [".txt", ".md", ".html", ".pdf"]


PRIVATE: dict[str, Any] = {"api_visibility": "private"}  # the page's events are not the public API


@dataclass(frozen=True)
class _Chat:
    """The chat column and what a conversation keeps."""

    chat: gr.Chatbot
    question: gr.Textbox
    ask_note: gr.Markdown
    examples: list[gr.Button]
    new_chat: gr.Button
    turns: gr.State
    answers: gr.State
    kept: gr.BrowserState
    pending: gr.State
    asked: gr.State


@dataclass(frozen=True)
class _Sources:
    """The sources column: a reply's citations and the document opened at one."""

    sources: gr.HTML
    docview: gr.HTML


@dataclass(frozen=True)
class _Documents:
    """The documents panel: the list, adding by upload or URL, and removing."""

    table: gr.HTML
    files: gr.File
    url: gr.Textbox
    to_remove: gr.Dropdown
    remove: gr.Button
    note: gr.Markdown


@dataclass(frozen=True)
class _Who:
    """The who-said-what panel."""

    doc: gr.Dropdown
    table: gr.HTML
    source: gr.HTML
    found: gr.State


def build(app: ChatApp) -> gr.Blocks:
    """The page; its events call `app`'s handlers."""
    cleanup = cache_cleanup(app.settings.upload_cache_seconds)
    with gr.Blocks(title="Ask your documents", analytics_enabled=False, delete_cache=cleanup) as demo:
        gr.Markdown(
            "## Ask your documents\nAnswers quote the documents; click a marker like **[1]** to see its source."
        )
        status = gr.Markdown(app.status.markdown(), elem_id="qa-status")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                chat = _chat_column(app)
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                sources = _Sources(
                    gr.HTML(sources_html(None, 0), elem_id="qa-sources"), gr.HTML(EMPTY_DOC, elem_id="qa-docview")
                )
        documents = _documents_panel()
        who = _who_panel()
        picker = gr.Textbox(elem_id="qa-pick", visible="hidden")
        timer = gr.Timer(1.0, active=True)
        _wire_chat(app, demo, chat, sources)
        picker.change(
            app.pick, [picker, chat.answers], [sources.sources, sources.docview], queue=False, **PRIVATE
        ).then(None, None, None, js=SCROLL_JS)
        picker.change(app.who_source, [picker, who.found], [who.source], queue=False, **PRIVATE).then(
            None, None, None, js=WHO_SCROLL_JS
        )
        _wire_documents(app, documents, who, status)
        listed = gr.State(-1)  # the index update this page's document lists come from
        panel = [status, documents.table, documents.to_remove, who.doc, listed]
        timer.tick(app.tick, [listed], panel, queue=False, **PRIVATE)
        demo.load(app.tick, [listed], panel, queue=False, **PRIVATE)
        gr.api(app.api_ask, api_name=QUESTION_API)
    return demo


def _chat_column(app: ChatApp) -> _Chat:
    chat = gr.Chatbot(
        elem_id="qa-chat",
        label="Chat",
        height=480,
        sanitize_html=True,
        latex_delimiters=[],
        feedback_options=None,
        buttons=["copy"],
        placeholder="Ask something about the documents.",
    )
    question = gr.Textbox(
        elem_id="qa-question",
        show_label=False,
        placeholder="Ask a question and press Enter",
        max_lines=4,
        submit_btn="Ask",
        autofocus=True,
    )
    ask_note = gr.Markdown(elem_id="qa-ask-note")
    with gr.Row():
        examples = [gr.Button(text, size="sm", variant="secondary") for text in EXAMPLES]
    new_chat = gr.Button("New chat", size="sm", elem_id="qa-new-chat")
    return _Chat(
        chat=chat,
        question=question,
        ask_note=ask_note,
        examples=examples,
        new_chat=new_chat,
        turns=gr.State(list[Turn]()),
        answers=gr.State(list[Answer]()),
        # the chat outlives a reload (and a restart: the key Gradio encrypts it with is kept with the index)
        kept=gr.BrowserState(None, storage_key="qa-chat", secret=browser_secret(app.settings.index_dir)),
        pending=gr.State(""),  # the question being answered: another waits until it is
        asked=gr.State(""),  # the question the chained answer() takes ("" when none was pushed)
    )


def _documents_panel() -> _Documents:
    # open: which documents are indexed is the first thing a newcomer wants to see
    with gr.Accordion("Documents", open=True, elem_id="qa-documents"):
        table = gr.HTML(elem_id="qa-docs-table")
        with gr.Row():
            files = gr.File(
                label="Add documents (.txt, .md, .html, .pdf)",
                file_types=UPLOAD_TYPES,
                file_count="multiple",
                elem_id="qa-upload",
            )
            with gr.Column():
                url = gr.Textbox(
                    label="Add an article by its URL",
                    placeholder="https://...",
                    max_lines=1,
                    submit_btn="Add",
                    elem_id="qa-url",
                )
            with gr.Column():
                to_remove = gr.Dropdown(label="Remove a document", choices=[], elem_id="qa-remove-choice")
                remove = gr.Button("Remove", variant="stop", size="sm", elem_id="qa-remove", interactive=False)
        note = gr.Markdown(elem_id="qa-docs-note")
    return _Documents(table, files, url, to_remove, remove, note)


def _who_panel() -> _Who:
    with gr.Accordion("Who said what", open=False, elem_id="qa-who"):
        doc = gr.Dropdown(label="Document", choices=[], value=None, elem_id="qa-who-doc")
        table = gr.HTML(attributions_html(None, []), elem_id="qa-who-table")
        source = gr.HTML(EMPTY_WHO_SOURCE, elem_id="qa-who-source")
        found = gr.State([])
    return _Who(doc, table, source, found)


def _wire_chat(app: ChatApp, demo: gr.Blocks, c: _Chat, s: _Sources) -> None:
    """A typed question and an example button ask alike: the question shown at once, then
    answered, its markers made clickable, and the chat kept by the browser."""
    ask_outputs = [c.chat, c.turns, c.answers, s.sources, s.docview, c.pending]
    keep = {"fn": app.keep, "inputs": [c.turns, c.answers], "outputs": [c.kept], "queue": False, **PRIVATE}
    asking: list[tuple[Any, Any]] = [(c.question.submit, c.question)]
    asking += [(button.click, gr.State(text)) for button, text in zip(c.examples, EXAMPLES, strict=True)]
    for trigger, asked_text in asking:
        trigger(
            app.push_question,
            [asked_text, c.chat, c.pending],
            [c.question, c.chat, c.pending, c.asked, c.ask_note],
            queue=False,
            **PRIVATE,
        ).then(app.answer, [c.asked, c.chat, c.turns, c.answers], ask_outputs, show_progress="minimal", **PRIVATE).then(
            None, None, None, js=MARKS_JS
        ).then(**keep)
    fresh_chat = [c.chat, c.turns, c.answers, s.sources, s.docview, c.pending, c.asked, c.ask_note, c.kept]
    c.new_chat.click(app.new_chat, None, fresh_chat, queue=False, **PRIVATE)
    # The chatbot's own trash button must forget the conversation too, not just hide it.
    c.chat.clear(app.new_chat, None, fresh_chat, queue=False, **PRIVATE)
    demo.load(app.restore, [c.kept], [c.chat, c.turns, c.answers, s.sources], queue=False, **PRIVATE).then(
        None, None, None, js=MARKS_JS
    )


def _wire_documents(app: ChatApp, d: _Documents, who: _Who, status: gr.Markdown) -> None:
    """Adding and removing documents: one at a time (the index's own queue), each updating the
    lists, the note under them and the status line."""
    who.doc.change(app.who, [who.doc], [who.table, who.found, who.source], **PRIVATE)
    adding = {"show_progress_on": [d.table], "concurrency_id": "index", "concurrency_limit": 1, **PRIVATE}
    # one progress display (on the list), not one on each output
    d.files.upload(app.upload, [d.files], [d.note, d.table, d.to_remove, who.doc, d.files, status], **adding)
    d.url.submit(app.add_url, [d.url], [d.note, d.table, d.to_remove, who.doc, d.url, status], **adding)
    # Remove acts on a chosen document only (the file is moved aside, see remove_document)
    d.to_remove.change(chosen, [d.to_remove], [d.remove], queue=False, **PRIVATE)
    d.remove.click(
        app.remove,
        [d.to_remove, who.doc],
        [d.note, d.table, d.to_remove, who.doc, status, who.table, who.found, who.source],
        concurrency_id="index",
        concurrency_limit=1,
        **PRIVATE,
    )
