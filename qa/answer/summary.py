"""Replies to "summarize the article" / "what is it about?": the document's opening sentences.

A news article's first sentences (its lede) are written to say what it is about, and quoting them
keeps every word of the reply cited, as any other reply. Which document: the one the best passage
for the request comes from (with one document, that one).
"""

from __future__ import annotations

import re

from qa.answer.quoting import cite, ellipsis, related_passages, trim
from qa.answer.words import SUMMARISED, SUMMARY_NOUNS, SUMMARY_VERBS
from qa.retrieve.catalog import Catalog
from qa.retrieve.hybrid import PassageHit
from qa.schema import Answer, Citation

_END = r"\s*[?.!]*\s*$"  # the request is the whole question: "the news about Reed" asks about him
_SUMMARY = re.compile(
    rf"^\s*(?:please\s+|can you\s+|could you\s+)?(?:{SUMMARY_VERBS})\b"
    rf"|^\s*(?:give me\s+|i want\s+)?(?:a |an |the )?(?:quick |short |brief )?"
    rf"(?:{SUMMARY_NOUNS})(?: of {SUMMARISED})?{_END}"
    rf"|^\s*what are the (?:main|key) points(?: of {SUMMARISED})?{_END}"
    rf"|^\s*what(?:'s|’s| is| are)\s+{SUMMARISED}\s+(?:about|saying){_END}"
    rf"|^\s*what\s+(?:does|do)\s+{SUMMARISED}\s+say{_END}",
    re.IGNORECASE,
)


def wants_summary(question: str) -> bool:
    """Whether the question asks what a document says as a whole, not something in it."""
    return bool(_SUMMARY.search(question))


def summarize(question: str, hits: list[PassageHit], catalog: Catalog, budget: int, least: int) -> Answer | None:
    """The opening sentences of the best-matching document, each cited, within `budget` characters;
    a further sentence is cut to the room left if at least `least` characters remain."""
    if not hits:
        return None
    citations: list[Citation] = []
    parts: list[str] = []
    room = budget
    for ref, passage in catalog.document_sentences(catalog.passages[hits[0].index].doc):
        if room < least:
            break
        lo, hi = trim(ref.text, room - 2, None)
        citations.append(cite(len(citations) + 1, ref.start + lo, ref.text[lo:hi], passage, 1.0))
        quote = ellipsis(lo, hi, ref.text)
        parts.append(f"{quote} [{len(citations)}]")
        room -= len(quote) + 1
    if not citations:
        return None
    return Answer(
        question=question, text=" ".join(parts), citations=citations, passages=related_passages(hits, catalog)
    )
