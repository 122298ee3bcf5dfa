"""Adding articles by their URLs from a real HTTP server on loopback (QA_FETCH_ALLOW_PRIVATE on):
three page layouts read with their metadata, duplicates not added twice, every failure leaving
the corpus folder and the index as they were, and the same metadata after an offline rebuild."""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pytest
from news_server import NewsServer

from qa.config import Settings
from qa.ingest.meta import sidecar_of
from qa.schema import SourceMeta
from qa.service import BadRequest, QAService


@pytest.fixture(scope="module")
def added(tmp_path_factory: pytest.TempPathFactory, server: NewsServer) -> tuple[QAService, dict[str, str]]:
    """The three pages and a plain-text one added by URL; each URL -> the document's name."""
    base = tmp_path_factory.mktemp("by-url")
    settings = Settings(
        corpus_dir=base / "corpus",
        index_dir=base / "index",
        fetch_allow_private=True,
        fetch_timeout=2.0,
        fetch_max_mb=1.0,
    )
    service = QAService(settings)
    names = {}
    for path in ("/gazette", "/ledger", "/coastline", "/plain"):
        name, report = service.add_url(server.url(path))
        assert report.problems == [] and report.notes == [] and report.added > 0
        names[path] = name
    return service, names


def test_each_layout_is_added_with_its_metadata_and_its_article_text(
    added: tuple[QAService, dict[str, str]], server: NewsServer
) -> None:
    service, names = added
    assert names == {
        "/gazette": "ferry-service-to-skerry-island-resumes-after-storm-repairs.html",
        "/ledger": "orchard-growers-report-record-apple-harvest.html",
        "/coastline": "volunteers-count-3-100-seabirds-on-hollin-head.html",
        "/plain": "plain.txt",
    }
    docs = {d.name: d for d in service.documents()}
    assert docs[names["/gazette"]].meta == SourceMeta(
        title="Ferry service to Skerry Island resumes after storm repairs",
        outlet="The Harbour Gazette",
        author="Mairi Calder",
        date="2025-03-14",
        url="https://harbour-gazette.example/news/2025/03/14/skerry-ferry-resumes",
    )
    ledger = docs[names["/ledger"]].meta
    assert (ledger.title, ledger.outlet, ledger.date, ledger.url) == (
        "Orchard growers report record apple harvest",
        "The Valley Ledger",
        "2024-10-02",
        server.url("/ledger"),  # it states no canonical URL: the address it came from
    )
    coast = docs[names["/coastline"]].meta
    assert (coast.title, coast.date, coast.outlet) == (
        "Volunteers count 3,100 seabirds on Hollin Head",
        "2023-06-21",
        server.base.removeprefix("http://"),  # it names no outlet: the site stands in
    )
    assert docs[names["/plain"]].meta == SourceMeta(outlet="127.0.0.1", url=server.url("/plain"))
    # newest first
    assert [d.name for d in service.documents()][:3] == [names["/gazette"], names["/ledger"], names["/coastline"]]
    text = service.document(names["/ledger"]).text
    assert "41,000 tonnes" in text and "cookies" not in text and "Trending now" not in text
    corpus = service.settings.corpus_dir
    assert (corpus / names["/gazette"]).read_bytes() == (server_page("harbour-gazette.html"))  # kept as sent
    side = json.loads(sidecar_of(corpus / names["/gazette"]).read_text())
    assert side["fetched_from"] == server.url("/gazette") and side["outlet"] == "The Harbour Gazette"


def server_page(name: str) -> bytes:
    return (Path(__file__).resolve().parents[1] / "data" / "news" / name).read_bytes()


def test_an_answer_cites_the_outlet_and_date(added: tuple[QAService, dict[str, str]]) -> None:
    service, names = added
    answer = service.ask("How many tonnes of apples were picked in the Corran Valley?")
    c = answer.citations[0]
    assert c.doc == names["/ledger"] and "41,000" in answer.text
    assert (c.outlet, c.date) == ("The Valley Ledger", "2024-10-02")
    assert c.title == "Orchard growers report record apple harvest"
    assert service.document(c.doc).text[c.start : c.end] == c.quote


