"""Keep the index in step with the corpus folder while the app runs: files added to, changed in
or removed from it are indexed a few seconds later. Until then a removed file would still be cited
(and fail to open) and an added one never found; questions keep being answered from the last
complete index meanwhile."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

from qa.index.sync import CorpusState

log = logging.getLogger(__name__)


class Watched(Protocol):
    """What the watcher needs of the library it watches (QAService)."""

    # the corpus folder before and after the last upload or removal, which indexed its own change
    own_change: tuple[CorpusState, CorpusState] | None

    def busy(self) -> bool: ...

    def corpus_state(self) -> CorpusState: ...


def watch_corpus(
    library: Watched,
    seen: CorpusState,
    every: float,
    stop: threading.Event,
    update: Callable[[], None],
    failed: Callable[[Exception], None],
) -> None:
    """Look at the corpus folder every `every` seconds until `stop` is set, and call `update` (which
    syncs the index) when it holds something the index does not; `failed` is told when that fails."""
    while not stop.wait(every):
        try:
            if library.busy():
                continue  # an upload or removal is indexing what it changed: look again after it
            now = library.corpus_state()
            if now == seen or library.own_change == (seen, now):
                seen = now  # nothing, or only what an upload or removal indexed itself
                continue
            # As looked at before the sync: a change made during it is seen next time, and a
            # failed sync is not retried every few seconds but on the next change.
            seen = now
            update()
        except Exception as exc:
            failed(exc)
