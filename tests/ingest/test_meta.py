"""Where a document comes from: front matter in text files, metadata read from HTML pages (three
page layouts written for these tests, tests/data/news), and the sidecar kept with a fetched page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa.ingest.article import article_text, html_meta
from qa.ingest.load import load_document
from qa.ingest.meta import front_matter, sidecar_bytes, sidecar_of
from qa.schema import SourceMeta

NEWS = Path(__file__).resolve().parents[1] / "data" / "news"
ARTICLE = Path(__file__).resolve().parents[2] / "corpus" / "el-salvador-deportation-offer.txt"


def test_front_matter_is_metadata_not_text_and_offsets_stay_those_of_the_file(tmp_path: Path) -> None:
    raw = (
        "---\ntitle: Tide tables reprinted\noutlet: 'The Quay Post'\ndate: 2024-05-02\nurl: https://quay.example/t\n"
        "---\n\nThe harbour office reprinted its tide tables on Monday.\n"
    )
    path = tmp_path / "tides.txt"
    path.write_text(raw, encoding="utf-8")
    doc = load_document(path)
    assert doc.meta == SourceMeta(
        title="Tide tables reprinted", outlet="The Quay Post", date="2024-05-02", url="https://quay.example/t"
    )
    assert "Tide tables reprinted" not in doc.text and "outlet" not in doc.text
    assert len(doc.text) == len(raw)
    at = doc.text.index("The harbour office")
    assert raw[at : at + 40] == doc.text[at : at + 40]  # an offset into the text is one into the file


def test_what_is_not_front_matter_stays_text() -> None:
    # a block holding prose, not key: value lines, is the document's own text
    text = "---\nThe first line is prose, not a field\n---\nBody.\n"
    assert front_matter(text) == (None, text)
    # no closing line
    assert front_matter("---\ntitle: x\nBody.\n")[0] is None
    # a date that is not ISO is left out rather than read wrongly; a non-web URL too
    meta, _ = front_matter("---\ntitle: T\ndate: last Tuesday\nurl: javascript:alert(1)\n---\nBody\n")
    assert meta == SourceMeta(title="T")


def test_the_seed_article_has_a_title_from_its_content_and_no_invented_outlet_or_date() -> None:
    doc = load_document(ARTICLE)
    assert doc.meta.title
    assert doc.meta.outlet == "" and doc.meta.date == "" and doc.meta.url == "" and doc.meta.author == ""
    body = doc.text.lower()
    assert all(word.lower().strip(",") in body for word in doc.meta.title.replace("’s", "").split())
    assert doc.meta.title not in doc.text  # the header is not indexed as article text
    raw = ARTICLE.read_text(encoding="utf-8")
    assert len(doc.text) == len(raw) and doc.text.lstrip("\n") == raw[len(raw) - len(doc.text.lstrip("\n")) :]


PAGES = {
    "harbour-gazette.html": SourceMeta(
        title="Ferry service to Skerry Island resumes after storm repairs",
        outlet="The Harbour Gazette",
        author="Mairi Calder",
        date="2025-03-14",
        url="https://harbour-gazette.example/news/2025/03/14/skerry-ferry-resumes",
    ),
    "valley-ledger.html": SourceMeta(
        title="Orchard growers report record apple harvest",
        outlet="The Valley Ledger",
        author="Tomasz Wielgus",
        date="2024-10-02",
        url="http://127.0.0.1:8123/ledger",  # the page states none: where it was fetched stands in
    ),
    "coastline-weekly.html": SourceMeta(
        title="Volunteers count 3,100 seabirds on Hollin Head",
        outlet="127.0.0.1:8123",  # the page names no outlet: the site it was fetched from stands in
        date="2023-06-21",
        url="http://127.0.0.1:8123/coastline",
    ),
}
FETCHED_FROM = {
    "harbour-gazette.html": "http://127.0.0.1:8123/gazette",
    "valley-ledger.html": "http://127.0.0.1:8123/ledger",
    "coastline-weekly.html": "http://127.0.0.1:8123/coastline",
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_metadata_is_read_from_three_page_layouts(page: str) -> None:
    markup = (NEWS / page).read_text(encoding="utf-8")
    assert html_meta(markup, FETCHED_FROM[page]) == PAGES[page]


def test_a_page_without_a_fetch_url_invents_no_outlet_or_url() -> None:
    meta = html_meta((NEWS / "coastline-weekly.html").read_text(encoding="utf-8"))
    assert meta == SourceMeta(title="Volunteers count 3,100 seabirds on Hollin Head", date="2023-06-21")


ARTICLE_LINES = {
    "harbour-gazette.html": ("sailed again on Friday morning", "six from May.", ("Subscribe today", "Most read", "©")),
    "valley-ledger.html": ("picked 41,000 tonnes", "in November.", ("cookies", "Trending now", "Terms of use")),
    "coastline-weekly.html": ("recorded 3,100 birds", "monitoring programme.", ("Share this post", "razorbills")),
}


@pytest.mark.parametrize("page", sorted(ARTICLE_LINES))
def test_article_text_is_the_story_without_the_site_around_it(page: str) -> None:
    first, last, absent = ARTICLE_LINES[page]
    text = article_text((NEWS / page).read_text(encoding="utf-8"))
    assert first in text and text.rstrip().endswith(last)
    assert not [junk for junk in absent if junk in text]
    assert "\n\n" in text  # a paragraph per block, as the other readers give


def test_a_fetched_page_is_read_as_its_article_with_the_metadata_kept_beside_it(tmp_path: Path) -> None:
    page = tmp_path / "gazette.html"
    shutil.copy(NEWS / "harbour-gazette.html", page)
    whole = load_document(page)  # dropped in the corpus: read whole, with the metadata it states
    assert "Subscribe today" in whole.text and whole.meta == PAGES["harbour-gazette.html"]
    kept = SourceMeta(title="Kept title", outlet="Kept outlet", date="2025-03-15", url="https://k.example/a")
    sidecar_of(page).write_bytes(sidecar_bytes(kept, "http://127.0.0.1:8123/gazette", "2025-03-16T10:00:00Z"))
    fetched = load_document(page)
    assert fetched.meta == kept  # what was shown when it was added, not extracted again
    assert "Subscribe today" not in fetched.text and "sailed again on Friday morning" in fetched.text
    assert json.loads(sidecar_of(page).read_text())["fetched_from"] == "http://127.0.0.1:8123/gazette"
