"""Fixtures for the reliability suite: a real app, a real browser, a real Chroma server.

Everything here is started for real (no mocks) once per session where it can be shared; tests that
break things (kill a server, kill an ingest) get their own copies.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_kit import chat_page, chromium
from playwright.sync_api import Browser, Page
from reliability_kit import UPLOAD_LIMIT_MB, ChromaServer, start_app

from qa.ui.app import Running


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
    """One Chromium per module: closed before tests/ui starts its own session-long one
    (two Playwright sync instances cannot be open in one thread)."""
    with chromium() as launched:
        yield launched


@pytest.fixture()
def rel_page(rel_app: Running, browser: Browser) -> Iterator[Page]:
    with chat_page(browser, rel_app.url) as pg:
        yield pg


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    root = tmp_path_factory.mktemp("chroma-server")
    server = ChromaServer(root / "db", root / "chroma.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()
