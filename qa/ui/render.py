"""HTML for the chat: every piece of document text is escaped here, because documents are untrusted.

Pure functions (no Gradio, no service) so the escaping and highlighting can be tested on their own.
Links the page reacts to are plain `#qa-...` anchors; one delegated click handler (qa/ui/static/page.js) turns
them into events, so no inline script or event attribute is ever emitted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from qa.schema import Answer, Citation
from qa.text import count

if TYPE_CHECKING:
    from qa.attribute.model import Attribution
    from qa.service import DocumentInfo

__all__ = [
    "answer_html",
    "attribution_citation",
    "attribution_source_html",
    "attributions_html",
    "document_html",
    "documents_html",
    "esc",
    "location",
    "paragraph_at",
    "question_html",
    "sources_html",
]

# One pass over the text: HTML's special characters, plus those Markdown, LaTeX or the chat renderer
# could give meaning to, all written as entities so document text is shown literally.
_LITERAL = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'*_[]()`$\\~|#!{}"})

# A document larger than this is shown as a window around the cited passage.
DOC_WINDOW = 200_000


def esc(text: str) -> str:
    """Text shown literally: HTML-escaped, Markdown/LaTeX neutralised, newlines kept."""
    return text.translate(_LITERAL).replace("\n", "<br>")


def esc_pre(text: str) -> str:
    """Like `esc` for blocks styled `white-space: pre-wrap` (newlines stay newlines)."""
    return text.translate(_LITERAL)


def question_html(question: str) -> str:
    """The user's message, escaped like any other text (it comes back from the network)."""
    return f'<div class="qa-q">{esc(question)}</div>'


def _marker_link(turn: int, n: int) -> str:
    return f'<a class="qa-marker" href="#qa-cite-{turn}-{n}" title="show source {n}">[{n}]</a>'


def answer_html(answer: Answer, turn: int) -> str:
    """The reply with its [n] markers turned into links that select the source.

    Markers are matched in citation order (` [1]`, then ` [2]`...) so a bracketed number inside a
    quoted sentence is left as text unless it sits where the next marker is expected.
    """
    if answer.abstained:
        body = f"<strong>Not found.</strong> {esc(answer.text)}"
        if answer.passages:
            body += ' <span class="qa-hint">Related reading is listed under Sources.</span>'
    else:
        text = answer.text
        pieces: list[str] = []
        pos = 0
        for c in answer.citations:
            marker = f" [{c.n}]"
            found = _find_marker(text, marker, pos)
            if found < 0:
                continue
            pieces.append(esc(text[pos:found]))
            pieces.append(" " + _marker_link(turn, c.n))
            pos = found + len(marker)
        pieces.append(esc(text[pos:]))
        body = _as_list("".join(pieces))
    extra = ""
    if answer.resolved_question:
        extra = f'<div class="qa-resolved">understood as: {esc(answer.resolved_question)}</div>'
    # One HTML block without blank lines: Markdown leaves its inside alone.
    return f'<div class="qa-a" data-turn="{turn}">{body}{extra}</div>'


_ITEM = "• "  # how a reply of several parts starts each line (one cited line per statement)


def _as_list(body: str) -> str:
    """A reply whose lines each start with a bullet, as an HTML list: wrapped lines keep their
    indent, so each part reads as one item. Any other reply is left as it is."""
    lines = body.split("<br>")
    if len(lines) < 2 or not all(line.startswith(_ITEM) for line in lines):
        return body
    items = "".join(f"<li>{line[len(_ITEM) :]}</li>" for line in lines)
    return f'<ul class="qa-list">{items}</ul>'


def _find_marker(text: str, marker: str, start: int) -> int:
    """The first `marker` from `start` that ends the text or is followed by a space or a separator.

    Attribution replies list statements as `... [1]; ... [2]`, so `;`, `,` and `.` end a marker too.
    """
    at = text.find(marker, start)
    while at >= 0:
        end = at + len(marker)
        if end == len(text) or text[end] in " \n;,.":
            return at
        at = text.find(marker, at + 1)
    return -1


