"""The Gradio chat: questions, cited answers, their sources, and the documents behind them.

The page holds no retrieval logic; every action is a `QAService` call. Start-up serves the page at
once and, in a background thread, loads the service (its imports and model are most of the start-up
time) and brings the index up to date, with progress in the terminal (tqdm) and in the page, so a
large corpus never leaves the user staring at nothing.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from qa.chat.inputs import clean_question, history_turns
from qa.config import Settings
from qa.errors import BadRequest
from qa.nlp import import_spacy
from qa.schema import Answer, Citation, Turn
from qa.text import count
from qa.ui.connections import bound_connections
from qa.ui.guard import guard_middleware
from qa.ui.limits import QUESTION_API
from qa.ui.render import (
    PICK_JS,
    answer_html,
    attribution_source_html,
    attributions_html,
    document_html,
    documents_html,
    esc,
    question_html,
    sources_html,
)
from qa.ui.rest import add_rest_api

if TYPE_CHECKING:
    from qa.attribute.model import Attribution
    from qa.service import QAService

log = logging.getLogger(__name__)

# Questions any corpus answers (a review found the article's own examples "not found" once it was
# removed): what the documents say, who is quoted in them, and whom and where they name.
EXAMPLES = (
    "Summarize the documents",
    "Who said what?",
    "Which people are mentioned?",
    "Which places are mentioned?",
)
UPLOAD_TYPES = [".txt", ".md", ".html", ".pdf"]

CSS = """
.qa-a, .qa-q { line-height: 1.5; }
.qa-marker { font-weight: 600; text-decoration: none; padding: 0 2px; border-radius: 4px;
  background: var(--color-accent-soft); cursor: pointer; }
