"""Shared fixtures: real Chroma indexes in temporary folders and the packaged embedding model.

Indexes that tests only read are built once per session; tests that change a corpus build
their own small one. Nothing is mocked.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from news_server import NewsServer, news_server

from qa.config import Settings
from qa.schema import IngestReport
from qa.service import QAService

# Settings read QA_* variables; a developer's shell must not change what the suite checks.
for _field in Settings.model_fields:
    os.environ.pop(f"QA_{_field.upper()}", None)

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "corpus" / "el-salvador-deportation-offer.txt"
SQUAD_CORPUS = (
    Path(__file__).resolve().parent / "data" / "squad" / "corpus"
)  # squad-dev articles kept in the repository
ARTICLE_NAME = ARTICLE.name


@pytest.fixture(scope="session", autouse=True)
def shared_encoder_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ONNX export of each model for the whole suite (and the processes it starts), as a user
    with several indexes can have: an export per index was 90 MB in each of some sixty folders."""
    folder = tmp_path_factory.mktemp("encoder")
    os.environ["QA_ENCODER_DIR"] = str(folder)
    # Exports made once per machine go to the suite's own cache, not the user's.
    os.environ["QA_ENCODER_CACHE"] = str(tmp_path_factory.mktemp("encoder-cache"))
    return folder


def make_settings(base: Path, **overrides: object) -> Settings:
    return Settings(corpus_dir=base / "corpus", index_dir=base / "index", **overrides)


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A real PDF with one page per entry, each line drawn as text."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    for lines in pages:
        y = 720
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 18
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# Small documents, one per file type, each carrying facts no other file states.
TXT = (
    "The Harbour Museum opened in 1911.\n"
    "Its first curator, Agnes Whitcombe, catalogued four thousand seashells.\n\n"
    "The museum closes every Tuesday for cleaning."
)
MD = (
    "# Orchard notes\n\n"
    "The quince trees were planted by Tobias Renner in the spring.\n\n"
    "- Pears ripen in late September.\n"
    "- Plums are picked by hand.\n"
)
HTML = """<!doctype html>
<html><head><title>Head title never indexed</title>
<style>.banner { color: crimson; } /* stylesheetmarker */</style>
<script>var trackingMarker = "scriptmarker"; console.log(trackingMarker);</script>
</head>
<body>
<h1>Glacier station</h1>
<p>The glacier station records snowfall every morning &amp; evening.</p>
<p>Its radio operator is named Ingrid Solberg.</p>
<noscript>noscriptmarker</noscript>
<script>document.write("scriptmarker two")</script>
</body></html>
"""
PDF_PAGES = [
    [
        "The observatory on Mount Kerrigan was completed in 1974.",
        "Its main telescope has a mirror two metres wide.",
    ],
    [
        "The lighthouse keeper, Bartholomew Quill, lived on the island alone.",
        "He lit the lamp each evening for thirty years.",
    ],
]
LATIN1 = "The café in Málaga serves churros with chocolate every Sunday.\n".encode("latin-1")
GOOD_FILES = ("harbour.txt", "orchard.md", "glacier.html", "observatory.pdf", "cafe.txt")
BAD_FILES = ("blob.txt", "empty.md", "broken.pdf")


def write_mixed_corpus(corpus: Path) -> None:
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "harbour.txt").write_text(TXT, encoding="utf-8")
    (corpus / "orchard.md").write_text(MD, encoding="utf-8")
    (corpus / "glacier.html").write_text(HTML, encoding="utf-8")
    (corpus / "observatory.pdf").write_bytes(pdf_bytes(PDF_PAGES))
    (corpus / "cafe.txt").write_bytes(LATIN1)
    (corpus / "blob.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (corpus / "empty.md").write_bytes(b"")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage without an end")


def indexed(service: QAService, files: dict[str, str], article: bool = False) -> QAService:
    """`service` with `files` (name -> text), and the article if asked, written to its corpus and synced."""
    corpus = service.settings.corpus_dir
    if article:
        shutil.copy(ARTICLE, corpus / ARTICLE_NAME)
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    service.sync(show_bar=False)
    return service


def beside_article(base: Path, documents: Path | list[Path]) -> QAService:
    """A service over the article and `documents` (a folder's files, or the files listed),
    indexed in `base`."""
    if isinstance(documents, Path):
        shutil.copytree(documents, base / "corpus")
    else:
        (base / "corpus").mkdir()
        for path in documents:
            shutil.copy(path, base / "corpus")
    shutil.copy(ARTICLE, base / "corpus" / ARTICLE_NAME)
    service = QAService(make_settings(base))
    service.sync(show_bar=False)
    return service


