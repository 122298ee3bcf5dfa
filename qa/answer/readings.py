"""The learned extractor's readings of the first sentences of a reply's candidates.

The extractor (extract.py) reads the first few sentences of the order before the reader's say,
each alone, the first on the worker while the reader reads (ahead.py). Two decisions use the
readings: the abstention (refuse.py: the best gap between a span and the "no answer" option says
whether any of them answers) and the short answer (extracted.py: the reading of its sentence, when
it is one of them; rank.py weighs a typed question's options in the chosen sentence with it). A
sentence is read once per reply, and only when needed (refuse.py reads the others only when the
first does not clear the bar); a reading is the same on either thread (the same model, input and
one thread).
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field

from qa.answer.abstain import fitted
from qa.answer.extract import Extracted
from qa.answer.extracted import extract_in
from qa.answer.intent import Intent
from qa.answer.order import Candidate
from qa.answer.question import yes_or_no
from qa.answer.rank import load_ranker
from qa.answer.worker import outcome
from qa.config import Settings
from qa.retrieve.catalog import Catalog

LEAST_GAP = -25.0  # a floor under the gaps seen (about -20 at the lowest): no span at all reads as this


@dataclass
class Readings:
    """The readings of `sentences` for `question`, each read alone on first use (one sentence at a
    time: a batch would change the int8 model's numbers); the first may be taken from the worker
    when `started` there (a failed or not yet started reading is done on the asker's thread)."""

    question: str
    sentences: tuple[int, ...]
    catalog: Catalog
    future: Future[Extracted] | None = None
    _read: dict[int, Extracted] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def of_first(cls, question: str, found: list[Candidate], catalog: Catalog, count: int) -> Readings:
        """The readings of the first `count` of `found` (not read yet)."""
        return cls(question, tuple(c.sentence.index for c in found[:count]), catalog)

    def started(self, future: Future[Extracted]) -> None:
        """The first sentence's reading is under way on the worker."""
        self.future = future

    def _reading(self, position: int) -> Extracted:
        sentence = self.sentences[position]
        if sentence not in self._read:
            early = outcome(self.future, "the extractor's reading") if position == 0 and self.future else None
            self._read[sentence] = early if early is not None else extract_in(self.question, sentence, self.catalog)
        return self._read[sentence]

    def of(self, question: str, sentence: int, catalog: Catalog) -> Extracted | None:
        """The reading of one sentence for this question, or None when it is not among them."""
        if question != self.question or catalog is not self.catalog or sentence not in self.sentences:
            return None
        return self._reading(self.sentences.index(sentence))

    def best_gap(self, upto: int | None = None) -> float:
        """The largest gap between a span and the "no answer" option over the first `upto`
        sentences (all by default), never under `LEAST_GAP` (nothing read, or no span at all)."""
        count = len(self.sentences) if upto is None else min(upto, len(self.sentences))
        return max([LEAST_GAP, *(self._reading(i).gap for i in range(count))])

    def drop(self) -> None:
        """Cancel the worker's reading if it has not started (nothing needs it any more)."""
        if self.future is not None:
            self.future.cancel()


def for_reply(intent: Intent, found: list[Candidate], catalog: Catalog, settings: Settings) -> Readings | None:
    """The readings a reply needs from `found` (the order before the reader's say): the first
    sentences the fitted abstention weighs (but for a yes/no question: refuse.extractor_gap), or
    else the first one alone for the short answer (it is most often the one chosen): an untyped
    question's learned one, or a typed question's when the ranker weighs the extractor; None
    when nothing needs them."""
    count = 0 if yes_or_no(intent.question) else fitted(settings).extractor_sentences
    if not count and _reads_short_answer(intent, settings):
        count = 1
    return Readings.of_first(intent.question, found, catalog, count) if count and found else None


def _reads_short_answer(intent: Intent, settings: Settings) -> bool:
    """Whether the short answer reads the extractor's reading of its sentence."""
    if intent.reading is None:
        return settings.answer.learned_short
    return settings.answer.learned_spans and load_ranker().extractor > 0
