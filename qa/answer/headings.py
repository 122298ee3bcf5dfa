"""Headings inside a document: a line such as "Legal Challenges With Deporting Criminals" between
paragraphs names what the next section is about and states nothing.

A heading packs the section's key words into a few, so retrieval and the learned order (fitted on
encyclopedic text without headings) rank it high for any question about its section, and its
extracted "answer" is just another of its words. It may still be quoted, but a statement leads
(order.statements_first).
"""

from __future__ import annotations

import re

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
