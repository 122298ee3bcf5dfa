"""Read corpus files as text, refusing what cannot be read with a message that says why."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from qa.schema import SourceDocument

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")
_BINARY_SNIFF = 8192
_SKIPPED_TAGS = ("script", "style", "noscript", "template", "head", "svg")
# Elements that end a paragraph; any other tag is inline and stays inside its sentence.
_BLOCK_TAGS = (
    *("address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt", "figcaption"),
    *("figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav"),
    *("ol", "p", "pre", "section", "table", "tr", "ul"),
)
# Bumped when a reader's output changes, so files it read before are indexed again (by sync).
# (Text files' version 2: UTF-8 with a stray byte is no longer read as cp1252.)
READER_VERSIONS = {".html": "html-3", ".htm": "html-3", ".md": "md-3", ".txt": "txt-2"}
_BREAK = "\u2029"  # paragraph separator: marks a block boundary until whitespace is normalised


class LoadError(Exception):
    """A file that cannot become a document; the message is meant for the user."""


def _decode(raw: bytes, name: str) -> str:
    if b"\x00" in raw[:_BINARY_SNIFF]:
        raise LoadError(f"{name}: looks like a binary file, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        lenient = raw.decode("utf-8-sig", errors="replace")
        bad = lenient.count("\ufffd") - raw.count("\ufffd".encode())
        if sum(1 for c in lenient if c > "\x7f" and c != "\ufffd") > bad:
            # UTF-8 with a stray byte or two: read as legacy, its every "é" and "’" would be mojibake
            text = lenient
        else:
            # Legacy encodings are common in old text files; cp1252 covers latin-1's printable range.
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _html_text(markup: str) -> str:
    """Body text with a paragraph per block element; inline markup (links, bold, a span) stays
    inside its sentence, and the source's own line wrapping is only a space."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "lxml")
    for tag in soup(list(_SKIPPED_TAGS)):
        tag.decompose()
    for tag in soup(list(_BLOCK_TAGS)):
        tag.insert_before(_BREAK)
        tag.insert_after(_BREAK)
    for tag in soup(["td", "th"]):  # cells of a row stay on its line
        tag.insert_after(" ")
    text = soup.get_text("")
    paragraphs = (re.sub(r"\s+", " ", part).strip() for part in text.split(_BREAK))
    return "\n\n".join(p for p in paragraphs if p)


def _markdown_text(markup: str) -> str:
    """The text a reader sees: "**Port Alder**" is quoted as "Port Alder", "[Pier 9](http://...)"
    as "Pier 9", and a heading or list item is a paragraph of its own, without its "#" or "-"."""
    from markdown_it import MarkdownIt

    return _html_text(MarkdownIt("commonmark").enable("table").render(markup))


def _pdf_document(path: Path, name: str) -> SourceDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs what it repairs ("EOF marker not found"); a file it cannot read is reported below
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise LoadError(f"{name}: not a readable PDF ({exc.__class__.__name__}: {exc})") from exc
    starts: list[int] = []
    parts: list[str] = []
    offset = 0
    for page in pages:
        page_text = page.replace("\r\n", "\n").replace("\x00", "").strip()
        starts.append(offset)
        parts.append(page_text)
        offset += len(page_text) + 2
    return SourceDocument(name=name, text="\n\n".join(parts), page_starts=tuple(starts))


def load_document(path: Path, name: str | None = None, max_bytes: int | None = None) -> SourceDocument:
    """Load one file; raises LoadError with a user-facing reason when it cannot."""
    name = name or path.name
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
        doc = _pdf_document(path, name)
    else:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise LoadError(f"{name}: cannot be read ({exc.strerror or exc})") from exc
        text = _decode(raw, name)
        if suffix in (".html", ".htm"):
            text = _html_text(text)
        elif suffix == ".md":
            text = _markdown_text(text)
        doc = SourceDocument(name=name, text=text)
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
