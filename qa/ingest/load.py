"""Read corpus files as text, refusing what cannot be read with a message that says why."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from qa.ingest.decode import decode_text
from qa.ingest.errors import LoadError
from qa.ingest.html import TooDeep, html_text
from qa.ingest.limits import ReadLimits
from qa.ingest.meta import front_matter, read_sidecar
from qa.ingest.pdf import TooMuch, pdf_document
from qa.schema import SourceDocument, SourceMeta

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")
# Bumped when a reader's output changes, so files it read before are indexed again (by sync).
# (Text files' version 2: UTF-8 with a stray byte is no longer read as cp1252; html-4, md-4 and
# txt-3 read metadata, and a text file's front matter is no longer text.)
READER_VERSIONS = {".html": "html-4", ".htm": "html-4", ".md": "md-4", ".txt": "txt-3"}


def _html_text(markup: str, max_depth: int | None = None) -> str:
    """Body text with a paragraph per block element (see `html_text`)."""
    return html_text(markup, max_depth)


def _markdown_text(markup: str, max_depth: int | None = None) -> str:
    """The text a reader sees: "**Port Alder**" is quoted as "Port Alder", "[Pier 9](http://...)"
    as "Pier 9", and a heading or list item is a paragraph of its own, without its "#" or "-"."""
    from markdown_it import MarkdownIt

    return _html_text(MarkdownIt("commonmark").enable("table").render(markup), max_depth)


def _html_document(markup: str, name: str, sidecar: dict[str, object] | None, limits: ReadLimits) -> SourceDocument:
    """A page added by its URL (it has a sidecar) is read as an article: its main text, without
    the site's navigation, asides and footers, and the metadata the sidecar kept. Any other HTML
    file is read whole, with the metadata the page states."""
    from qa.ingest.article import article_text, html_meta

    text = _html_text(markup, limits.max_depth)  # also refuses markup nested too deep for the extractor
    if sidecar is None:
        return SourceDocument(name=name, text=text, meta=html_meta(markup))
    article = article_text(markup)
    if not article:  # a page of links and menus: nothing of it is worth quoting
        raise LoadError(f"{name}: no article text found in the page")
    return SourceDocument(name=name, text=article, meta=SourceMeta.from_dict(sidecar))


def _text_document(path: Path, name: str, suffix: str, limits: ReadLimits) -> SourceDocument:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    text = decode_text(raw, name)
    sidecar = read_sidecar(path, name)
    try:
        if suffix in (".html", ".htm"):
            return _html_document(text, name, sidecar, limits)
        header, text = front_matter(text)
        meta = SourceMeta.from_dict(sidecar) if sidecar is not None else header or SourceMeta()
        if suffix == ".md":
            text = _markdown_text(text, limits.max_depth)
    except TooDeep as exc:
        raise LoadError(f"{name}: {exc} (QA_MAX_HTML_DEPTH)") from exc
    return SourceDocument(name=name, text=text, meta=meta)


def load_document(
    path: Path, name: str | None = None, max_bytes: int | None = None, limits: ReadLimits | None = None
) -> SourceDocument:
    """Load one file; raises LoadError with a user-facing reason when it cannot.

    `limits` bound what reading it may cost (none by default); `max_bytes` overrides theirs."""
    name = name or path.name
    limits = limits or ReadLimits()
    max_bytes = max_bytes if max_bytes is not None else limits.max_bytes
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(f"{name}: unsupported file type {suffix or '(none)'}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    if max_bytes is not None and size > max_bytes:
        raise LoadError(f"{name}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit")
    if suffix == ".pdf":
        try:
            doc = pdf_document(path, name, limits.text_budget(size))
        except TooMuch as exc:
            raise limits.over_budget(name, size, exc.what, exc.scale) from exc
    else:
        doc = _text_document(path, name, suffix, limits)
    limits.check_text(name, size, len(doc.text))
    if not doc.text.strip():
        raise LoadError(f"{name}: contains no text")
    return doc


def corpus_files(corpus_dir: Path) -> Iterator[tuple[Path, str]]:
    """Supported files under the corpus folder, as (path, name relative to the folder).

    Symlinks resolving outside the corpus are not followed: documents must live in it.
    """
    for path in sorted(corpus_dir.rglob("*")):
        if path.name.startswith(".") or path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        name = path.relative_to(corpus_dir).as_posix()
        yield path, name


def check_inside(path: Path, corpus_dir: Path) -> None:
    """Refuse files (or symlinks) that point outside the corpus folder."""
    root = corpus_dir.resolve()
    try:
        path.resolve().relative_to(root)
    except ValueError as exc:
        raise LoadError(f"{path.name}: points outside the corpus folder; not read") from exc


def doc_title(name: str) -> str:
    """A readable title from a file name ("03-Victoria-Australia.txt" -> "Victoria Australia").

    Passages and sentences are searched (BM25) with their document's title in front: it tells
    the retriever which document a sentence such as "It opened in 1902." belongs to.
    """
    stem = PurePosixPath(name).stem
    stem = re.sub(r"^\d+[-_ .]+", "", stem)
    return re.sub(r"[-_]+", " ", stem).strip() or stem