def _state(service: QAService) -> tuple[object, ...]:
    """The corpus folder (every file, hidden ones too, by content) and the index (manifest, records)."""
    corpus = service.settings.corpus_dir
    files = sorted((p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in corpus.rglob("*") if p.is_file())
    return files, service.store.read_manifest(), service.store.chunks.count(), service.store.sentences.count()


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/nowhere", "404 Not Found"),
        ("/slow", "no answer within 2 s"),
        ("/big", "over the 1 MB limit"),
        ("/big-chunked", "over the 1 MB limit"),
        ("/report.pdf", "application/pdf"),
        ("/photo.png", "image/png"),
        ("/to-metadata", "169.254.169.254 a cloud metadata address"),
        ("/empty", "no article text found in the page"),
    ],
)
def test_every_failure_leaves_the_corpus_and_the_index_as_they_were(
    added: tuple[QAService, dict[str, str]], server: NewsServer, path: str, said: str
) -> None:
    service = added[0]
    before = _state(service)
    with pytest.raises(BadRequest, match=said):
        service.add_url(server.url(path))
    assert _state(service) == before


@pytest.mark.parametrize("url", ["http://127.0.0.1:{port}/gazette", "http://169.254.169.254/latest/meta-data/"])
def test_local_addresses_are_refused_with_the_setting_off(
    added: tuple[QAService, dict[str, str]], server: NewsServer, tmp_path: Path, url: str
) -> None:
    service = added[0]
    closed = QAService(service.settings.model_copy(update={"fetch_allow_private": False}))
    before, hits = _state(closed), len(server.hits)
    with pytest.raises(BadRequest, match="not fetched"):
        closed.add_url(url.format(port=server.base.rsplit(":", 1)[1]))
    assert _state(closed) == before and len(server.hits) == hits


def test_an_article_already_added_is_not_added_twice(
    added: tuple[QAService, dict[str, str]], server: NewsServer
) -> None:
    service, names = added
    before = _state(service)
    # the same URL; another URL redirecting to it (same canonical URL); the same text elsewhere;
    # an edited copy whose canonical URL differs only by a tracking parameter and a fragment
    for path, original, final in (
        ("/gazette", "/gazette", "/gazette"),
        ("/moved", "/gazette", "/gazette"),
        ("/coastline-again", "/coastline", "/coastline-again"),
        ("/gazette-updated", "/gazette", "/gazette-updated"),
    ):
        name, report = service.add_url(server.url(path))
        assert name == names[original]
        assert report.notes == [f"{server.url(final)} is already in the corpus as {name}: nothing added"]
    assert _state(service) == before


def test_the_index_rebuilt_from_the_corpus_holds_the_same_metadata_without_the_network(
    added: tuple[QAService, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = added[0]

    def no_network(self: socket.socket, address: object) -> None:
        raise AssertionError(f"the rebuild tried to connect to {address}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    rebuilt = QAService(Settings(corpus_dir=service.settings.corpus_dir, index_dir=tmp_path / "index"))
    assert rebuilt.sync(show_bar=False).problems == []
    assert [(d.name, d.meta) for d in rebuilt.documents()] == [(d.name, d.meta) for d in service.documents()]
    for d in rebuilt.documents():
        assert rebuilt.document(d.name).text == service.document(d.name).text


def test_a_removed_article_takes_its_metadata_along(
    added: tuple[QAService, dict[str, str]], server: NewsServer
) -> None:
    service, names = added
    name = names["/plain"]
    service.remove_document(name)
    assert not sidecar_of(service.settings.corpus_dir / name).exists()
    assert sidecar_of(service.removed_dir / name).exists()
    again, report = service.add_url(server.url("/plain"))  # no longer there: added again
    assert again == name and report.notes == []


def test_indexing_that_fails_midway_leaves_the_corpus_and_the_index_as_they_were(
    added: tuple[QAService, dict[str, str]], server: NewsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = added[0]
    service.remove_document(added[1]["/coastline"])  # so that it is new again
    before = _state(service)

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(service.encoder, "prepare", full_disk)  # the failure, injected inside the indexing
    with pytest.raises(OSError, match="No space left on device"):
        service.add_url(server.url("/coastline"))
    assert _state(service) == before
    monkeypatch.undo()
    name, report = service.add_url(server.url("/coastline"))  # and it can be added afterwards
    assert name == added[1]["/coastline"] and report.added > 0
