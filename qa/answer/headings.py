"""Headings inside a document: a line such as "Legal Challenges With Deporting Criminals" between
paragraphs names what the next section is about and states nothing.

A heading packs the section's key words into a few, so retrieval and the learned order (fitted on
encyclopedic text without headings) rank it high for any question about its section, and its
extracted "answer" is just another of its words. It may still be quoted, but a statement leads.
"""

from __future__ import annotations

import re

from qa.answer.order import Candidate
from qa.retrieve.catalog import Catalog

_ENDS_A_SENTENCE = re.compile(r"[.!?…:;,][\"'”’)\]]*\s*$")
_QUOTES = "\"'‘’“”("


def is_heading(text: str) -> bool:
    """A line of two to sixteen words, every longer word capitalised ("Title Case"), with no
    sentence-ending punctuation."""
    words = text.split()
    if not 2 <= len(words) <= 16 or _ENDS_A_SENTENCE.search(text):
        return False
    longer = [w.strip(_QUOTES) for w in words if len(w.strip(_QUOTES)) > 3]
    return bool(longer) and all(w[:1].isupper() for w in longer)


def statements_first(found: list[Candidate], catalog: Catalog) -> list[Candidate]:
    """The candidates with any headings moved after the statements, each group in its order."""
    heading = [is_heading(catalog.sentences[c.sentence.index].text) for c in found]
    if not any(heading) or all(heading):
        return found
    return [c for c, h in zip(found, heading, strict=True) if not h] + [
        c for c, h in zip(found, heading, strict=True) if h
    ]
