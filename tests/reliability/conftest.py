"""Fixtures for the reliability suite: a real app, a real browser, a real Chroma server.

Everything here is started for real (no mocks) once per session where it can be shared; tests that
break things (kill a server, kill an ingest) get their own copies.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from reliability_kit import UPLOAD_LIMIT_MB, ChromaServer, start_app

from qa.ui.app import Running

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]


@pytest.fixture(scope="session")
def rel_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """The chat as a user starts it (default host), with a small upload limit."""
    running = start_app(tmp_path_factory.mktemp("rel-app"), max_file_mb=UPLOAD_LIMIT_MB)
    try:
        yield running
    finally:
        running.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for one module: closed before tests/ui starts its own session-long one
    (two Playwright sync instances cannot be open in one thread)."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: `make chromium` (apt-get install chromium)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def rel_page(rel_app: Running, browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.goto(rel_app.url, wait_until="load")
    pg.locator("#qa-question textarea").wait_for(state="visible")
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    root = tmp_path_factory.mktemp("chroma-server")
    server = ChromaServer(root / "db", root / "chroma.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()
