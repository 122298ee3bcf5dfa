"""Adding an article by its URL from the page (real headless Chromium) and from `POST /v1/documents`,
against an app allowed to fetch from a real HTTP server on loopback (QA_FETCH_ALLOW_PRIVATE)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from browser_kit import chat_page, free_port
from news_server import NewsServer
from playwright.sync_api import Browser, Page, expect

from qa.config import Settings
from qa.ui.app import Running, start
from qa.ui.rest import DOCUMENTS_PATH

GAZETTE_TITLE = "Ferry service to Skerry Island resumes after storm repairs"
LEDGER_TITLE = "Orchard growers report record apple harvest"


@pytest.fixture(scope="module")
def url_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    root = tmp_path_factory.mktemp("by-url-app")
    (root / "corpus").mkdir()
    (root / "corpus" / "bakery.txt").write_text("The bakery on Quay Street sells rye bread on Saturdays.\n")
    settings = Settings(
        corpus_dir=root / "corpus",
        index_dir=root / "index",
        host="127.0.0.1",
        port=free_port(),
        fetch_allow_private=True,
        fetch_timeout=2.0,
    )
    running = start(settings, quiet=True)
    try:
        assert running.wait_ready(timeout=600)
        assert running.status.error is None, running.status.error
        yield running
    finally:
        running.close()


def _add(app: Running, body: object, **kwargs: object) -> httpx.Response:
    url = app.url.rstrip("/") + DOCUMENTS_PATH
    return httpx.post(url, json=body, timeout=120, **kwargs)  # type: ignore[arg-type]


def _state(app: Running) -> tuple[object, ...]:
    corpus = app.service.settings.corpus_dir
    files = sorted((p.name, p.stat().st_size) for p in corpus.iterdir())
    return files, app.service.store.read_manifest(), app.service.store.chunks.count()


def test_the_api_adds_an_article_and_says_what_it_is(url_app: Running, server: NewsServer) -> None:
    response = _add(url_app, {"url": server.url("/ledger")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["added"] is True and body["name"] == "orchard-growers-report-record-apple-harvest.html"
    assert body["source"] == {
        "title": LEDGER_TITLE,
        "outlet": "The Valley Ledger",
        "author": "Tomasz Wielgus",
        "date": "2024-10-02",
        "url": server.url("/ledger"),
    }
    again = _add(url_app, {"url": server.url("/ledger")}).json()
    assert again["added"] is False and again["name"] == body["name"] and "already in the corpus" in again["notes"][0]
    # the question API cites it by outlet, date and title, next to its offsets
    asked = httpx.post(
        url_app.url.rstrip("/") + "/v1/ask", json={"question": "How many tonnes of apples were picked?"}, timeout=60
    ).json()
    first = asked["citations"][0]
    assert (first["outlet"], first["date"], first["title"]) == ("The Valley Ledger", "2024-10-02", LEDGER_TITLE)
    assert url_app.service.document(first["doc"]).text[first["start"] : first["end"]] == first["quote"]


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/report.pdf", "application/pdf"),
        ("/photo.png", "image/png"),
        ("/nowhere", "404 Not Found"),
        ("/to-metadata", "a cloud metadata address"),
    ],
)
def test_the_api_refuses_with_the_reason_and_changes_nothing(
    url_app: Running, server: NewsServer, path: str, said: str
) -> None:
    before = _state(url_app)
    response = _add(url_app, {"url": server.url(path)})
    assert response.status_code == 400 and said in response.json()["detail"]
    assert _state(url_app) == before


def test_the_api_takes_json_from_programs_only(url_app: Running, server: NewsServer) -> None:
    before = _state(url_app)
    # a page of another site cannot make the browser add something (the guard of every change)
    cross = _add(url_app, {"url": server.url("/gazette")}, headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403
    form = httpx.post(url_app.url.rstrip("/") + DOCUMENTS_PATH, data={"url": server.url("/gazette")}, timeout=30)
    assert form.status_code == 415
    assert _add(url_app, {"link": server.url("/gazette")}).status_code == 422
    assert _state(url_app) == before


def test_the_page_adds_an_article_by_its_url_and_cites_it(
    url_app: Running, server: NewsServer, browser: Browser, ask_in_page: Callable[[Page, str], None]
) -> None:
    with chat_page(browser, url_app.url) as page:
        box = page.locator("#qa-url input, #qa-url textarea").first
        box.fill(server.url("/report.pdf"))
        box.press("Enter")
        expect(page.locator("#qa-docs-note")).to_contain_text("not added", timeout=60_000)
        expect(page.locator("#qa-docs-note")).to_contain_text("application/pdf")
        expect(box).to_have_value(server.url("/report.pdf"))  # kept, to be corrected
        box.fill(server.url("/gazette"))
        box.press("Enter")
        expect(page.locator("#qa-docs-note")).to_contain_text("indexed", timeout=180_000)
        table = page.locator("#qa-docs-table")
        expect(table).to_contain_text(GAZETTE_TITLE)
        expect(table).to_contain_text("The Harbour Gazette")
        expect(table).to_contain_text("2025-03-14")
        expect(box).to_have_value("")
        # newest first: the gazette (2025) above the ledger (2024), then the undated bakery note
        rows = table.locator("tbody tr")
        expect(rows.first).to_contain_text(GAZETTE_TITLE)
        expect(rows.last).to_contain_text("bakery.txt")
        ask_in_page(page, "How many residents live on Skerry Island?")
        page.locator("#qa-chat .qa-a").last.locator("a.qa-marker").first.click()
        card = page.locator("#qa-sources .qa-card.qa-selected")
        expect(card).to_contain_text("The Harbour Gazette · 2025-03-14 · " + GAZETTE_TITLE)
        link = card.locator("a.qa-src-link")
        expect(link).to_have_attribute("href", "https://harbour-gazette.example/news/2025/03/14/skerry-ferry-resumes")
        expect(link).to_have_attribute("target", "_blank")


def test_the_api_adds_a_feeds_items_and_reports_each_one(url_app: Running, server: NewsServer) -> None:
    response = _add(url_app, {"url": server.url("/atom.xml")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "Coast and village" and body["added"] is True and body["problems"] == []
    assert [note.split(" indexed: ")[0] for note in body["notes"]] == [
        "volunteers-count-3-100-seabirds-on-hollin-head.html",
        "plain.txt",
    ]
    listed = {d.name for d in url_app.service.documents()}
    assert {"volunteers-count-3-100-seabirds-on-hollin-head.html", "plain.txt"} <= listed
