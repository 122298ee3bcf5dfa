"""The one worker thread that work for a reply is started on while the reader has its say
(ahead.py), and how the asker takes that work's outcome."""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


@lru_cache(maxsize=1)
def worker() -> ThreadPoolExecutor:
    """One worker for every question: work waits behind another question's only until the asker
    needs it, and is then done on the asker's own thread instead (`outcome`)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="answer-ahead")


def outcome(future: Future[T], what: str) -> T | None:
    """The work's result, waited for if under way; None when it had not started (it is cancelled,
    for the asker to do it at once) or failed (logged; the asker does it again)."""
    if future.cancel():
        return None
    try:
        return future.result()
    except Exception:
        log.warning("%s started ahead failed; it is done again", what, exc_info=True)
        return None
