"""Each sentence's content terms (what BM25 and term overlap read), worked out when first asked.

Answer scoring reads the terms of the few sentences a question's candidates hold; working them out
for every sentence when the index is opened cost most of the opening time of a large index and a
set per sentence held in memory, for sentences most questions never look at.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, overload

from qa.retrieve.lexical import names, terms

if TYPE_CHECKING:
    from qa.retrieve.catalog import SentenceRef

_OPENING_PRONOUN = re.compile(r"^(he|she|they|it|his|her|its|their)\b", re.IGNORECASE)


def referents(sentences: Sequence[SentenceRef], i: int) -> list[str]:
    """The terms of the names in the sentence before, for a sentence of the same passage that opens
    with a pronoun: such a sentence is about the person or place just named too, and BM25 and
    coverage should know it (more replies held the answer: docs/evaluation.md)."""
    sentence = sentences[i]
    if i == 0 or sentences[i - 1].passage != sentence.passage or not _OPENING_PRONOUN.match(sentence.text):
        return []
    return [t for word in names(sentences[i - 1].text) for t in terms(word)]


def sentence_terms(sentences: Sequence[SentenceRef], i: int) -> list[str]:
    """A sentence's terms, with those of the names a leading pronoun points back to."""
    return terms(sentences[i].text) + referents(sentences, i)


class SentenceTerms(Sequence[frozenset[str]]):
    """`terms[i]`: sentence i's terms as a set, computed on first use and kept."""

    def __init__(self, sentences: Sequence[SentenceRef]) -> None:
        self._sentences = sentences
        self._known: dict[int, frozenset[str]] = {}

    def __len__(self) -> int:
        return len(self._sentences)

    @overload
    def __getitem__(self, i: int) -> frozenset[str]: ...
    @overload
    def __getitem__(self, i: slice) -> list[frozenset[str]]: ...
    def __getitem__(self, i: int | slice) -> frozenset[str] | list[frozenset[str]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = int(i)
        if i < 0:
            i += len(self._sentences)
        if not 0 <= i < len(self._sentences):
            raise IndexError(i)
        found = self._known.get(i)
        if found is None:
            found = self._known[i] = frozenset(sentence_terms(self._sentences, i))
        return found