@pytest.fixture(scope="session")
def article_service(tmp_path_factory: pytest.TempPathFactory) -> QAService:
    """The article indexed once; tests must only read from it."""
    base = tmp_path_factory.mktemp("article")
    (base / "corpus").mkdir()
    shutil.copy(ARTICLE, base / "corpus" / ARTICLE_NAME)
    service = QAService(make_settings(base))
    report = service.sync(show_bar=False)
    assert report.problems == [] and report.added > 0
    return service


@pytest.fixture(scope="session")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[QAService, IngestReport]:
    """One readable file of each type plus unreadable ones, indexed once; read-only."""
    base = tmp_path_factory.mktemp("mixed")
    write_mixed_corpus(base / "corpus")
    service = QAService(make_settings(base))
    report = service.sync(show_bar=False)
    return service, report


@pytest.fixture(scope="session")
def mixed_service(mixed: tuple[QAService, IngestReport]) -> QAService:
    return mixed[0]


@pytest.fixture
def fresh(tmp_path: Path) -> Callable[..., QAService]:
    """A service over an empty corpus folder of its own, for tests that change files."""

    def build(**overrides: object) -> QAService:
        (tmp_path / "corpus").mkdir(exist_ok=True)
        return QAService(make_settings(tmp_path, **overrides))

    return build


class EncodeCounter:
    """Instrumentation: counts the texts the real encoder embeds."""

    def __init__(self) -> None:
        self.calls = 0
        self.texts = 0


@pytest.fixture
def count_encodes(monkeypatch: pytest.MonkeyPatch) -> Callable[[QAService], EncodeCounter]:
    def attach(service: QAService) -> EncodeCounter:
        counter = EncodeCounter()
        real = service.encoder.encode

        def counting(texts: list[str], **kwargs: Any):  # type: ignore[no-untyped-def]
            counter.calls += 1
            counter.texts += len(texts)
            return real(texts, **kwargs)

        monkeypatch.setattr(service.encoder, "encode", counting)
        return counter

    return attach


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[Any]]:
    """Instrumentation around a real function: `spy(module, "name", pick)` replaces it with one
    that records `pick(*args)` for every call, then does the real work."""

    def attach(owner: object, name: str, pick: Callable[..., Any]) -> list[Any]:
        calls: list[Any] = []
        real = getattr(owner, name)

        def recorded(*args: Any, **kwargs: Any) -> Any:
            calls.append(pick(*args, **kwargs))
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, recorded)
        return calls

    return attach


def store_records(service: QAService, kind: str, source: str | None = None) -> list[tuple[str, dict, str]]:
    """(id, metadata, text) of every record of one collection, optionally of one document.

    Sentences are stored without text: theirs is cut from the stored passage their metadata
    names, so a sentence whose passage is missing fails here."""
    collection = service.store.kinds[kind].collection
    where = {"source": source} if source else None
    got = collection.get(where=where, include=["documents", "metadatas"])
    if kind == "chunks":
        return list(zip(got["ids"], got["metadatas"], got["documents"], strict=True))
    assert not any(got["documents"] or []), "sentence records carry no text"
    passages = service.store.chunks.get(where=where, include=["documents", "metadatas"])
    by_start = {
        (m["source"], m["start"]): text for m, text in zip(passages["metadatas"], passages["documents"], strict=True)
    }
    return [
        (i, m, by_start[(m["source"], m["chunk_start"])][m["start"] - m["chunk_start"] : m["end"] - m["chunk_start"]])
        for i, m in zip(got["ids"], got["metadatas"], strict=True)
    ]


@pytest.fixture(scope="session")
def kit() -> SimpleNamespace:
    """The helpers and sample texts above, for test modules (conftest is not imported directly)."""
    return SimpleNamespace(
        ARTICLE=ARTICLE,
        ARTICLE_NAME=ARTICLE_NAME,
        SQUAD_CORPUS=SQUAD_CORPUS,
        TXT=TXT,
        MD=MD,
        HTML=HTML,
        PDF_PAGES=PDF_PAGES,
        LATIN1=LATIN1,
        GOOD_FILES=GOOD_FILES,
        BAD_FILES=BAD_FILES,
        make_settings=make_settings,
        pdf_bytes=pdf_bytes,
        records=store_records,
        write_mixed_corpus=write_mixed_corpus,
        indexed=indexed,
        beside_article=beside_article,
    )


@pytest.fixture(scope="session")
def records() -> Callable[..., list[tuple[str, dict, str]]]:
    """`records(service, "chunks" | "sentences", source=None)`: what the collection holds."""
    return store_records


@pytest.fixture(scope="module")
def server() -> Iterator[NewsServer]:
    """Saved news pages served over HTTP on loopback (tests/news_server.py), one server a module."""
    with news_server() as running:
        yield running
