"""Adding an article by its URL: the one use case behind the page's URL box, `qa add` and
`POST /v1/documents`.

The page is fetched safely (qa/ingest/fetch.py), read as the corpus reads it, and kept in the
corpus folder as it was sent, with a sidecar holding its metadata (qa/ingest/meta.py), so the
index rebuilt later from the folder is the same, offline. An article already there (the same
canonical URL, or the same text) is not added again. Whatever fails, the corpus folder and the
index are left as they were.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
import unicodedata
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from qa.index.store import reachable
from qa.index.sync import Progress, sync_corpus
from qa.ingest.article import html_meta
from qa.ingest.errors import LoadError
from qa.ingest.fetch import FetchedPage, FetchRefused, fetch_limits, fetch_page
from qa.ingest.limits import read_limits
from qa.ingest.load import load_document
from qa.ingest.meta import sidecar_bytes, sidecar_of
from qa.schema import IngestReport, SourceDocument, SourceMeta
from qa.service.inputs import BadRequest, safe_filename

if TYPE_CHECKING:
    from qa.service.library import Library

_SLUG_WORDS = 12


def _slug(meta: SourceMeta, page: FetchedPage) -> str:
    """A file name stem from the headline, else from the URL's last path segment, else its host."""
    parts = urlsplit(page.url)
    source = meta.title or PurePosixPath(parts.path).stem or (parts.hostname or "page")
    ascii_text = unicodedata.normalize("NFKD", source).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())[:_SLUG_WORDS]
    return "-".join(words) or "page"


def _metadata(page: FetchedPage) -> SourceMeta:
    """What the page says of itself; a text file says nothing, so its URL and site stand in."""
    if page.is_html:
        from qa.ingest.decode import decode_text

        return html_meta(decode_text(page.body, page.url), page.url)
    parts = urlsplit(page.url)
    return SourceMeta(outlet=parts.hostname or "", url=page.url)


def _comparable(url: str) -> str:
    """A URL as compared for duplicates: the host's case, a default port, a fragment and tracking
    parameters (utm_*, ...) say nothing of which article it is (courlan's normalisation)."""
    from courlan import normalize_url

    try:
        return normalize_url(url, strict=True) if url else ""
    except ValueError:
        return url


def _already_added(library: Library, meta: SourceMeta, doc: SourceDocument) -> str | None:
    """The indexed document with the same canonical URL or the same text, if one is."""
    text_sha = hashlib.sha256(doc.text.encode()).hexdigest()
    url = _comparable(meta.url)
    for name, entry in library.store.read_sources().items():
        same = (url and _comparable(entry.get("url", "")) == url) or entry.get("text_sha256") == text_sha
        if same and (library.settings.corpus_dir / name).is_file():
            return name
    return None


def _discard(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def fetch(library: Library, url: str, feeds: bool = False) -> FetchedPage:
    """The page at `url` (with `feeds`, or an RSS or Atom feed); BadRequest saying why not."""
    try:
        return fetch_page(url, fetch_limits(library.settings), feeds=feeds)
    except FetchRefused as exc:
        raise BadRequest(str(exc)) from exc


def add_url(library: Library, url: str, progress: Progress | None = None) -> tuple[str, IngestReport]:
    """Fetch the page at `url`, keep it in the corpus with its metadata and index it; returns the
    document's name and what the indexing did. BadRequest (with the reason) when the URL is
    refused, the page cannot be fetched or read, or indexing it fails. A feed's items are added
    each in turn (qa/service/feeds.py)."""
    if progress:
        progress(0.0, f"fetching {url.strip()[:200]}")
    page = fetch(library, url, feeds=True)
    if page.is_feed:
        from qa.service.feeds import add_feed

        return add_feed(library, page, progress)
    return add_page(library, page, progress)


def add_page(library: Library, page: FetchedPage, progress: Progress | None = None) -> tuple[str, IngestReport]:
    """Keep a fetched page in the corpus with its metadata and index it (see `add_url`)."""
    settings = library.settings
    meta = _metadata(page)
    suffix = ".html" if page.is_html else ".txt"
    name = safe_filename(_slug(meta, page) + suffix)
    corpus = settings.corpus_dir
    corpus.mkdir(parents=True, exist_ok=True)
    staging = corpus / f".fetch-{secrets.token_hex(4)}-{name}"
    fetched_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:  # the staging files are hidden (never read as corpus) and always go
        staging.write_bytes(page.body)
        sidecar_of(staging).write_bytes(sidecar_bytes(meta, page.asked, fetched_at))
        try:
            doc = load_document(staging, name=name, limits=read_limits(settings))
        except LoadError as exc:
            raise BadRequest(f"{page.url}: {str(exc).removeprefix(name + ': ')}") from exc
        with library.writing():
            copy_of = _already_added(library, meta, doc)
            if copy_of is not None:
                report = IngestReport(documents=1)
                report.notes.append(f"{page.url} is already in the corpus as {copy_of}: nothing added")
                return copy_of, report
            target = library.free_name(name)
            return target.name, _index_new(library, staging, target, progress)
    finally:
        _discard([staging, sidecar_of(staging)])


def _index_new(library: Library, staging: Path, target: Path, progress: Progress | None) -> IngestReport:
    """Move the staged page and its sidecar into the corpus and index them; on any failure both
    go again and the index is brought back to the folder without them."""
    settings = library.settings
    sidecar_of(staging).replace(sidecar_of(target))  # the metadata first: the page is what sync sees
    staging.replace(target)
    try:
        with reachable(settings):
            report = sync_corpus(settings, library.store, only={target.name}, progress=progress, show_bar=False)
        if report.problems:
            raise BadRequest("; ".join(report.problems))
    except BaseException:
        _discard([target, sidecar_of(target)])
        with contextlib.suppress(Exception):  # else the next sync drops what was indexed of it
            sync_corpus(settings, library.store, only={target.name}, show_bar=False)
        raise
    finally:
        library.refresh()
    return report
