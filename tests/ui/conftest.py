"""One real app for the whole UI session: a tmp corpus, a fresh index, a free port, real components."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_kit import chat_page, chromium, free_port
from playwright.sync_api import Browser, Page

import qa  # noqa: F401  (offline environment first)
from qa.config import Settings
from qa.ui.app import Running, start

REPO = Path(__file__).resolve().parents[2]
ARTICLE = REPO / "corpus" / "el-salvador-deportation-offer.txt"


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
    with chromium() as launched:
        yield launched


@pytest.fixture()
def page(app: Running, browser: Browser) -> Iterator[Page]:
    with chat_page(browser, app.url) as pg:
        yield pg


def _ask_in_page(pg: Page, question: str) -> None:
    """Type a question, press Enter and wait until one more answer is shown."""
    answers = pg.locator("#qa-chat .qa-a")
    before = answers.count()
    box = pg.locator("#qa-question textarea")
    box.fill(question)
    box.press("Enter")
    answers.nth(before).wait_for(state="visible")
    if answers.nth(before).locator("a.qa-marker").count():
        # and its sources are shown (the answer's first card selected), so that a click on a
        # marker is never taken while the page is still laying out what came back
        pg.locator(f"#qa-sources .qa-card.qa-selected[id^='qa-card-{before}-']").wait_for(state="visible")


@pytest.fixture()
def ask_in_page() -> Callable[[Page, str], None]:
    """The page's ask gesture, shared by the browser tests."""
    return _ask_in_page
