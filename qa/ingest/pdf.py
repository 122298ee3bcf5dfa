"""PDF files as text with page starts, bounded in the text and the drawing they may unpack to."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from qa.ingest.errors import LoadError
from qa.schema import SourceDocument

# Operators that can draw text (directly, or through a form: Do); a page without any is not parsed.
_TEXT_OPERATOR = re.compile(rb"T[jJ]|Do|['\"]")
# Bytes of page content (unpacked) allowed per character of the budget: a page of text takes a
# few bytes of operators per character, a page of drawing far more, and a shared stream of
# millions of operators was unpacked again for each of 40 pages (240 MB from an 8 KB file).
CONTENT_BYTES_PER_CHAR = 10


class TooMuch(Exception):
    """The page content read so far is over the file's budget: `what` was counted, and its
    budget is `scale` times the budget in characters."""

    def __init__(self, what: str, scale: int = 1) -> None:
        super().__init__(what)
        self.what = what
        self.scale = scale


def _page_texts(path: Path, budget: int | None) -> list[str]:
    """Each page's text; stops with TooMuch once the pages drew more than `budget` characters,
    ran more than `budget` drawing operations, or unpacked more than CONTENT_BYTES_PER_CHAR times
    `budget` bytes of content.

    The counts are kept as pypdf draws, not after: a few kilobytes of compressed content (or
    one form drawn a thousand times) can draw millions of characters, or run millions of
    operators on page after page, minutes of work."""
    from pypdf import PdfReader

    drawn = operations = unpacked = 0

    def check() -> None:
        if budget is None:
            return
        if drawn > budget:
            raise TooMuch("characters of text")
        if operations > budget:
            raise TooMuch("drawing operations")
        if unpacked > budget * CONTENT_BYTES_PER_CHAR:
            raise TooMuch("bytes of page content", CONTENT_BYTES_PER_CHAR)

    def count_text(text: str, *_: Any) -> None:
        nonlocal drawn
        drawn += len(text)
        check()

    def count_operation(*_: Any) -> None:
        nonlocal operations
        operations += 1
        check()

    reader = PdfReader(str(path))
    pages = []
    for page in reader.pages:
        contents = page.get_contents()
        data = b"" if contents is None else contents.get_data()
        unpacked += len(data)
        check()
        if not _TEXT_OPERATOR.search(data):
            pages.append("")  # a figure, or blank: no text, and its operators need no parsing
            continue
        pages.append(page.extract_text(visitor_text=count_text, visitor_operand_before=count_operation) or "")
        check()  # pypdf goes on after an error inside a form (it only logs it): counted here too
    return pages


def pdf_document(path: Path, name: str, budget: int | None) -> SourceDocument:
    """Raises LoadError for a file pypdf cannot read and TooMuch past `budget` (see `_page_texts`)."""
    from pypdf.errors import LimitReachedError

    # pypdf logs what it repairs ("EOF marker not found"); a file it cannot read is reported below
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        pages = _page_texts(path, budget)
    except TooMuch:
        raise
    except LimitReachedError as exc:  # a decompression bomb, refused by pypdf's own limits
        why = f"part of it unpacks to more than the reader allows ({exc})"
        raise LoadError(f"{name}: not a readable PDF: {why}") from exc
    except Exception as exc:
        # A damaged or hostile file makes pypdf raise errors of many kinds (its documentation says
        # as much), not only its own: each means the file cannot be read, and never stops a sync.
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
