"""An RSS or Atom feed's article links, read with feedparser (the feed's bytes only: feedparser
is never asked to fetch anything itself)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from qa.ingest.errors import LoadError


@dataclass(frozen=True)
class Feed:
    title: str
    links: tuple[str, ...]  # each item's article URL, in the feed's order, once each


def looks_like_feed(body: bytes) -> bool:
    """Whether XML served without a feed's media type is RSS or Atom (its root element)."""
    head = body[:2000].lstrip().lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def read_feed(body: bytes, url: str) -> Feed:
    """The feed's title and item links (relative links resolved against `url`); LoadError when
    it is no feed or has no item with a link."""
    import feedparser

    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    links = []
    for entry in parsed.entries:
        link = entry.get("link") or ""
        if isinstance(link, str) and link.strip():
            links.append(urljoin(url, link.strip()))
    if not links:
        why = "not a readable RSS or Atom feed" if parsed.get("bozo") and not parsed.entries else "no item with a link"
        raise LoadError(f"{url}: {why}")
    title = parsed.feed.get("title") if isinstance(parsed.feed.get("title"), str) else ""
    return Feed(title=" ".join((title or "").split()) or url, links=tuple(dict.fromkeys(links)))
