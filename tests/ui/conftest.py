"""One real app for the whole UI session: a tmp corpus, a fresh index, a free port, real components."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

import qa  # noqa: F401  (offline environment first)
from qa.config import Settings
from qa.ui.app import Running, start

REPO = Path(__file__).resolve().parents[2]
ARTICLE = REPO / "corpus" / "el-salvador-deportation-offer.txt"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """The chat serving a copy of the article; the model load and indexing are paid once."""
    root = tmp_path_factory.mktemp("ui")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    settings = Settings(corpus_dir=corpus, index_dir=root / "index", host="127.0.0.1", port=free_port())
    running = start(settings, quiet=True)
    try:
        assert running.wait_ready(timeout=600), "the start-up index update did not finish in 10 minutes"
        assert running.status.error is None, running.status.error
        yield running
    finally:
        running.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium; a missing browser fails loudly instead of skipping."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "chromium is not installed, so the browser tests cannot run: "
            "`make chromium` (or `apt-get update && apt-get install -y chromium chromium-driver`)"
        )
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def page(app: Running, browser: Browser) -> Iterator[Page]:
    """A fresh session of the chat, ready for typing."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.goto(app.url, wait_until="load")
    pg.locator("#qa-question textarea").wait_for(state="visible")
    try:
        yield pg
    finally:
        context.close()


def _ask_in_page(pg: Page, question: str) -> None:
    """Type a question, press Enter and wait until one more answer is shown."""
    answers = pg.locator("#qa-chat .qa-a")
    before = answers.count()
    box = pg.locator("#qa-question textarea")
    box.fill(question)
    box.press("Enter")
    answers.nth(before).wait_for(state="visible")


@pytest.fixture()
def ask_in_page() -> Callable[[Page, str], None]:
    """The page's ask gesture, shared by the browser tests."""
    return _ask_in_page
