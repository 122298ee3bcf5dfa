"""A web page's article: its metadata (headline, outlet, author, date, canonical URL) and its main
text, read with trafilatura, an extractor made for news pages (its dates come from htmldate).

Nothing is guessed: a field the page does not state stays empty. Dates are the original
publication date, taken from the page's markup (meta tags, JSON-LD, a `<time>` element, the URL),
never from a date that merely appears in the article's text.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from qa.schema import SourceMeta

log = logging.getLogger(__name__)

# Metadata sits in the head and the byline; a huge page is read this far for it (a 1.2 MB page
# took 0.3 s, so the whole 50 MB a corpus file may be would take 13 s).
_META_CHARS = 2_000_000
_DATE_CONFIG = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"}
_SPACES = re.compile(r"\s+")


def _clean(value: object) -> str:
    return _SPACES.sub(" ", value).strip() if isinstance(value, str) else ""


def web_url(value: str) -> str:
    """`value` when it is an absolute http(s) URL, else "" (a page may state anything)."""
    parts = urlsplit(value.strip())
    return value.strip() if parts.scheme in ("http", "https") and parts.hostname else ""


def html_meta(markup: str, url: str = "") -> SourceMeta:
    """What the page says about itself; `url` (where it was fetched) stands in for a canonical URL
    the page does not give, and its host name for an outlet the page does not name."""
    from trafilatura import extract_metadata

    try:
        found = extract_metadata(
            markup[:_META_CHARS], default_url=url or None, date_config=_DATE_CONFIG, extensive=False
        )
    except Exception:  # metadata is a courtesy: a page the extractor trips on is still read
        log.warning("metadata extraction failed", exc_info=True)
        return SourceMeta(url=web_url(url), outlet=urlsplit(url).hostname or "" if url else "")
    canonical = web_url(_clean(found.url)) or web_url(url)
    outlet = _clean(found.sitename) or (urlsplit(url).hostname or "" if url else "")
    return SourceMeta(
        title=_clean(found.title),
        outlet=outlet,
        author=_clean(found.author),
        date=_clean(found.date),
        url=canonical,
    )


def article_text(markup: str) -> str:
    """The article's own text (no navigation, asides, comments or footers), a paragraph per
    block; "" when the extractor finds no article in the page."""
    from trafilatura import bare_extraction

    found = bare_extraction(markup, include_comments=False, include_tables=True, with_metadata=False)
    text = getattr(found, "text", None) or ""
    paragraphs = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n\n".join(p for p in paragraphs if p)
