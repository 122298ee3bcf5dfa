"""The extractor's reading of the sentence likely to lead the reply, started before it is known.

A question without a typed answer gets its short answer from the learned extractor's reading of
the sentence the reply leads with (extracted.py). That sentence is known only once the learned
reader has had its say on the best few (rerank.py). Both are ONNX Runtime calls, which release the
GIL, so with a second thread allowed the extractor reads the sentence leading before the reader's
say on a worker thread while the reader runs: it keeps its place for most questions. When the reply
leads with another sentence, or is refused, the early reading is dropped and the sentence that leads
is read as before. A reading is the same on either thread (the same model, input and one thread),
so answers do not depend on which one made it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from qa.answer.extract import Extracted
from qa.answer.extracted import extract_in
from qa.answer.intent import Intent
from qa.answer.order import Candidate
from qa.config import Settings
from qa.retrieve.catalog import Catalog

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _worker() -> ThreadPoolExecutor:
    """One worker for every question: a reading waits behind another question's only until the
    asker needs it, and then it is read on the asker's own thread instead (`Ahead.take`)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract-ahead")


@dataclass(frozen=True)
class Ahead:
    """The extractor's reading of one sentence of a catalog for one question, on the worker."""

    question: str
    sentence: int
    catalog: Catalog
    future: Future[Extracted]

    def take(self, question: str, sentence: int, catalog: Catalog) -> Extracted | None:
        """The reading (waited for if under way) when it is of this sentence for this question;
        None when it is of another, had not started yet (it is dropped then) or failed: the caller
        then reads the sentence itself, and an error that is not passing is raised there."""
        if (question, sentence) != (self.question, self.sentence) or catalog is not self.catalog:
            return None
        if self.future.cancel():
            return None
        try:
            return self.future.result()
        except Exception:
            log.warning("the extractor's early reading failed; reading the sentence again", exc_info=True)
            return None

    def drop(self) -> None:
        """Cancel the reading if it has not started (nothing needs it)."""
        self.future.cancel()


def start_reading(intent: Intent, found: list[Candidate], catalog: Catalog, settings: Settings) -> Ahead | None:
    """Start reading the first of `found` for a question the rules give no short answer for
    (untyped), when the learned short answer is on and a second thread is allowed; else None."""
    if not found or intent.reading is not None or not settings.answer.learned_short or settings.threads < 2:
        return None
    sentence = found[0].sentence.index
    future = _worker().submit(extract_in, intent.question, sentence, catalog)
    return Ahead(intent.question, sentence, catalog, future)


@contextmanager
def reading_ahead(
    intent: Intent, found: list[Candidate], catalog: Catalog, settings: Settings
) -> Iterator[Ahead | None]:
    """`start_reading` for the time of one reply: the reading is dropped at its end if unused."""
    ahead = start_reading(intent, found, catalog, settings)
    try:
        yield ahead
    finally:
        if ahead is not None:
            ahead.drop()
