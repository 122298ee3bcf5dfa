"""Adding an RSS or Atom feed's articles: each item is fetched and added as if its URL had been
given (qa/service/from_url.py), with progress item by item; an item that fails is reported with
its reason and the others are still added."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qa.index.sync import Progress
from qa.ingest.errors import LoadError
from qa.ingest.feed import looks_like_feed, read_feed
from qa.ingest.fetch import FetchedPage
from qa.schema import IngestReport
from qa.service.inputs import BadRequest

if TYPE_CHECKING:
    from qa.service.library import Library


def add_feed(library: Library, page: FetchedPage, progress: Progress | None = None) -> tuple[str, IngestReport]:
    """Add the feed's items (the first `feed_max_items`); returns the feed's title and a report
    whose notes say what became of each item added or already there, and whose problems say why
    each other item was not added. BadRequest when the page is no feed."""
    from qa.service.from_url import add_page, fetch

    if page.media_type in ("application/xml", "text/xml") and not looks_like_feed(page.body):
        raise BadRequest(f"{page.url}: XML that is not an RSS or Atom feed")
    try:
        feed = read_feed(page.body, page.url)
    except LoadError as exc:
        raise BadRequest(str(exc)) from exc
    limit = library.settings.feed_max_items
    links = feed.links[:limit]
    report = IngestReport()
    for i, link in enumerate(links):

        def step(fraction: float, message: str, i: int = i) -> None:
            if progress:
                progress((i + fraction) / len(links), f"item {i + 1} of {len(links)}: {message}")

        step(0.0, f"fetching {link[:200]}")
        try:
            name, added = add_page(library, fetch(library, link), step)
        except BadRequest as exc:  # its message names the item's URL
            report.problems.append(str(exc))
            continue
        report.added += added.added
        report.documents += 0 if added.notes else 1
        label = next((d.meta.label(name) for d in library.documents() if d.name == name), name)
        report.notes.extend(added.notes or [f"{name} indexed: {label}"])
    if len(feed.links) > limit:
        report.notes.append(f"the feed lists {len(feed.links)} items; the first {limit} were read (QA_FEED_MAX_ITEMS)")
    if progress:
        progress(1.0, f"{feed.title}: {len(links)} items read")
    return feed.title, report
