"""Quotes and their citations: a sentence cut to the room a reply has for it, and cited with
exact offsets in its document. Every reply (the composed answer, a summary, a list of names, who
said what) quotes through these."""

from __future__ import annotations

import re
from dataclasses import replace

from qa.answer.order import Candidate
from qa.answer.tokens import Span
from qa.config import Settings
from qa.retrieve.catalog import Catalog, PassageRef
from qa.retrieve.hybrid import PassageHit, Query
from qa.retrieve.lexical import term_spans, terms
from qa.schema import Citation


def trim(text: str, budget: int, focus: tuple[int, int] | None, query: Query | None = None) -> tuple[int, int]:
    """A word-aligned window of `text` at most `budget` long, around `focus` when given, else
    around the question's words in it (read only when the text must be cut), else from its start."""
    if len(text) <= budget:
        return 0, len(text)
    # the question's words take at most half the window: the answer stands beside them, either side
    focus = focus or (asked_region(text, query, budget // 2) if query else None)
    centre = (focus[0] + focus[1]) // 2 if focus else 0
    lo = max(0, min(centre - budget // 2, len(text) - budget))
    hi = lo + budget
    if lo > 0:
        space = text.find(" ", lo)
        lo = space + 1 if 0 <= space < lo + 30 else lo
    if hi < len(text):
        space = text.rfind(" ", lo, hi)
        hi = space if space > lo + budget // 2 else hi
    return lo, hi


def cite(n: int, start: int, quote: str, passage: PassageRef, score: float) -> Citation:
    """A citation of `quote`, which stands at `start` in the passage's document."""
    return Citation(
        n=n,
        doc=passage.doc,
        start=start,
        end=start + len(quote),
        quote=quote,
        passage=passage.text,
        passage_start=passage.start,
        passage_end=passage.end,
        score=round(score, 4),
        page=passage.page,
    )


def cite_sentence(n: int, cand: Candidate, catalog: Catalog, lo: int, hi: int) -> Citation:
    """A citation of characters `lo`..`hi` of a candidate sentence."""
    ref = catalog.sentences[cand.sentence.index]
    return cite(n, ref.start + lo, ref.text[lo:hi], catalog.passages[cand.passage.index], cand.score)


def related_passages(hits: list[PassageHit], catalog: Catalog) -> list[Citation]:
    """Every retrieved passage in rank order, with its best sentence: related reading."""
    related = []
    for i, hit in enumerate(hits):
        if hit.sentences:
            cand = Candidate(hit.sentences[0], hit, hit.sentences[0].score)
            ref = catalog.sentences[cand.sentence.index]
            related.append(cite_sentence(i + 1, cand, catalog, 0, len(ref.text)))
    return related


def with_span(c: Citation, span: Span, lo: int) -> Citation:
    """The citation with the short answer marked in it (`span` in sentence offsets, the quote
    starting `lo` characters into its sentence)."""
    sentence_start = c.start - lo
    return replace(c, span_start=sentence_start + span.start, span_end=sentence_start + span.end)


def asked_region(text: str, query: Query, width: int) -> tuple[int, int] | None:
    """Where the question's words stand in a sentence, to cut a long quote around: first to last,
    or, when they spread wider than `width`, the stretch holding the most different ones (the
    earliest of equals). Squad-dev "reply holds the answer" 0.843 -> 0.848 against first to last
    with the whole window as `width`, 0.852 with half of it (0.4: 0.851, 0.6: 0.852, 0.8: 0.851)."""
    asked = set(query.terms)
    at = [found for found in term_spans(text) if found[2] in asked]
    if not at:
        return None
    best: tuple[int, int, int] | None = None
    for i in range(len(at)):
        j = i
        while j + 1 < len(at) and at[j + 1][1] - at[i][0] <= width:
            j += 1
        count = len({a[2] for a in at[i : j + 1]})
        if best is None or count > best[0]:
            best = (count, at[i][0], at[j][1])
        if j == len(at) - 1:
            break  # later starts only drop words
    assert best is not None
    return best[1], best[2]


def worth_quoting(cut: str, query: Query, settings: Settings) -> bool:
    """Whether a further quote, cut to the room left, still says something: "…people within
    Trump's…" or a stretch without any of the question's words is clutter, not evidence."""
    return len(cut) >= settings.answer.min_quote_chars and bool(set(terms(cut)) & set(query.terms))


def ellipsis(lo: int, hi: int, text: str) -> str:
    """Characters `lo`..`hi` of `text`, with an ellipsis where they cut it."""
    body = text[lo:hi]
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


def own_length(text: str) -> int:
    """Characters of a reply without its citation markers (the budget the issue sets)."""
    return len(re.sub(r"\s?\[\d+\]", "", text))
