"""Work for one reply started on a second thread while the learned reader has its say.

The reader (rerank.py) orders the best few sentences; the chooser and the learned short answer
read them after it. The reader's ONNX Runtime call releases the GIL, so with a second thread
allowed, what comes next is started on a worker thread on the order before the reader's say:

- a question without a typed answer: the learned extractor's reading of the sentence leading
  (extracted.py). It keeps its place for most questions; when the reply leads with another
  sentence, or is refused, the early reading is dropped and the sentence that leads is read as
  before. A reading is the same on either thread (the same model, input and one thread).
- a typed question: spaCy's parse of the best sentences the rules and the learned ranker read
  (chooser.py parses the same ones in one batch: the reader only reorders them among themselves).

Work not started when it is needed is dropped and done on the asker's thread instead, so a
question never waits behind another's; work that failed is done there again, where an error that
is not passing is raised. Answers do not depend on which thread did the work.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from qa.answer.extract import Extracted
from qa.answer.extracted import extract_in
from qa.answer.intent import Intent
from qa.answer.order import Candidate
from qa.answer.rank import load_ranker
from qa.config import Settings
from qa.nlp import parse_all
from qa.retrieve.catalog import Catalog

log = logging.getLogger(__name__)
T = TypeVar("T")


@lru_cache(maxsize=1)
def _worker() -> ThreadPoolExecutor:
    """One worker for every question: work waits behind another question's only until the asker
    needs it, and is then done on the asker's own thread instead (`_outcome`)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="answer-ahead")


@dataclass(frozen=True)
class Reading:
    """The extractor's reading of one sentence of a catalog for one question, on the worker."""

    question: str
    sentence: int
    catalog: Catalog
    future: Future[Extracted]

    def take(self, question: str, sentence: int, catalog: Catalog) -> Extracted | None:
        """The reading (waited for if under way) when it is of this sentence for this question;
        None when it is of another, had not started yet (it is dropped then) or failed."""
        if (question, sentence) != (self.question, self.sentence) or catalog is not self.catalog:
            return None
        return _outcome(self.future, "the extractor's reading")


@dataclass(frozen=True)
class Ahead:
    """The work started for one reply: the extractor's reading (an untyped question) or the
    parse of the sentences the chooser reads (a typed one)."""

    reading: Reading | None = None
    parsing: Future[None] | None = None

    def take(self, question: str, sentence: int, catalog: Catalog) -> Extracted | None:
        """The early reading of this sentence for this question, or None: the caller reads it."""
        return self.reading.take(question, sentence, catalog) if self.reading is not None else None

    def parsed(self) -> None:
        """Wait for the parse if it is under way (the chooser would parse the same sentences);
        one not started is dropped, and the chooser parses them as before."""
        if self.parsing is not None:
            _outcome(self.parsing, "the parse")

    def drop(self) -> None:
        """Cancel what has not started (nothing needs it any more)."""
        for future in (self.reading.future if self.reading else None, self.parsing):
            if future is not None:
                future.cancel()


def _outcome(future: Future[T], what: str) -> T | None:
    """The work's result, waited for if under way; None when it had not started (it is cancelled,
    for the asker to do it at once) or failed (logged; the asker does it again)."""
    if future.cancel():
        return None
    try:
        return future.result()
    except Exception:
        log.warning("%s started ahead failed; it is done again", what, exc_info=True)
        return None


def start_ahead(intent: Intent, found: list[Candidate], catalog: Catalog, settings: Settings) -> Ahead | None:
    """Start the reply's next work on the worker from `found` (the order before the reader's
    say) when a second thread is allowed: the extractor's reading of the first sentence for an
    untyped question (when the learned short answer is on), the parse of the sentences the
    learned ranker reads for a typed one; else None."""
    if not found or settings.threads < 2:
        return None
    if intent.reading is None:
        if not settings.answer.learned_short:
            return None
        sentence = found[0].sentence.index
        future = _worker().submit(extract_in, intent.question, sentence, catalog)
        return Ahead(reading=Reading(intent.question, sentence, catalog, future))
    texts = [catalog.sentences[c.sentence.index].text for c in found[: load_ranker().pool]]
    return Ahead(parsing=_worker().submit(parse_all, texts))


@contextmanager
def work_ahead(intent: Intent, found: list[Candidate], catalog: Catalog, settings: Settings) -> Iterator[Ahead | None]:
    """`start_ahead` for the time of one reply: what has not started is dropped at its end."""
    ahead = start_ahead(intent, found, catalog, settings)
    try:
        yield ahead
    finally:
        if ahead is not None:
            ahead.drop()