def paragraph_at(text: str, offset: int) -> int:
    """1-based paragraph holding `offset`: blank-line separated if the text has any, else lines."""
    offset = max(0, min(offset, len(text)))
    sep = re.compile(r"\n[ \t]*\n+") if re.search(r"\n[ \t]*\n", text) else re.compile(r"\n+")
    count = 1
    for m in sep.finditer(text, 0, offset):
        if m.end() <= offset and m.start() > 0:
            count += 1
    return count


def location(c: Citation, doc_text: str | None = None) -> str:
    """Where a citation stands: the page for PDFs, else the character range and paragraph."""
    if c.page is not None:
        return f"page {c.page}"
    where = f"characters {c.start:,}–{c.end:,}"
    if doc_text is not None:
        where += f", paragraph {paragraph_at(doc_text, c.start)}"
    return where


def _highlighted(text: str, base: int, c: Citation, pre: bool, mark_id: str | None = None) -> str:
    """`text` (starting at document offset `base`) with the quote marked, and the short answer more so."""
    escape = esc_pre if pre else esc
    lo = max(0, min(len(text), c.start - base))
    hi = max(lo, min(len(text), c.end - base))
    quote = text[lo:hi]
    if c.span_start is not None and c.span_end is not None and c.start <= c.span_start < c.span_end <= c.end:
        s_lo = c.span_start - c.start
        s_hi = c.span_end - c.start
        inner = escape(quote[:s_lo]) + f'<mark class="qa-span">{escape(quote[s_lo:s_hi])}</mark>' + escape(quote[s_hi:])
    else:
        inner = escape(quote)
    ident = f' id="{mark_id}"' if mark_id else ""
    return f'{escape(text[:lo])}<mark class="qa-quote"{ident}>{inner}</mark>{escape(text[hi:])}'


def _card(c: Citation, turn: int, kind: str, selected: bool, doc_text: str | None) -> str:
    cls = "qa-card qa-selected" if selected else "qa-card"
    passage = _highlighted(c.passage, c.passage_start, c, pre=True)
    label = f"[{c.n}]" if kind == "c" else f"{c.n}."
    return (
        f'<div class="{cls}" id="qa-card-{turn}-{kind}{c.n}">'
        f'<div class="qa-card-head"><span class="qa-num">{label}</span> '
        f'<span class="qa-doc">{esc(c.doc)}</span> '
        f'<span class="qa-loc">{esc(location(c, doc_text))}</span></div>'
        f'<div class="qa-passage">{passage}</div>'
        f'<a class="qa-open" href="#qa-doc-{turn}-{kind}{c.n}">Open in document</a>'
        "</div>"
    )


def sources_html(
    answer: Answer | None,
    turn: int,
    selected: int | None = None,
    doc_texts: dict[str, str] | None = None,
) -> str:
    """The sources view for one answer: its citations, or related reading when it abstained."""
    texts = doc_texts or {}
    if answer is None:
        return '<div class="qa-sources qa-empty">Ask a question; the passages it quotes appear here.</div>'
    if answer.error and not answer.citations and not answer.passages:
        return f'<div class="qa-sources qa-empty">{esc(answer.error)}</div>'
    if answer.abstained or not answer.citations:
        head = '<div class="qa-notfound">Not found in the documents.</div>'
        if not answer.passages:
            return f'<div class="qa-sources">{head}</div>'
        cards = "".join(_card(c, turn, "p", False, texts.get(c.doc)) for c in answer.passages)
        return f'<div class="qa-sources">{head}<div class="qa-related">Related reading</div>{cards}</div>'
    cards = "".join(_card(c, turn, "c", c.n == selected, texts.get(c.doc)) for c in answer.citations)
    return f'<div class="qa-sources">{cards}</div>'


