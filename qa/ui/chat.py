"""The page's chat: asking, answers with their sources, the document view, the kept chat and the API."""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr

from qa.chat.inputs import clean_question, history_turns
from qa.errors import BadRequest
from qa.schema import Answer, Citation, Turn
from qa.ui.base import bad_request
from qa.ui.kept import KEPT_VERSION, kept_chat
from qa.ui.library import LibraryPanel
from qa.ui.render import answer_html, document_html, esc, question_html, sources_html

log = logging.getLogger(__name__)

EMPTY_DOC = '<div class="qa-docview qa-empty">“Open in document” shows the whole text here.</div>'


def _message(role: str, content: str) -> dict[str, str]:
    return {"role": role, "content": content}


def _ask_note(message: str) -> str:
    """The reason a question was not asked, shown under the question box."""
    return f"**Not asked:** {esc(message)}" if message else ""


class ChatApp(LibraryPanel):
    """All of the page's handlers, bound to one shared service (qa/ui/page.py lays them out)."""

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
        except bad_request() as exc:
            gr.Warning(str(exc))
            return chat[:-1], turns, answers, gr.skip(), gr.skip(), ""
        except Exception as exc:
            log.exception("answering %r failed", asked)
            gr.Warning(f"the question could not be answered ({type(exc).__name__}); see the server log")
            return chat[:-1], turns, answers, gr.skip(), gr.skip(), ""
        turns = [*turns, Turn(understood, answer.text, tuple(c.quote for c in answer.citations))]
        return shown, turns, [*answers, answer], sources, EMPTY_DOC, ""

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
            turns, answers = kept_chat(kept)
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

    def new_chat(
        self,
    ) -> tuple[list[dict[str, Any]], list[Turn], list[Answer], str, str, str, str, str, dict[str, Any]]:
        """An empty conversation; a question still being answered no longer holds the next one back.
        What the browser keeps is emptied in the same step, so a reload right after cannot bring
        the old chat back."""
        return [], [], [], sources_html(None, 0), EMPTY_DOC, "", "", "", self.keep([], [])

    # --- API -------------------------------------------------------------------------------

    def api_ask(self, question: str, history: list[list[str]] | None = None) -> dict[str, Any]:
        """Answer one question; the citations are exactly those the page shows.

        `history` (optional) is the conversation so far as [question, answer] pairs, oldest first,
        so follow-ups ("How many seats does it have?") are understood; the server keeps none.

        Returns Answer.to_dict(): question, answer (text with [n] markers), abstained, short_answer,
        resolved_question, citations (doc, start, end, quote, passage, page, span_start, span_end...),
        passages and error (set, with an empty answer, when the question or history is refused).
        """
        text = question if isinstance(question, str) else ""
        try:
            return self.service.ask(question, history_turns(history)).to_dict()
        except bad_request() as exc:
            return Answer(question=text[:200], text="", error=str(exc)).to_dict()
        except Exception as exc:
            log.exception("answering %r failed", text[:200])
            return Answer(question=text[:200], text="", error=f"the question could not be answered: {exc}").to_dict()
