"""The learned extractor's readings of the first sentences of a reply's candidates.

The extractor (extract.py) reads the first few sentences of the order before the reader's say in
one batch. Two decisions use the readings: the abstention (abstain.py: the best gap between a span
and the "no answer" option says whether any of them answers) and the learned short answer
(extracted.py: the reading of its sentence, when it is one of them). The batch is read once per
reply, on the worker while the reader reads (ahead.py) or on the asker's thread when it is
needed; the readings are the same either way (the same model, input and one thread).
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field

from qa.answer.abstain import fitted
from qa.answer.extract import Extracted, load_extractor
from qa.answer.intent import Intent
from qa.answer.order import Candidate
from qa.answer.question import yes_or_no
from qa.answer.reader import context_of
from qa.answer.worker import outcome
from qa.config import Settings
from qa.retrieve.catalog import Catalog

LEAST_GAP = -25.0  # a floor under the gaps seen (about -20 at the lowest): no span at all reads as this


def read_sentences(question: str, sentences: tuple[int, ...], catalog: Catalog) -> list[Extracted]:
    """The extractor's best span of each sentence of the catalog (with the sentence before it), in
    one batch on one thread."""
    pairs = [(catalog.sentences[i].text, context_of(i, catalog)) for i in sentences]
    return load_extractor(1).extract(question, pairs)


@dataclass
class Readings:
    """The readings of `sentences` for `question`: read on first use, or taken from the worker
    when `started` there (a failed or not yet started reading is done on the asker's thread)."""

    question: str
    sentences: tuple[int, ...]
    catalog: Catalog
    future: Future[list[Extracted]] | None = None
    _read: list[Extracted] | None = field(default=None, init=False, repr=False)

    @classmethod
    def of_first(cls, question: str, found: list[Candidate], catalog: Catalog, count: int) -> Readings:
        """The readings of the first `count` of `found` (not read yet)."""
        return cls(question, tuple(c.sentence.index for c in found[:count]), catalog)

    def started(self, future: Future[list[Extracted]]) -> None:
        self.future = future

    def all(self) -> list[Extracted]:
        """Every reading, in the sentences' order."""
        if self._read is None:
            early = outcome(self.future, "the extractor's reading") if self.future is not None else None
            self._read = early if early is not None else read_sentences(self.question, self.sentences, self.catalog)
        return self._read

    def of(self, question: str, sentence: int, catalog: Catalog) -> Extracted | None:
        """The reading of one sentence for this question, or None when it is not among them."""
        if question != self.question or catalog is not self.catalog or sentence not in self.sentences:
            return None
        return self.all()[self.sentences.index(sentence)]

    def best_gap(self) -> float:
        """The largest gap between a span and the "no answer" option over the sentences read,
        never under `LEAST_GAP` (nothing read, or no span at all)."""
        return max([LEAST_GAP, *(r.gap for r in self.all())]) if self.sentences else LEAST_GAP

    def drop(self) -> None:
        """Cancel the worker's reading if it has not started (nothing needs it any more)."""
        if self.future is not None:
            self.future.cancel()


def for_reply(intent: Intent, found: list[Candidate], catalog: Catalog, settings: Settings) -> Readings | None:
    """The readings a reply needs from `found` (the order before the reader's say): the first
    sentences the fitted abstention weighs (but for a yes/no question: refuse.extractor_gap), or
    else the first one alone for an untyped question's
    learned short answer (it is most often the one chosen); None when nothing needs them."""
    count = 0 if yes_or_no(intent.question) else fitted(settings).extractor_sentences
    if not count and intent.reading is None and settings.answer.learned_short:
        count = 1
    return Readings.of_first(intent.question, found, catalog, count) if count and found else None
