"""Metadata everywhere a source is shown: the index records each document's origin, citations
carry it next to their offsets, documents are listed newest first, and an index rebuilt from the
corpus folder holds the same metadata without the network."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from qa.config import Settings
from qa.ingest.meta import sidecar_bytes, sidecar_of
from qa.schema import SourceMeta
from qa.service import QAService

NEWS = Path(__file__).resolve().parents[1] / "data" / "news"
ARTICLE = Path(__file__).resolve().parents[2] / "corpus" / "el-salvador-deportation-offer.txt"
GAZETTE = SourceMeta(
    title="Ferry service to Skerry Island resumes after storm repairs",
    outlet="The Harbour Gazette",
    author="Mairi Calder",
    date="2025-03-14",
    url="https://harbour-gazette.example/news/2025/03/14/skerry-ferry-resumes",
)


def _corpus(corpus: Path, article: Path) -> None:
    """The seed article (front matter), a fetched page (sidecar), a page dropped in as it was
    saved, and a text file that says nothing of its origin."""
    shutil.copy(article, corpus / article.name)
    shutil.copy(NEWS / "harbour-gazette.html", corpus / "skerry-ferry.html")
    sidecar_of(corpus / "skerry-ferry.html").write_bytes(
        sidecar_bytes(GAZETTE, "http://127.0.0.1:9/gazette", "2025-03-16T10:00:00Z")
    )
    shutil.copy(NEWS / "valley-ledger.html", corpus / "apples.html")
    (corpus / "bakery.txt").write_text("The bakery on Quay Street sells rye bread on Saturdays.\n", encoding="utf-8")


@pytest.fixture(scope="module")
def sourced(tmp_path_factory: pytest.TempPathFactory) -> QAService:
    base = tmp_path_factory.mktemp("sources")
    (base / "corpus").mkdir()
    _corpus(base / "corpus", ARTICLE)
    service = QAService(Settings(corpus_dir=base / "corpus", index_dir=base / "index"))
    report = service.sync(show_bar=False)
    assert report.problems == []
    return service


def test_documents_are_listed_newest_first_with_their_origin(sourced: QAService) -> None:
    docs = sourced.documents()
    assert [d.name for d in docs] == ["skerry-ferry.html", "apples.html", "bakery.txt", ARTICLE.name]
    assert docs[0].meta == GAZETTE
    assert (docs[1].meta.outlet, docs[1].meta.date) == ("The Valley Ledger", "2024-10-02")
    assert docs[2].meta == SourceMeta()  # nothing known: the file name stands in
    assert docs[3].meta.title.startswith("El Salvador") and not docs[3].meta.outlet and not docs[3].meta.date


def test_a_citation_names_outlet_date_title_and_url_next_to_exact_offsets(sourced: QAService) -> None:
    answer = sourced.ask("How many residents does Skerry Island have?")
    assert not answer.abstained, answer.text
    cited = [c for c in answer.citations if c.doc == "skerry-ferry.html"]
    assert cited
    c = cited[0]
    assert (c.title, c.outlet, c.date, c.url, c.author) == (
        GAZETTE.title,
        GAZETTE.outlet,
        GAZETTE.date,
        GAZETTE.url,
        GAZETTE.author,
    )
    assert sourced.document(c.doc).text[c.start : c.end] == c.quote
    as_json = answer.to_dict()["citations"][0]
    assert {k: as_json[k] for k in ("title", "outlet", "date", "url")} == {
        "title": GAZETTE.title,
        "outlet": GAZETTE.outlet,
        "date": GAZETTE.date,
        "url": GAZETTE.url,
    }


def test_the_seed_article_is_cited_by_its_title_and_nothing_invented(sourced: QAService) -> None:
    answer = sourced.ask("What is CECOT?")
    c = next(c for c in answer.citations if c.doc == ARTICLE.name)
    assert c.title and c.title.startswith("El Salvador")
    assert c.outlet is None and c.date is None and c.url is None
    text = sourced.document(c.doc).text
    assert text[c.start : c.end] == c.quote
    raw = ARTICLE.read_text(encoding="utf-8")
    assert raw[c.start : c.end] == c.quote  # the offsets are those of the file, front matter and all


def test_an_index_rebuilt_from_the_corpus_holds_the_same_metadata_offline(
    sourced: QAService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(self: socket.socket, address: object) -> None:
        raise AssertionError(f"the rebuild tried to connect to {address}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    settings = Settings(corpus_dir=sourced.settings.corpus_dir, index_dir=tmp_path / "rebuilt")
    rebuilt = QAService(settings)
    assert rebuilt.sync(show_bar=False).problems == []
    assert [(d.name, d.meta) for d in rebuilt.documents()] == [(d.name, d.meta) for d in sourced.documents()]
    restarted = QAService(settings)  # a restart reads it back from the index folder
    assert [(d.name, d.meta) for d in restarted.documents()] == [(d.name, d.meta) for d in sourced.documents()]


def test_edited_metadata_is_indexed_again(fresh: Callable[..., QAService]) -> None:
    service = fresh()
    corpus = service.settings.corpus_dir
    note = corpus / "tides.txt"
    note.write_text("---\ntitle: Tides\n---\nThe tide turns at noon.\n", encoding="utf-8")
    service.sync(show_bar=False)
    assert service.documents()[0].meta.title == "Tides"
    note.write_text("---\ntitle: Tide tables\ndate: 2024-01-05\n---\nThe tide turns at noon.\n", encoding="utf-8")
    service.sync(show_bar=False)
    assert (service.documents()[0].meta.title, service.documents()[0].meta.date) == ("Tide tables", "2024-01-05")
