"""Headless Chromium for the browser tests (tests/ui, tests/reliability): one way to launch it
and to open the chat, so both suites drive the page alike."""

from __future__ import annotations

import re
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

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


@contextmanager
def chromium(*extra_args: str) -> Iterator[Browser]:
    """Debian's Chromium (with `extra_args` besides CHROMIUM_ARGS); a missing browser fails loudly
    instead of skipping."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "chromium is not installed, so the browser tests cannot run: "
            "`make chromium` (or `apt-get update && apt-get install -y chromium chromium-driver`)"
        )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=[*CHROMIUM_ARGS, *extra_args])
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def chat_page(browser: Browser, url: str) -> Iterator[Page]:
    """A fresh session of the chat, ready for typing."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url, wait_until="load")
    page.locator("#qa-question textarea").wait_for(state="visible")
    try:
        yield page
    finally:
        context.close()


def click_marker(pg: Page, marker: Locator, n: int) -> Locator:
    """Click an answer's marker `[n]` and return the source card it selects (card `n`).

    A click taken in the instant an answer lands is now and then not taken by the page on a
    loaded machine (one CI run in many: the card stayed on [1]); a person clicks again, and so
    does this, twice at most. A marker that never selects its card still fails."""
    expect(marker).to_have_text(f"[{n}]")
    selected = pg.locator("#qa-sources .qa-card.qa-selected")
    card = re.compile(rf"-c{n}$")
    for attempt in range(3):
        marker.click()
        try:
            expect(selected).to_have_attribute("id", card, timeout=5_000 * (attempt + 1))
            break
        except AssertionError:
            if attempt == 2:
                raise
    return selected
