"""What every part of the page shares: the service (built in the background at start-up), a
small cache of document texts, and how failures are told to the user."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from qa.config import Settings
from qa.schema import Answer
from qa.ui.render import esc
from qa.ui.status import StartupStatus

if TYPE_CHECKING:
    from qa.service import QAService


class ServiceUnavailable(RuntimeError):
    """The service could not be started (the page says why)."""


def bad_request() -> type[Exception]:
    """`qa.service.BadRequest`, imported late so the page can be served before the heavy imports."""
    from qa.service import BadRequest

    return BadRequest


def why(exc: Exception) -> str:
    """What to tell the user about an unexpected failure: the store's own advice, else its type."""
    return str(exc) if type(exc).__name__ == "StoreUnavailable" else type(exc).__name__


def notes_md(notes: list[str]) -> str:
    """A Markdown list of notes; they carry file names, so they are escaped."""
    return "\n".join(f"- {esc(note)}" for note in notes)


class PageBase:
    """The shared service and document texts; per-session data lives in gr.State."""

    def __init__(self, settings: Settings, status: StartupStatus) -> None:
        self.settings = settings
        self.status = status
        self._service: QAService | None = None
        self._ready = threading.Event()
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._texts_lock = threading.Lock()
        self.closing = threading.Event()  # the app is shutting down: background work stops

    def attach(self, service: QAService | None) -> None:
        """The service is built (or failed to build, None): handlers stop waiting for it."""
        self._service = service
        self._ready.set()

    @property
    def service(self) -> QAService:
        """The shared service, waiting for start-up if a request comes in early."""
        if not self._ready.wait(timeout=900) or self._service is None:
            raise ServiceUnavailable(self.status.error or "the app is still starting")
        return self._service

    # --- documents -------------------------------------------------------------------------

    def _doc_text(self, name: str) -> str | None:
        """A document's text, cached: the sources view needs it for paragraph numbers."""
        with self._texts_lock:
            if name in self._texts:
                self._texts.move_to_end(name)
                return self._texts[name]
        try:
            text = self.service.document(name).text
        except Exception:  # removed or unreadable since it was indexed: show no paragraph then
            return None
        with self._texts_lock:
            self._texts[name] = text
            while len(self._texts) > 16:
                self._texts.popitem(last=False)
        return text

    def _forget(self, name: str | None = None) -> None:
        """Drop a document's cached text (None: every document's)."""
        with self._texts_lock:
            if name is None:
                self._texts.clear()
            else:
                self._texts.pop(name, None)

    def _texts_for(self, answer: Answer) -> dict[str, str]:
        """Texts of the non-PDF documents an answer cites (PDF citations show pages instead)."""
        out: dict[str, str] = {}
        for c in [*answer.citations, *answer.passages]:
            if c.page is None and c.doc not in out:
                text = self._doc_text(c.doc)
                if text is not None:
                    out[c.doc] = text
        return out

