"""Work for one reply started on a second thread while the learned reader has its say.

The reader (rerank.py) orders the best few sentences; the chooser and the learned short answer
read them after it. The reader's ONNX Runtime call releases the GIL, so with a second thread
allowed, what comes next is started on a worker thread on the order before the reader's say:

- the learned extractor's reading of the first sentence (readings.py), when the reply needs it:
  the abstention weighs its gap (and reads the next ones only when that falls short), and the
  short answer takes it when that sentence is chosen (an untyped question's learned one; a typed
  question's options, which the ranker weighs with it); another chosen sentence is read then.
- a typed question: spaCy's parse of the best sentences the rules and the learned ranker read
  (chooser.py parses the same ones in one batch: the reader only reorders them among themselves).

Work not started when it is needed is dropped and done on the asker's thread instead, so a
question never waits behind another's; work that failed is done there again, where an error that
is not passing is raised. Answers do not depend on which thread did the work.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass

from qa.answer.extracted import extract_in
from qa.answer.intent import Intent
from qa.answer.order import Candidate
from qa.answer.rank import load_ranker
from qa.answer.readings import Readings
from qa.answer.worker import outcome, worker
from qa.config import Settings
from qa.nlp import parse_all
from qa.retrieve.catalog import Catalog


@dataclass(frozen=True)
class Ahead:
    """The work started for one reply: the extractor's reading of the first sentence (when the
    reply needs them) and, for a typed question, the parse of the sentences the chooser reads."""

    readings: Readings | None = None
    parsing: Future[None] | None = None

    def parsed(self) -> None:
        """Wait for the parse if it is under way (the chooser would parse the same sentences);
        one not started is dropped, and the chooser parses them as before."""
        if self.parsing is not None:
            outcome(self.parsing, "the parse")

    def drop(self) -> None:
        """Cancel what has not started (nothing needs it any more)."""
        if self.readings is not None:
            self.readings.drop()
        if self.parsing is not None:
            self.parsing.cancel()


def start_ahead(
    intent: Intent, found: list[Candidate], catalog: Catalog, settings: Settings, readings: Readings | None = None
) -> Ahead | None:
    """Start the reply's next work on the worker from `found` (the order before the reader's
    say) when a second thread is allowed: the extractor's `readings` (when the reply needs them),
    the parse of the sentences the learned ranker reads for a typed question; else None."""
    if not found or settings.threads < 2:
        return None
    parsing = None
    if intent.reading is not None:  # first: the chooser needs it before the abstention needs the readings
        texts = [catalog.sentences[c.sentence.index].text for c in found[: load_ranker().pool]]
        parsing = worker().submit(parse_all, texts)
    if readings is not None and readings.sentences:  # the first sentence: most replies need no other
        readings.started(worker().submit(extract_in, readings.question, readings.sentences[0], catalog))
    return Ahead(readings=readings, parsing=parsing) if readings is not None or parsing is not None else None


@contextmanager
def work_ahead(
    intent: Intent, found: list[Candidate], catalog: Catalog, settings: Settings, readings: Readings | None = None
) -> Iterator[Ahead | None]:
    """`start_ahead` for the time of one reply: what has not started is dropped at its end."""
    ahead = start_ahead(intent, found, catalog, settings, readings)
    try:
        yield ahead
    finally:
        if ahead is not None:
            ahead.drop()
