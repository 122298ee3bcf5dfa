"""The page's layout and event wiring; the handlers are ChatApp's (qa/ui/chat.py)."""

from __future__ import annotations

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


def build(app: ChatApp) -> gr.Blocks:
    """The page; its events call `app`'s handlers."""
    cleanup = cache_cleanup(app.settings.upload_cache_seconds)
    with gr.Blocks(title="Ask your documents", analytics_enabled=False, delete_cache=cleanup) as demo:
        gr.Markdown(
            "## Ask your documents\nAnswers quote the documents; click a marker like **[1]** to see its source."
        )
        status = gr.Markdown(app.status.markdown(), elem_id="qa-status")
        turns = gr.State(list[Turn]())
        answers = gr.State(list[Answer]())
        # the chat outlives a reload (and a restart: the key Gradio encrypts it with is kept with the index)
        kept = gr.BrowserState(None, storage_key="qa-chat", secret=browser_secret(app.settings.index_dir))
        pending = gr.State("")  # the question being answered: another waits until it is
        asked = gr.State("")  # the question the chained answer() takes ("" when none was pushed)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
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
                    example_buttons = [gr.Button(text, size="sm", variant="secondary") for text in EXAMPLES]
                new_chat = gr.Button("New chat", size="sm", elem_id="qa-new-chat")
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                sources = gr.HTML(sources_html(None, 0), elem_id="qa-sources")
                docview = gr.HTML(EMPTY_DOC, elem_id="qa-docview")
        # open: which documents are indexed is the first thing a newcomer wants to see
        with gr.Accordion("Documents", open=True, elem_id="qa-documents"):
            docs_table = gr.HTML(elem_id="qa-docs-table")
            with gr.Row():
                files = gr.File(
                    label="Add documents (.txt, .md, .html, .pdf)",
                    file_types=UPLOAD_TYPES,
                    file_count="multiple",
                    elem_id="qa-upload",
                )
                with gr.Column():
                    url_box = gr.Textbox(
                        label="Add an article by its URL",
                        placeholder="https://...",
                        max_lines=1,
                        submit_btn="Add",
                        elem_id="qa-url",
                    )
                with gr.Column():
                    to_remove = gr.Dropdown(label="Remove a document", choices=[], elem_id="qa-remove-choice")
                    remove = gr.Button("Remove", variant="stop", size="sm", elem_id="qa-remove", interactive=False)
            docs_note = gr.Markdown(elem_id="qa-docs-note")
        with gr.Accordion("Who said what", open=False, elem_id="qa-who"):
            who_doc = gr.Dropdown(label="Document", choices=[], value=None, elem_id="qa-who-doc")
            who_table = gr.HTML(attributions_html(None, []), elem_id="qa-who-table")
            who_source = gr.HTML(EMPTY_WHO_SOURCE, elem_id="qa-who-source")
            who_found = gr.State([])
        picker = gr.Textbox(elem_id="qa-pick", visible="hidden")
        timer = gr.Timer(1.0, active=True)

        private: dict[str, Any] = {"api_visibility": "private"}
        ask_outputs = [chat, turns, answers, sources, docview, pending]
        keep = {"fn": app.keep, "inputs": [turns, answers], "outputs": [kept], "queue": False, **private}
        # A typed question and an example button ask alike: the question shown at once, then
        # answered, its markers made clickable, and the chat kept by the browser.
        asking: list[tuple[Any, Any]] = [(question.submit, question)]
        asking += [(button.click, gr.State(text)) for button, text in zip(example_buttons, EXAMPLES, strict=True)]
        for trigger, asked_text in asking:
            trigger(
                app.push_question,
                [asked_text, chat, pending],
                [question, chat, pending, asked, ask_note],
                queue=False,
                **private,
            ).then(
                app.answer, [asked, chat, turns, answers], ask_outputs, show_progress="minimal", **private
            ).then(None, None, None, js=MARKS_JS).then(**keep)
        fresh_chat = [chat, turns, answers, sources, docview, pending, asked, ask_note]
        new_chat.click(app.new_chat, None, fresh_chat, queue=False, **private).then(**keep)
        # The chatbot's own trash button must forget the conversation too, not just hide it.
        chat.clear(app.new_chat, None, fresh_chat, queue=False, **private).then(**keep)
        demo.load(app.restore, [kept], [chat, turns, answers, sources], queue=False, **private).then(
            None, None, None, js=MARKS_JS
        )
        picker.change(app.pick, [picker, answers], [sources, docview], queue=False, **private).then(
            None, None, None, js=SCROLL_JS
        )
        picker.change(app.who_source, [picker, who_found], [who_source], queue=False, **private).then(
            None, None, None, js=WHO_SCROLL_JS
        )
        who_doc.change(app.who, [who_doc], [who_table, who_found, who_source], **private)
        files.upload(
            app.upload,
            [files],
            [docs_note, docs_table, to_remove, who_doc, files, status],
            show_progress_on=[docs_table],  # one progress display, not one on each output
            concurrency_id="index",
            concurrency_limit=1,
            **private,
        )
        url_box.submit(
            app.add_url,
            [url_box],
            [docs_note, docs_table, to_remove, who_doc, url_box, status],
            show_progress_on=[docs_table],
            concurrency_id="index",
            concurrency_limit=1,
            **private,
        )
        # Remove acts on a chosen document only (the file is moved aside, see remove_document)
        to_remove.change(chosen, [to_remove], [remove], queue=False, **private)
        remove.click(
            app.remove,
            [to_remove, who_doc],
            [docs_note, docs_table, to_remove, who_doc, status, who_table, who_found, who_source],
            concurrency_id="index",
            concurrency_limit=1,
            **private,
        )
        listed = gr.State(-1)  # the index update this page's document lists come from
        panel = [status, docs_table, to_remove, who_doc, listed]
        timer.tick(app.tick, [listed], panel, queue=False, **private)
        demo.load(app.tick, [listed], panel, queue=False, **private)
        gr.api(app.api_ask, api_name=QUESTION_API)
    return demo

