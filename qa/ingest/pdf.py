"""PDF files as text with page starts, bounded in the text they may give."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from qa.ingest.errors import LoadError
from qa.schema import SourceDocument


class TooMuchText(Exception):
    """The text drawn so far is over the file's budget."""


def _page_texts(path: Path, budget: int | None) -> list[str]:
    """Each page's text; stops with TooMuchText once the pages drew more than `budget` characters.

    The count is kept as pypdf draws the text, not after: a few kilobytes of compressed content
    (or one form drawn a thousand times) can draw millions of characters, minutes of work."""
    from pypdf import PdfReader

    drawn = 0

    def count(text: str, *_: Any) -> None:
        nonlocal drawn
        drawn += len(text)
        if budget is not None and drawn > budget:
            raise TooMuchText

    reader = PdfReader(str(path))
    pages = []
    for page in reader.pages:
        pages.append(page.extract_text(visitor_text=count) or "")
        # pypdf goes on after an error inside a form (it only logs it), so the count is checked here too
        if budget is not None and drawn > budget:
            raise TooMuchText
    return pages


def pdf_document(path: Path, name: str, budget: int | None) -> SourceDocument:
    """Raises LoadError for a file pypdf cannot read and TooMuchText past `budget` characters."""
    from pypdf.errors import LimitReachedError

    # pypdf logs what it repairs ("EOF marker not found"); a file it cannot read is reported below
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        pages = _page_texts(path, budget)
    except TooMuchText:
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
