"""An RSS or Atom feed added by its URL: each item fetched and added as its own URL would be, with
progress item by item and each failure reported with its reason (a real loopback server)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from news_server import NewsServer

from qa.service import BadRequest, QAService

GAZETTE = "ferry-service-to-skerry-island-resumes-after-storm-repairs.html"
LEDGER = "orchard-growers-report-record-apple-harvest.html"


def _corpus(service: QAService) -> list[str]:
    return sorted(p.name for p in service.settings.corpus_dir.iterdir())


def test_a_feed_adds_its_items_and_says_why_others_were_not(
    fresh: Callable[..., QAService], server: NewsServer
) -> None:
    service = fresh(fetch_allow_private=True)
    steps: list[tuple[float, str]] = []
    title, report = service.add_url(server.url("/feed.xml"), progress=lambda f, msg: steps.append((f, msg)))
    assert title == "Island News Roundup"
    assert report.notes == [
        f"{GAZETTE} indexed: The Harbour Gazette · 2025-03-14 · "
        "Ferry service to Skerry Island resumes after storm repairs",
        f"{LEDGER} indexed: The Valley Ledger · 2024-10-02 · Orchard growers report record apple harvest",
    ]
    assert report.problems == [
        f"{server.url('/nowhere')}: the server answered 404 Not Found",
        "169.254.169.254 a cloud metadata address: not fetched",
        f"{server.url('/report.pdf')}: the page is application/pdf; only HTML pages and plain text can be added "
        "(add a PDF by uploading the file)",
    ]
    assert _corpus(service) == [GAZETTE, GAZETTE + ".meta.json", LEDGER, LEDGER + ".meta.json"]
    assert [d.name for d in service.documents()] == [GAZETTE, LEDGER]
    # progress item by item, never going back
    said = [msg for _, msg in steps]
    assert any(m.startswith("item 1 of 5: fetching") for m in said) and any(m.startswith("item 5 of 5") for m in said)
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    # the feed again: nothing new
    _, again = service.add_url(server.url("/feed.xml"))
    assert again.added == 0 and len(again.notes) == 2 and all("nothing added" in n for n in again.notes)
    assert _corpus(service) == [GAZETTE, GAZETTE + ".meta.json", LEDGER, LEDGER + ".meta.json"]


def test_an_atom_feed_served_as_xml_is_read_and_the_item_count_bounded(
    fresh: Callable[..., QAService], server: NewsServer
) -> None:
    service = fresh(fetch_allow_private=True, feed_max_items=1)
    title, report = service.add_url(server.url("/atom.xml"))
    assert title == "Coast and village"
    assert report.problems == []
    assert report.notes[-1] == "the feed lists 2 items; the first 1 were read (QA_FEED_MAX_ITEMS)"
    assert [d.name for d in service.documents()] == ["volunteers-count-3-100-seabirds-on-hollin-head.html"]


def test_xml_that_is_no_feed_is_refused_and_changes_nothing(
    fresh: Callable[..., QAService], server: NewsServer, tmp_path: Path
) -> None:
    service = fresh(fetch_allow_private=True)
    with pytest.raises(BadRequest, match="XML that is not an RSS or Atom feed"):
        service.add_url(server.url("/not-a-feed.xml"))
    assert _corpus(service) == []
