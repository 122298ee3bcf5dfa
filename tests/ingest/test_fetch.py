"""Fetching a page safely, against a real HTTP server on loopback (tests/news_server.py)."""

from __future__ import annotations

import time

import pytest
from news_server import NEWS, SLOW_SECONDS, NewsServer

from qa.ingest.fetch import FetchLimits, FetchRefused, fetch_page

OPEN = FetchLimits(allow_private=True, timeout=2.0, max_bytes=1_000_000, max_redirects=3)
CLOSED = FetchLimits()  # the defaults: private addresses refused


def test_a_page_is_fetched_as_sent(server: NewsServer) -> None:
    page = fetch_page(server.url("/gazette"), OPEN)
    assert page.body == (NEWS / "harbour-gazette.html").read_bytes()
    assert page.is_html and page.url == page.asked == server.url("/gazette")


def test_a_host_name_is_connected_to_at_the_address_checked_and_still_named(server: NewsServer) -> None:
    by_name = server.url("/ledger").replace("127.0.0.1", "localhost")
    page = fetch_page(by_name, OPEN)
    assert page.url == by_name and b"Corran Valley" in page.body
    assert server.hosts[-1] == by_name.split("/")[2]  # the Host header names the host, not the address


def test_a_redirect_is_followed_and_the_final_address_kept(server: NewsServer) -> None:
    page = fetch_page(server.url("/moved"), OPEN)
    assert page.url == server.url("/gazette") and page.asked == server.url("/moved")
    assert b"Skerry Island" in page.body


def test_plain_text_is_taken(server: NewsServer) -> None:
    page = fetch_page(server.url("/plain"), OPEN)
    assert not page.is_html and page.media_type == "text/plain"


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/nowhere", "the server answered 404 Not Found"),
        ("/report.pdf", "the page is application/pdf; only HTML pages and plain text can be added"),
        ("/photo.png", "the page is image/png; only HTML pages and plain text can be added"),
        ("/big", "over the 1 MB limit (QA_FETCH_MAX_MB)"),
        ("/big-chunked", "over the 1 MB limit (QA_FETCH_MAX_MB)"),
        ("/loop", "more than 3 redirects (QA_FETCH_MAX_REDIRECTS)"),
    ],
)
def test_what_is_not_a_page_to_add_is_refused_with_the_reason(server: NewsServer, path: str, said: str) -> None:
    with pytest.raises(FetchRefused, match=said.replace("(", r"\(").replace(")", r"\)")):
        fetch_page(server.url(path), OPEN)


def test_a_page_that_does_not_come_in_time_is_refused(server: NewsServer) -> None:
    started = time.monotonic()
    with pytest.raises(FetchRefused, match=r"no answer within 2 s \(QA_FETCH_TIMEOUT\)"):
        fetch_page(server.url("/slow"), OPEN)
    assert time.monotonic() - started < SLOW_SECONDS


def test_a_page_that_trickles_in_is_cut_at_the_deadline(server: NewsServer) -> None:
    started = time.monotonic()
    with pytest.raises(FetchRefused, match=r"took more than 2 s to arrive \(QA_FETCH_TIMEOUT\)"):
        fetch_page(server.url("/trickle"), OPEN)
    assert time.monotonic() - started < 3.5  # not the 10 s the server would take


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("file:///etc/passwd", "a file: URL; only http and https pages can be added"),
        ("ftp://127.0.0.1/x", "a ftp: URL; only http and https pages can be added"),
        ("gopher://127.0.0.1:70/x", "a gopher: URL"),
        ("example.org/news", "not a URL"),
        ("http:///no-host", "the URL names no host"),
        ("http://127.0.0.1/", "127.0.0.1 a loopback address (this machine): not fetched"),
        ("http://localhost/", "localhost resolves to .* a loopback address"),
        ("http://[::1]/", "::1 a loopback address"),
        ("http://10.1.2.3/", "a private network address: not fetched; QA_FETCH_ALLOW_PRIVATE=true allows it"),
        ("http://192.168.0.1/", "a private network address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 a cloud metadata address: not fetched"),
        ("http://169.254.10.10/", "a link-local address"),
        ("http://[::ffff:127.0.0.1]/", "a loopback address"),
        ("http://0.0.0.0/", "not fetched"),
    ],
)
def test_urls_into_the_local_network_are_refused_by_default(url: str, said: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchRefused, match=said.replace("(", r"\(").replace(")", r"\)")):
        fetch_page(url, CLOSED)
    assert time.monotonic() - started < 1.0  # refused before any connection is tried


def test_the_loopback_server_itself_is_refused_without_the_setting(server: NewsServer) -> None:
    before = len(server.hits)
    with pytest.raises(FetchRefused, match="QA_FETCH_ALLOW_PRIVATE"):
        fetch_page(server.url("/gazette"), CLOSED)
    assert len(server.hits) == before  # never asked


def test_a_redirect_is_checked_like_the_first_address(server: NewsServer) -> None:
    # the setting allows private addresses, never a cloud metadata one, whichever hop names it
    with pytest.raises(FetchRefused, match=r"169\.254\.169\.254 a cloud metadata address"):
        fetch_page(server.url("/to-metadata"), OPEN)
    with pytest.raises(FetchRefused, match=r"169\.254\.169\.254 a cloud metadata address"):
        fetch_page("http://169.254.169.254/", OPEN)
