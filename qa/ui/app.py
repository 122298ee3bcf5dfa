"""Start the web chat: serve the page at once and, in a background thread, load the service (its
imports and model are most of the start-up time) and bring the index up to date, with progress in
the terminal (tqdm) and in the page, so a large corpus never leaves the user staring at nothing.
The page itself is qa/ui/page.py; its handlers hold no retrieval logic (every action is a
`QAService` call).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import gradio as gr

from qa.config import Settings
from qa.index.watch import watch_corpus
from qa.nlp import import_spacy
from qa.text import count
from qa.ui.assets import page_css, page_js
from qa.ui.chat import ChatApp
from qa.ui.connections import bound_connections
from qa.ui.guard import guard_middleware
from qa.ui.page import build
from qa.ui.rest import add_rest_api
from qa.ui.status import StartupStatus

if TYPE_CHECKING:
    from qa.service import QAService

log = logging.getLogger(__name__)


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    """`user:password` from the settings, or None when the app is open."""
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise ValueError("QA_AUTH must look like user:password")
    return user, password


def concurrency(settings: Settings) -> int:
    """Questions answered at once: enough to overlap I/O, few enough not to thrash 2-4 cores."""
    return max(2, min(8, settings.threads * 2))


@dataclass
class Running:
    """A started app: the page, the service behind it and the background index update."""

    demo: gr.Blocks
    chat: ChatApp
    status: StartupStatus
    url: str
    sync_thread: threading.Thread

    @property
    def service(self) -> QAService:
        return self.chat.service

    def wait_ready(self, timeout: float = 300.0) -> bool:
        """Block until the start-up index update has finished (the thread goes on watching the corpus)."""
        deadline = time.monotonic() + timeout
        while self.status.generation == 0 and self.sync_thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.status.done

    def close(self) -> None:
        self.chat.closing.set()
        self.demo.close()


def _warm_up(service: QAService) -> None:
    """The lazy parts (models, NER, lexical index) are loaded before users come."""
    try:
        service.warm_up()
    except Exception:
        log.warning("warm-up question failed", exc_info=True)


def _startup(chat: ChatApp, status: StartupStatus) -> None:
    """Load the service, bring the index up to date, then warm the model so the first answer is quick."""
    try:
        status.update(0.0, "loading the search engine and the model")
        from qa.service import QAService

        service = QAService(chat.settings)
    except Exception as exc:
        log.exception("the service could not start")
        status.finish("start-up failed", error=f"The app could not start: {exc}")
        chat.attach(None)
        print(f"qa: {exc}", file=sys.stderr)
        return
    chat.attach(service)
    seen = service.corpus_state()  # before the sync: a file dropped in meanwhile is indexed after it
    try:
        status.update(0.0, "checking the corpus")
        indexed = _update(service, status, show_bar=True)
        _warm_up(service)
        message = f"{indexed} in {time.monotonic() - status.started:.1f} s"
        status.finish(message)
        print(f"Ready: {message}", flush=True)
    except Exception as exc:
        _failed(status, exc)
        print(f"qa: {exc}", file=sys.stderr)
    if chat.settings.watch_seconds > 0:
        _watch(chat, service, status, seen)


def _update(service: QAService, status: StartupStatus, show_bar: bool) -> str:
    """Sync the index with the corpus folder, showing progress; says on stderr which files were
    skipped and why, and returns what the index holds now."""
    report = service.sync(progress=status.update, show_bar=show_bar)
    for message in report.messages():
        print(message, file=sys.stderr)
    return (
        f"{count(report.documents, 'document')}, {count(report.chunks, 'passage')} indexed "
        f"({report.added} added, {report.deleted} removed)"
    )


def _failed(status: StartupStatus, exc: Exception) -> None:
    log.exception("index update failed")
    status.finish("index update failed", error=f"The index could not be updated: {exc}")




def _watch(chat: ChatApp, service: QAService, status: StartupStatus, seen: tuple[tuple[str, int, int], ...]) -> None:
    """Index what changes in the corpus folder while the app runs, with progress in the page."""

    def update() -> None:
        status.begin("the corpus folder changed")
        indexed = _update(service, status, show_bar=False)
        chat._forget()
        status.finish(indexed)

    watch_corpus(service, seen, chat.settings.watch_seconds, chat.closing, update, lambda exc: _failed(status, exc))


def start(settings: Settings, *, quiet: bool = False) -> Running:
    """Serve the page without blocking and start the index update in the background."""
    # spaCy is imported first, with thinc's probe for torch refused (qa.nlp.import_spacy): the app
    # then answers without ever loading torch.
    import_spacy()
    auth = parse_auth(settings.auth)
    status = StartupStatus()
    chat = ChatApp(settings, status)
    demo = build(chat)
    demo.queue(default_concurrency_limit=concurrency(settings), max_size=256)
    file_bytes = int(settings.max_file_mb * 1e6)  # the limit add_document applies too
    guards = guard_middleware(settings.allowed_hosts, settings.host, file_bytes, lambda i: demo.fns[i].api_name)
    app, url, _ = demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        auth=auth,
        prevent_thread_lock=True,
        quiet=quiet,
        ssr_mode=False,
        show_error=False,
        max_file_size=file_bytes,
        css=page_css(),
        js=page_js(),
        theme=gr.themes.Default(),
        app_kwargs={"middleware": guards},
        num_workers=0,  # no separate file-serving processes: every request passes the guards
    )
    bound_connections(demo.server, settings.read_timeout, settings.keep_alive_timeout)
    add_rest_api(app, chat.api_ask, auth, chat.api_add_url)
    thread = threading.Thread(target=_startup, args=(chat, status), name="qa-startup", daemon=True)
    thread.start()
    return Running(demo, chat, status, url, thread)


def serve(settings: Settings) -> int:
    """`make run` / `qa serve`: serve until interrupted."""
    try:
        running = start(settings, quiet=True)
    except ValueError as exc:
        print(f"qa: {exc}", file=sys.stderr)
        return 2
    print(f"Chat on {running.url} (Ctrl+C to stop)", flush=True)
    try:
        running.demo.block_thread()
    except KeyboardInterrupt:
        running.close()
    return 0