.qa-resolved, .qa-hint { font-size: 0.85em; opacity: 0.75; }
.qa-resolved { margin-top: 4px; }
.qa-sources { display: flex; flex-direction: column; gap: 10px; }
.qa-empty, .qa-related { opacity: 0.75; }
.qa-notfound { font-weight: 600; }
.qa-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px; }
.qa-card.qa-selected { border-color: var(--color-accent); box-shadow: 0 0 0 2px var(--color-accent-soft); }
.qa-card-head { font-size: 0.9em; margin-bottom: 4px; }
.qa-num { font-weight: 700; }
.qa-doc { font-weight: 600; word-break: break-all; }
.qa-loc { opacity: 0.7; font-size: 0.9em; }
.qa-passage, .qa-doc-text { white-space: pre-wrap; font-size: 0.92em; line-height: 1.45; }
.qa-passage { max-height: 16em; overflow: auto; }
mark.qa-quote { background: #fff1a8; color: #222; padding: 0 1px; }
.qa-related ~ .qa-card mark.qa-quote { background: #e3e6ea; }  /* closest, not supporting: grey */
mark.qa-span { background: #ffb84d; color: #000; font-weight: 700; }
.qa-open { font-size: 0.85em; }
.qa-docview { border-top: 1px solid var(--border-color-primary); padding-top: 8px; }
.qa-doc-title { font-weight: 600; margin-bottom: 6px; }
.qa-doc-text { max-height: 55vh; overflow: auto; border: 1px solid var(--border-color-primary);
  border-radius: 8px; padding: 8px 10px; }
.qa-cut { opacity: 0.6; font-style: italic; }
table.qa-docs { width: 100%; font-size: 0.9em; }
table.qa-docs td, table.qa-docs th { padding: 2px 6px; text-align: left; }
table.qa-who td { vertical-align: top; }
table.qa-who a.qa-open { white-space: nowrap; }
.qa-who-source { display: flex; flex-direction: column; gap: 10px; }
"""

# Each source card shows a few lines of its passage: scroll each so its highlight is in sight
# (a passage starts at its top, and the quoted sentence can be far below it).
_SHOW_MARKS = """
    document.querySelectorAll('#qa-sources .qa-passage').forEach((box) => {
      const mark = box.querySelector('mark');
      if (!mark) return;
      box.scrollTop += mark.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3;
    });
"""
MARKS_JS = "() => { setTimeout(() => {" + _SHOW_MARKS + "}, 60); }"

# After the sources or the document view change, bring the chosen passage into view.
# The document box scrolls itself so the passage sits a third of the way down, then the page
# scrolls just enough to show the box (or the selected source card).
SCROLL_JS = (
    """
() => {
  setTimeout(() => {"""
    + _SHOW_MARKS
    + """
    const hit = document.querySelector('#qa-docview #qa-hit');
    const box = document.querySelector('#qa-docview .qa-doc-text');
    if (hit && box) {
      box.scrollTop += hit.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3;
      box.scrollIntoView({ block: 'nearest', behavior: 'instant' });
      return;
    }
    const card = document.querySelector('#qa-sources .qa-selected');
    if (card) card.scrollIntoView({ block: 'nearest', behavior: 'instant' });
  }, 60);
}
"""
)

# The same for the source of a "who said what" row.
WHO_SCROLL_JS = """
() => {
  setTimeout(() => {
    const hit = document.querySelector('#qa-who-source #qa-who-hit');
    const box = document.querySelector('#qa-who-source .qa-doc-text');
    if (hit && box) {
      box.scrollTop += hit.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3;
      box.scrollIntoView({ block: 'nearest', behavior: 'instant' });
    }
  }, 60);
}
"""

_EMPTY_WHO_SOURCE = '<div class="qa-who-source qa-empty">“Show source” marks the statement in its document here.</div>'


@dataclass
class StartupStatus:
    """What the background index update is doing, for the page to show."""

    fraction: float = 0.0
    message: str = "starting"
    done: bool = False
    error: str | None = None
    started: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def update(self, fraction: float, message: str) -> None:
        with self._lock:
            self.fraction, self.message = fraction, message

    generation: int = 0  # updates finished so far: a page refreshes its document lists when it grows

    def begin(self, message: str) -> None:
        """Another update (files changed in the corpus folder) is under way."""
        with self._lock:
            self.fraction, self.message, self.done, self.error = 0.0, message, False, None

    def finish(self, message: str, error: str | None = None) -> None:
        with self._lock:
            self.fraction, self.message, self.done, self.error = 1.0, message, True, error
            self.generation += 1

    def markdown(self) -> str:
        with self._lock:
            if self.error:
                return f"**Problem:** {esc(self.error)}"
            if self.done:
                return f"**Ready:** {esc(self.message)}"
            return f"**Updating the index:** {esc(self.message)} ({self.fraction:.0%})"


# Gradio injects progress tracking when a handler's default is a gr.Progress instance.
_PROGRESS = gr.Progress()


def _message(role: str, content: str) -> dict[str, str]:
    return {"role": role, "content": content}


class ChatApp:
    """The page's handlers, bound to one shared service; per-session data lives in gr.State."""

    def __init__(self, settings: Settings, status: StartupStatus) -> None:
        self.settings = settings
        self.status = status
        self._service: QAService | None = None
        self._ready = threading.Event()
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._texts_lock = threading.Lock()
        self.closing = threading.Event()  # the app is shutting down: background work stops

    def attach(self, service: QAService | None) -> None:
        """The service is built (or failed to build, None): handlers stop waiting for it."""
        self._service = service
        self._ready.set()

    @property
    def service(self) -> QAService:
        """The shared service, waiting for start-up if a request comes in early."""
        if not self._ready.wait(timeout=900) or self._service is None:
            raise ServiceUnavailable(self.status.error or "the app is still starting")
        return self._service

    # --- documents -------------------------------------------------------------------------

    def _doc_text(self, name: str) -> str | None:
        """A document's text, cached: the sources view needs it for paragraph numbers."""
        with self._texts_lock:
            if name in self._texts:
                self._texts.move_to_end(name)
                return self._texts[name]
        try:
            text = self.service.document(name).text
        except Exception:  # removed or unreadable since it was indexed: show no paragraph then
            return None
        with self._texts_lock:
            self._texts[name] = text
            while len(self._texts) > 16:
                self._texts.popitem(last=False)
        return text

    def _forget(self, name: str | None = None) -> None:
        """Drop a document's cached text (None: every document's)."""
        with self._texts_lock:
            if name is None:
                self._texts.clear()
            else:
                self._texts.pop(name, None)

    def _texts_for(self, answer: Answer) -> dict[str, str]:
        """Texts of the non-PDF documents an answer cites (PDF citations show pages instead)."""
        out: dict[str, str] = {}
        for c in [*answer.citations, *answer.passages]:
            if c.page is None and c.doc not in out:
                text = self._doc_text(c.doc)
                if text is not None:
                    out[c.doc] = text
        return out

    def documents_panel(self) -> tuple[str, Any]:
        """The documents table and the removal choices."""
        if not self.status.done:
            # The list is about to change (and at start-up, before the catalog is loaded, asking
            # for it would wait for the whole update); the page asks again when it is done.
            return '<div class="qa-docs qa-empty">The index is being updated…</div>', gr.update()
        try:
            docs = self.service.documents()
        except Exception as exc:
            log.exception("listing documents failed")
            return f'<div class="qa-docs">Could not list documents: {type(exc).__name__}</div>', gr.update()
        return documents_html(docs), gr.update(choices=[d.name for d in docs], value=None)

    def tick(self, seen: int = -1) -> tuple[Any, ...]:
        """Progress of an index update; once one has finished, the documents this page lists (`seen`:
        the update they come from; files added to the corpus folder are indexed while it is open).
        Nothing is sent while nothing changed, so a choice being made is not reset."""
        generation = self.status.generation
        if self.status.done and seen == generation:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), seen
        table, choices = self.documents_panel()
        return self.status_line(), table, choices, _who_choices(choices), generation if self.status.done else seen

    def status_line(self) -> str:
        """Start-up progress, then what the index holds now (uploads and removals change it)."""
        if not self.status.done or self.status.error or self._service is None:
            return self.status.markdown()
        try:
            docs = self.service.documents()
        except Exception:
            log.exception("listing documents failed")
            return self.status.markdown()
        held = f"{count(len(docs), 'document')}, {count(sum(d.chunks for d in docs), 'passage')} indexed"
        return f"**Ready:** {held}"

    def upload(
        self, files: list[str] | None, progress: gr.Progress = _PROGRESS
    ) -> tuple[str, str, Any, Any, None, str]:
        """Add uploaded files to the corpus and index them now, with progress in the page."""
        notes: list[str] = []
        for path in files or []:
            filename = Path(path).name
            try:
                data = Path(path).read_bytes()
                name, report = self.service.add_document(filename, data, progress=lambda f, msg: progress(f, desc=msg))
            except BadRequest as exc:  # its message names the file
                gr.Warning(str(exc))
                notes.append(f"not added: {exc}")
                continue
            except Exception as exc:
                log.exception("upload of %s failed", filename)
                gr.Warning(f"{filename}: indexing failed ({_why(exc)})")
                notes.append(f"not added: {filename}: indexing failed ({_why(exc)})")
                continue
            self._forget(name)
            if report.problems:
                notes.append("not added: " + "; ".join(report.problems))  # each names its file
            else:  # kept under another name, or a copy of a document already there, else plainly added
                notes.extend(report.notes or [f"{name} indexed"])
        table, choices = self.documents_panel()
        return _notes_md(notes), table, choices, _who_choices(choices), None, self.status_line()

    def remove(self, name: str | None, who_picked: str | None = None) -> tuple[Any, ...]:
        """Delete a document from the corpus and its passages from the index; when its statements
        are the ones shown under "Who said what", that panel is emptied too."""
        if not name:
            gr.Warning("choose a document to remove")
            table, choices = self.documents_panel()
            note = _notes_md(["choose a document to remove"])
            return note, table, choices, _who_choices(choices), self.status_line(), *(gr.skip(),) * 3
        try:
            self.service.remove_document(name)
            note = f"{name} removed (the file is kept in {self.service.removed_dir / name})"
        except BadRequest as exc:
            gr.Warning(str(exc))
            note = f"not removed: {name}: {exc}"
        except Exception as exc:
            log.exception("removing %s failed", name)
            gr.Warning(f"{name}: removal failed ({_why(exc)})")
            note = f"not removed: {name}: removal failed ({_why(exc)})"
        self._forget(name)
        table, choices = self.documents_panel()
        who_doc, who_panel = _who_choices(choices), (gr.skip(),) * 3
        listed = choices.get("choices") if isinstance(choices, dict) else None  # None: listing failed
        if who_picked == name and (listed is None or name not in listed):
            who_doc = gr.update(choices=listed, value=None) if listed is not None else gr.update(value=None)
            who_panel = self.who(None)
        return _notes_md([note]), table, choices, who_doc, self.status_line(), *who_panel

    def _documents(self) -> list[Any]:
        try:
            return list(self.service.documents())
        except Exception:
            log.exception("listing documents failed")
            return []

    # --- chat ------------------------------------------------------------------------------

    def push_question(
        self, question: str, chat: list[dict[str, Any]], pending: str
    ) -> tuple[str, list[dict[str, Any]], str, str, str]:
        """Show the question at once (no queue) while the answer is computed; outputs the box, the
        chat, the question being answered (`pending`), the one the chained `answer` takes (`asked`)
        and the note under the box. A question that cannot be asked stays in the box with the reason
        under it (a toast needs the queue, so it may not show): an over-long one can be shortened,
        and one sent while the last is still being answered can be sent again (answered together,
        the later answer would overwrite the chat and the earlier one be lost)."""
        if pending:
            note = "the previous question is still being answered; send this one when its answer is shown"
            return question, gr.skip(), gr.skip(), "", _ask_note(note)
        try:
            text = clean_question(question, self.settings.max_question_chars)
        except BadRequest as exc:
            gr.Warning(str(exc))
            return question, chat, "", "", _ask_note(str(exc))
        return "", [*chat, _message("user", question_html(text))], text, text, ""

    def answer(
        self,
        asked: str,
        chat: list[dict[str, Any]],
        turns: list[Turn],
        answers: list[Answer],
    ) -> tuple[Any, Any, Any, Any, Any, Any]:
        """Answer the question just pushed using the conversation so far; outputs the chat, turns,
        answers, sources, document view and `pending` (cleared: the next question may be sent)."""
        if not asked:  # nothing was pushed (refused): leave everything, a running answer included
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        try:  # whatever fails, `pending` is cleared, or every later question would wait for this one
            answer = self.service.ask(asked, turns)
            turn = len(answers)
            # The question as it was understood: the next follow-up leans on that ("he" resolved).
            understood = answer.resolved_question or answer.question
            shown = [*chat, _message("assistant", answer_html(answer, turn))]
            first = answer.citations[0].n if answer.citations else None
            sources = sources_html(answer, turn, selected=first, doc_texts=self._texts_for(answer))
        except BadRequest as exc:
            gr.Warning(str(exc))
            return chat[:-1], turns, answers, gr.skip(), gr.skip(), ""
        except Exception as exc:
            log.exception("answering %r failed", asked)
            gr.Warning(f"the question could not be answered ({type(exc).__name__}); see the server log")
            return chat[:-1], turns, answers, gr.skip(), gr.skip(), ""
        turns = [*turns, Turn(understood, answer.text, tuple(c.quote for c in answer.citations))]
        return shown, turns, [*answers, answer], sources, _EMPTY_DOC, ""

    def pick(self, value: str, answers: list[Answer]) -> tuple[str, str]:
        """A marker or an "open in document" link was clicked (`qa-cite-T-N` / `qa-doc-T-cN|pN`)."""
        key = (value or "").split("|", 1)[0]
        parts = key.split("-")
        try:
            kind, turn = parts[1], int(parts[2])
            answer = answers[turn]
            if kind == "cite":
                n = int(parts[3])
                return sources_html(answer, turn, selected=n, doc_texts=self._texts_for(answer)), gr.skip()
            if kind == "doc":
                pool = answer.citations if parts[3][0] == "c" else answer.passages
                n = int(parts[3][1:])
                citation = next(c for c in pool if c.n == n)
                return gr.skip(), self.document_view(citation)
        except (IndexError, ValueError, StopIteration):
            pass
        return gr.skip(), gr.skip()

    def document_view(self, citation: Citation) -> str:
        """The whole cited document, the passage marked."""
        try:
            doc = self.service.document(citation.doc)
        except Exception as exc:
            if citation.doc not in {d.name for d in self._documents()}:
                gone = f"{esc(citation.doc)} is no longer in the corpus (it was removed or renamed)."
                return f'<div class="qa-docview">{gone}</div>'
            return f'<div class="qa-docview">Cannot open this document now ({type(exc).__name__}).</div>'
        return document_html(doc.name, doc.text, citation)

    # --- who said what ---------------------------------------------------------------------

    def who(self, doc: str | None) -> tuple[str, list[Attribution], str]:
        """The table of a document's attributed statements, and the statements for the row links."""
        if not doc:
            return attributions_html(None, []), [], _EMPTY_WHO_SOURCE
        try:
            found = self.service.attributions(doc)
        except BadRequest as exc:
            gr.Warning(str(exc))
            return f'<div class="qa-who qa-empty">{esc(str(exc))}</div>', [], _EMPTY_WHO_SOURCE
        except Exception as exc:
            log.exception("attributions of %s failed", doc)
            return (
                f'<div class="qa-who qa-empty">Could not read who said what ({type(exc).__name__}).</div>',
                [],
                _EMPTY_WHO_SOURCE,
            )
        return attributions_html(doc, found), found, _EMPTY_WHO_SOURCE

    def who_source(self, value: str, found: list[Attribution]) -> str:
        """A "Show source" link (`qa-who-I`) was clicked: the statement marked in its document."""
        key = (value or "").split("|", 1)[0]
        if not key.startswith("qa-who-"):
            return gr.skip()
        try:
            a = found[int(key.removeprefix("qa-who-"))]
        except (IndexError, ValueError):
            return gr.skip()
        text = self._doc_text(a.doc)
        if text is None:
            return '<div class="qa-who-source">Cannot open this document now.</div>'
        return attribution_source_html(a, text)

    def keep(self, turns: list[Turn], answers: list[Answer]) -> dict[str, Any]:
        """What the browser keeps of the chat (its last `kept_turns` answers), so that reloading
        the page shows it again: answers as the API gives them, and the turns follow-ups lean on.
        An empty chat is kept as such (the browser ignores a null), so "New chat" outlives a reload."""
        n = min(self.settings.kept_turns, len(turns), len(answers))
        return {
            "version": KEPT_VERSION,
            "turns": [[t.question, t.answer, list(t.quotes)] for t in turns[len(turns) - n :]],
            "answers": [a.to_dict() for a in answers[len(answers) - n :]],
        }

    def restore(self, kept: Any) -> tuple[list[dict[str, Any]], list[Turn], list[Answer], str]:
        """The chat the browser kept, shown again on arrival (chat, turns, answers, sources); a
        kept value that is not one (another version, edited by hand) starts a new chat. It is
        rendered afresh, so document text in it is escaped like any answer's."""
        if kept is None or not self.settings.kept_turns:
            return [], [], [], sources_html(None, 0)
        try:
            turns, answers = _kept_chat(kept)
            # kept by an earlier setting, or edited: no more than this setting keeps
            turns, answers = turns[-self.settings.kept_turns :], answers[-self.settings.kept_turns :]
        except ValueError as exc:
            log.warning("the chat kept by the browser is not restored: %s", exc)
            return [], [], [], sources_html(None, 0)
        chat: list[dict[str, Any]] = []
        for turn, answer in enumerate(answers):
            chat += [_message("user", question_html(answer.question)), _message("assistant", answer_html(answer, turn))]
        if not answers:
            return chat, turns, answers, sources_html(None, 0)
        last = answers[-1]
        # paragraph numbers need the document texts: not while the service is still starting
        texts = self._texts_for(last) if self._ready.is_set() else {}
        first = last.citations[0].n if last.citations else None
        return chat, turns, answers, sources_html(last, len(answers) - 1, selected=first, doc_texts=texts)

    def new_chat(self) -> tuple[list[dict[str, Any]], list[Turn], list[Answer], str, str, str, str, str]:
        """An empty conversation; a question still being answered no longer holds the next one back."""
        return [], [], [], sources_html(None, 0), _EMPTY_DOC, "", "", ""

    # --- API -------------------------------------------------------------------------------

    def api_ask(self, question: str, history: list[list[str]] | None = None) -> dict[str, Any]:
        """Answer one question; the citations are exactly those the page shows.

        `history` (optional) is the conversation so far as [question, answer] pairs, oldest first,
        so follow-ups ("How many inmates can it hold?") are understood; the server keeps none.

        Returns Answer.to_dict(): question, answer (text with [n] markers), abstained, short_answer,
        resolved_question, citations (doc, start, end, quote, passage, page, span_start, span_end...),
        passages and error (set, with an empty answer, when the question or history is refused).
        """
        text = question if isinstance(question, str) else ""
        try:
            return self.service.ask(question, history_turns(history)).to_dict()
        except BadRequest as exc:
            return Answer(question=text[:200], text="", error=str(exc)).to_dict()
        except Exception as exc:
            log.exception("answering %r failed", text[:200])
            return Answer(question=text[:200], text="", error=f"the question could not be answered: {exc}").to_dict()

    # --- layout ----------------------------------------------------------------------------

    def build(self) -> gr.Blocks:
        """The page; events call the handlers above."""
        with gr.Blocks(title="Ask your documents", analytics_enabled=False) as demo:
            gr.Markdown(
                "## Ask your documents\nAnswers quote the documents; click a marker like **[1]** to see its source."
            )
            status = gr.Markdown(self.status.markdown(), elem_id="qa-status")
            turns = gr.State(list[Turn]())
            answers = gr.State(list[Answer]())
            # the chat outlives a reload (and a restart: the key Gradio encrypts it with is kept with the index)
            kept = gr.BrowserState(None, storage_key="qa-chat", secret=_browser_secret(self.settings.index_dir))
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
                    docview = gr.HTML(_EMPTY_DOC, elem_id="qa-docview")
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
                        to_remove = gr.Dropdown(label="Remove a document", choices=[], elem_id="qa-remove-choice")
                        remove = gr.Button("Remove", variant="stop", size="sm", elem_id="qa-remove", interactive=False)
                docs_note = gr.Markdown(elem_id="qa-docs-note")
            with gr.Accordion("Who said what", open=False, elem_id="qa-who"):
                who_doc = gr.Dropdown(label="Document", choices=[], value=None, elem_id="qa-who-doc")
                who_table = gr.HTML(attributions_html(None, []), elem_id="qa-who-table")
                who_source = gr.HTML(_EMPTY_WHO_SOURCE, elem_id="qa-who-source")
                who_found = gr.State([])
            picker = gr.Textbox(elem_id="qa-pick", visible="hidden")
            timer = gr.Timer(1.0, active=True)

            private: dict[str, Any] = {"api_visibility": "private"}
            ask_outputs = [chat, turns, answers, sources, docview, pending]
            keep = {"fn": self.keep, "inputs": [turns, answers], "outputs": [kept], "queue": False, **private}
            # A typed question and an example button ask alike: the question shown at once, then
            # answered, its markers made clickable, and the chat kept by the browser.
            asking: list[tuple[Any, Any]] = [(question.submit, question)]
            asking += [(button.click, gr.State(text)) for button, text in zip(example_buttons, EXAMPLES, strict=True)]
            for trigger, asked_text in asking:
                trigger(
                    self.push_question,
                    [asked_text, chat, pending],
                    [question, chat, pending, asked, ask_note],
                    queue=False,
                    **private,
                ).then(
                    self.answer, [asked, chat, turns, answers], ask_outputs, show_progress="minimal", **private
                ).then(None, None, None, js=MARKS_JS).then(**keep)
            fresh_chat = [chat, turns, answers, sources, docview, pending, asked, ask_note]
            new_chat.click(self.new_chat, None, fresh_chat, queue=False, **private).then(**keep)
            # The chatbot's own trash button must forget the conversation too, not just hide it.
            chat.clear(self.new_chat, None, fresh_chat, queue=False, **private).then(**keep)
            demo.load(self.restore, [kept], [chat, turns, answers, sources], queue=False, **private).then(
                None, None, None, js=MARKS_JS
            )
            picker.change(self.pick, [picker, answers], [sources, docview], queue=False, **private).then(
                None, None, None, js=SCROLL_JS
            )
            picker.change(self.who_source, [picker, who_found], [who_source], queue=False, **private).then(
                None, None, None, js=WHO_SCROLL_JS
            )
            who_doc.change(self.who, [who_doc], [who_table, who_found, who_source], **private)
            files.upload(
                self.upload,
                [files],
                [docs_note, docs_table, to_remove, who_doc, files, status],
                show_progress_on=[docs_table],  # one progress display, not one on each output
                concurrency_id="index",
                concurrency_limit=1,
                **private,
            )
            # Remove acts on a chosen document only (the file is moved aside, see remove_document)
            to_remove.change(_chosen, [to_remove], [remove], queue=False, **private)
            remove.click(
                self.remove,
                [to_remove, who_doc],
                [docs_note, docs_table, to_remove, who_doc, status, who_table, who_found, who_source],
                concurrency_id="index",
                concurrency_limit=1,
                **private,
            )
            listed = gr.State(-1)  # the index update this page's document lists come from
            panel = [status, docs_table, to_remove, who_doc, listed]
            timer.tick(self.tick, [listed], panel, queue=False, **private)
            demo.load(self.tick, [listed], panel, queue=False, **private)
            gr.api(self.api_ask, api_name=QUESTION_API)
        return demo


KEPT_VERSION = 1  # of the chat the browser keeps; another version is not restored


def _kept_chat(kept: Any) -> tuple[list[Turn], list[Answer]]:
    """The turns and answers of a chat the browser kept (`ChatApp.keep`); ValueError otherwise."""
    if not isinstance(kept, dict) or kept.get("version") != KEPT_VERSION:
        raise ValueError("not a chat of this version")
    try:  # text the page could not send back (a lone surrogate, edited in by hand)
        json.dumps(kept, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError) as exc:
        raise ValueError(f"not plain JSON text ({type(exc).__name__})") from exc
    raw_turns, raw_answers = kept.get("turns"), kept.get("answers")
    if not isinstance(raw_turns, list) or not isinstance(raw_answers, list) or len(raw_turns) != len(raw_answers):
        raise ValueError("turns and answers do not match")
    turns = []
    for t in raw_turns:
        if not (
            isinstance(t, list)
            and len(t) == 3
            and isinstance(t[0], str)
            and isinstance(t[1], str)
            and isinstance(t[2], list)
            and all(isinstance(q, str) for q in t[2])
        ):
            raise ValueError("a turn is [question, answer, quotes]")
        turns.append(Turn(t[0], t[1], tuple(t[2])))
    return turns, [Answer.from_dict(a) for a in raw_answers]


def _browser_secret(index_dir: Path) -> str | None:
    """The key Gradio encrypts the browser's copy of the chat with, kept beside the index so the
    chat survives a restart; None (a new key per start, Gradio's own) when it cannot be kept. The
    page holds the key (the browser does the encrypting): the copy is not secret from whoever can
    open the page, which is why `restore` checks and escapes it."""
    path = index_dir / "browser-secret"
    try:
        if path.is_file():
            return path.read_text(encoding="ascii").strip() or None
        index_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(24)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="ascii") as out:
            out.write(key)  # private from its creation
        return key
    except (OSError, UnicodeDecodeError):
        return None


class ServiceUnavailable(RuntimeError):
    """The service could not be started (the page says why)."""


def _ask_note(message: str) -> str:
    """The reason a question was not asked, shown under the question box."""
    return f"**Not asked:** {esc(message)}" if message else ""


def _why(exc: Exception) -> str:
    """What to tell the user about an unexpected failure: the store's own advice, else its type."""
    return str(exc) if type(exc).__name__ == "StoreUnavailable" else type(exc).__name__


_EMPTY_DOC = '<div class="qa-docview qa-empty">“Open in document” shows the whole text here.</div>'


def _who_choices(choices: Any) -> Any:
    """The remove dropdown's update, for the who-said-what dropdown: new choices, the pick kept."""
    if isinstance(choices, dict) and "choices" in choices:
        return gr.update(choices=choices["choices"])
    return gr.update()


def _chosen(name: str | None) -> Any:
    """The Remove button, usable once a document is chosen."""
    return gr.update(interactive=bool(name))


def _notes_md(notes: list[str]) -> str:
    """A Markdown list of notes; they carry file names, so they are escaped."""
    return "\n".join(f"- {esc(note)}" for note in notes)


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    """`user:password` from the settings, or None when the app is open."""
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise ValueError("QA_AUTH must look like user:password")
    return user, password


def concurrency(settings: Settings) -> int:
    """Questions answered at once: enough to overlap I/O, few enough not to thrash 2-4 cores."""
    return max(2, min(8, settings.threads * 2))


@dataclass
class Running:
    """A started app: the page, the service behind it and the background index update."""

    demo: gr.Blocks
    chat: ChatApp
    status: StartupStatus
    url: str
    sync_thread: threading.Thread

    @property
    def service(self) -> QAService:
        return self.chat.service

    def wait_ready(self, timeout: float = 300.0) -> bool:
        """Block until the start-up index update has finished (the thread goes on watching the corpus)."""
        deadline = time.monotonic() + timeout
        while self.status.generation == 0 and self.sync_thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.status.done

    def close(self) -> None:
        self.chat.closing.set()
        self.demo.close()


def _warm_up(service: QAService) -> None:
    """One throw-away question loads the lazy parts (model, NER, lexical index) before users come."""
    try:
        service.ask("Who said what, and when?")
    except Exception:
        log.warning("warm-up question failed", exc_info=True)


def _startup(chat: ChatApp, status: StartupStatus) -> None:
    """Load the service, bring the index up to date, then warm the model so the first answer is quick."""
    try:
        status.update(0.0, "loading the search engine and the model")
        from qa.service import QAService

        service = QAService(chat.settings)
    except Exception as exc:
        log.exception("the service could not start")
        status.finish("start-up failed", error=f"The app could not start: {exc}")
        chat.attach(None)
        print(f"qa: {exc}", file=sys.stderr)
        return
    chat.attach(service)
    seen = service.corpus_state()  # before the sync: a file dropped in meanwhile is indexed after it
    try:
        status.update(0.0, "checking the corpus")
        indexed = _update(service, status, show_bar=True)
        _warm_up(service)
        message = f"{indexed} in {time.monotonic() - status.started:.1f} s"
        status.finish(message)
        print(f"Ready: {message}", flush=True)
    except Exception as exc:
        _failed(status, exc)
        print(f"qa: {exc}", file=sys.stderr)
    if chat.settings.watch_seconds > 0:
        _watch(chat, service, status, seen)


def _update(service: QAService, status: StartupStatus, show_bar: bool) -> str:
    """Sync the index with the corpus folder, showing progress; says on stderr which files were
    skipped and why, and returns what the index holds now."""
    report = service.sync(progress=status.update, show_bar=show_bar)
    for message in report.messages():
        print(message, file=sys.stderr)
    return (
        f"{count(report.documents, 'document')}, {count(report.chunks, 'passage')} indexed "
        f"({report.added} added, {report.deleted} removed)"
    )


def _failed(status: StartupStatus, exc: Exception) -> None:
    log.exception("index update failed")
    status.finish("index update failed", error=f"The index could not be updated: {exc}")


def _watch(chat: ChatApp, service: QAService, status: StartupStatus, seen: tuple[tuple[str, int, int], ...]) -> None:
    """Index files added to, changed in or removed from the corpus folder while the app runs; until
    then a removed file would still be cited (and fail to open) and an added one never found.
    Questions keep being answered from the last complete index meanwhile."""
    while not chat.closing.wait(chat.settings.watch_seconds):
        try:
            if service.busy():
                continue  # an upload or removal is indexing what it changed: look again after it
            now = service.corpus_state()
            if now == seen or service.own_change == (seen, now):
                seen = now  # nothing, or only what an upload or removal indexed itself
                continue
            # As looked at before the sync: a change made during it is seen next time, and a
            # failed sync is not retried every few seconds but on the next change.
            seen = now
            status.begin("the corpus folder changed")
            indexed = _update(service, status, show_bar=False)
            chat._forget()
            status.finish(indexed)
        except Exception as exc:
            _failed(status, exc)


def start(settings: Settings, *, quiet: bool = False) -> Running:
    """Serve the page without blocking and start the index update in the background."""
    # spaCy is imported now, on the main thread before any other starts, so that its thinc layer
    # skips torch (qa.nlp.import_spacy): the app then answers without ever loading torch.
    import_spacy()
    auth = parse_auth(settings.auth)
    status = StartupStatus()
    chat = ChatApp(settings, status)
    demo = chat.build()
    demo.queue(default_concurrency_limit=concurrency(settings), max_size=256)
    file_bytes = int(settings.max_file_mb * 1e6)  # the limit add_document applies too
    guards = guard_middleware(settings.allowed_hosts, settings.host, file_bytes, lambda i: demo.fns[i].api_name)
    app, url, _ = demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        auth=auth,
        prevent_thread_lock=True,
        quiet=quiet,
        ssr_mode=False,
        show_error=False,
        max_file_size=file_bytes,
        css=CSS,
        js=PICK_JS,
        theme=gr.themes.Default(),
        app_kwargs={"middleware": guards},
        num_workers=0,  # no separate file-serving processes: every request passes the guards
    )
    bound_connections(demo.server, settings.read_timeout, settings.keep_alive_timeout)
    add_rest_api(app, chat.api_ask, auth)
    thread = threading.Thread(target=_startup, args=(chat, status), name="qa-startup", daemon=True)
    thread.start()
    return Running(demo, chat, status, url, thread)


def serve(settings: Settings) -> int:
    """`make run` / `qa serve`: serve until interrupted."""
    try:
        running = start(settings, quiet=True)
    except ValueError as exc:
        print(f"qa: {exc}", file=sys.stderr)
        return 2
    print(f"Chat on {running.url} (Ctrl+C to stop)", flush=True)
    try:
        running.demo.block_thread()
    except KeyboardInterrupt:
        running.close()
    return 0