def document_html(name: str, text: str, c: Citation, mark_id: str = "qa-hit") -> str:
    """The whole document (or a large window of it) with the cited passage marked, ready to scroll to."""
    lo, hi = 0, len(text)
    if len(text) > DOC_WINDOW:
        lo = max(0, c.start - DOC_WINDOW // 2)
        hi = min(len(text), lo + DOC_WINDOW)
    shown = _highlighted(text[lo:hi], lo, c, pre=True, mark_id=mark_id)
    before = f'<div class="qa-cut">… {lo:,} characters before</div>' if lo else ""
    after = f'<div class="qa-cut">… {len(text) - hi:,} characters after</div>' if hi < len(text) else ""
    return (
        f'<div class="qa-docview"><div class="qa-doc-title">{esc(name)} '
        f'<span class="qa-loc">{esc(location(c, text))}</span></div>'
        f'<div class="qa-doc-text">{before}{shown}{after}</div></div>'
    )


def documents_html(docs: Sequence[DocumentInfo]) -> str:
    """The indexed documents and their passage counts."""
    if not docs:
        return '<div class="qa-docs qa-empty">No documents are indexed yet. Upload some below.</div>'
    rows = "".join(f"<tr><td>{esc(d.name)}</td><td>{d.chunks}</td></tr>" for d in docs)
    total = sum(d.chunks for d in docs)
    return (
        '<table class="qa-docs"><thead><tr><th>Document</th><th>Passages</th></tr></thead>'
        f"<tbody>{rows}</tbody><tfoot><tr><td>{count(len(docs), 'document')}</td><td>{total:,}</td></tr></tfoot>"
        "</table>"
    )


def _speaker(a: Attribution) -> str:
    """`Speaker (role)`, and who relayed the statement when it was reported second-hand."""
    who = esc(a.speaker)
    if a.speaker_role:
        who += f' <span class="qa-loc">({esc(a.speaker_role)})</span>'
    if a.reported_by:
        who += f' <span class="qa-hint">(reported by {esc(a.reported_by)})</span>'
    return who


def attributions_html(doc: str | None, attributions: Sequence[Attribution]) -> str:
    """Who said what in one document: a row per statement, each with a link that opens its source."""
    if not doc:
        return '<div class="qa-who qa-empty">Choose a document to see who said what in it.</div>'
    if not attributions:
        return f'<div class="qa-who qa-empty">No attributed statements found in {esc(doc)}.</div>'
    rows = "".join(
        f'<tr class="qa-who-row"><td>{_speaker(a)}</td><td>{esc(a.verb)}</td>'
        f'<td class="qa-who-statement">{esc(a.statement)}</td>'
        f'<td><a class="qa-open" href="#qa-who-{i}">Show source</a></td></tr>'
        for i, a in enumerate(attributions)
    )
    return (
        '<table class="qa-docs qa-who"><thead><tr><th>Speaker</th><th>Verb</th><th>Statement</th><th></th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def attribution_citation(a: Attribution, text: str, n: int = 1) -> Citation:
    """An attribution as a citation: the statement is the quote, its sentence the passage."""
    lo = max(0, min(a.sentence_start, a.statement_start))
    hi = min(len(text), max(a.sentence_end, a.statement_end))
    return Citation(
        n=n,
        doc=a.doc,
        start=a.statement_start,
        end=a.statement_end,
        quote=a.statement,
        passage=text[lo:hi],
        passage_start=lo,
        passage_end=hi,
        score=0.0,
    )


def attribution_source_html(a: Attribution, text: str) -> str:
    """The statement's sentence with the statement marked, then the whole document scrolled to it."""
    c = attribution_citation(a, text)
    sentence = _highlighted(c.passage, c.passage_start, c, pre=True)
    card = (
        '<div class="qa-card qa-selected">'
        f'<div class="qa-card-head"><span class="qa-num">{_speaker(a)}</span> {esc(a.verb)} · '
        f'<span class="qa-doc">{esc(a.doc)}</span> <span class="qa-loc">{esc(location(c, text))}</span></div>'
        f'<div class="qa-passage">{sentence}</div></div>'
    )
    return f'<div class="qa-who-source">{card}{document_html(a.doc, text, c, mark_id="qa-who-hit")}</div>'
