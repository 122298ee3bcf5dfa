"""Quotations in plain text: where quoted passages are, and statement offsets without their marks.

Text rules only (no parse), shared by the attribution extractor (extract.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.schema import Sentence

_QUOTE_SPAN = re.compile(r"“[^”\n]+”|\"[^\"\n]+\"|«[^»\n]+»")
_EDGE = ' \t\n\r“”"«»,.;:—–-'


def trim_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without edge punctuation and quote marks; the statement stays verbatim inside."""
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def extend_back(start: int, sentence: Sentence, quotes: list[tuple[int, int]]) -> int:
    """A quote that began in an earlier sentence starts the statement there ("“A. B,” he said")."""
    for q0, q1 in quotes:
        if q0 < sentence.start <= start < q1:
            return q0
    return start


def quotes_of(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every quotation in the text, marks included."""
    return [(m.start(), m.end()) for m in _QUOTE_SPAN.finditer(text)]


def in_quote(quotes: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether the statement is mostly quoted words rather than a paraphrase."""
    covered = sum(max(0, min(end, q1) - max(start, q0)) for q0, q1 in quotes)
    return covered * 2 >= end - start


def pure_quotes(
    text: str, sentences: list[Sentence], quotes: list[tuple[int, int]]
) -> Iterator[tuple[int, int, int, int]]:
    """Quotes that make up whole sentences: (quote start, quote end, first sentence, last sentence)."""
    for q0, q1 in quotes:
        first = next((i for i, s in enumerate(sentences) if s.start <= q0 < s.end), None)
        last = next((i for i, s in enumerate(sentences) if s.start < q1 <= s.end), None)
        if first is None or last is None:
            continue
        before = text[sentences[first].start : q0]
        after = text[q1 : sentences[last].end]
        if not before.strip(_EDGE) and not after.strip(_EDGE):
            yield q0, q1, first, last
