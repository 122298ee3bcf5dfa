"""Where each source comes from, wherever a source is shown: citations carry their document's
title, outlet, author, date and URL next to their offsets, and documents are listed newest first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from qa.retrieve.catalog import Catalog
from qa.schema import Answer, SourceMeta


@dataclass(frozen=True)
class DocumentInfo:
    """An indexed document: its file name, its passages, and what is known of its origin."""

    name: str
    chunks: int
    meta: SourceMeta = field(default_factory=SourceMeta)


def cite_sources(answer: Answer, catalog: Catalog) -> Answer:
    """The answer with each citation (and related passage) naming its document's origin."""
    answer.citations = [c.with_source(catalog.source(c.doc)) for c in answer.citations]
    answer.passages = [c.with_source(catalog.source(c.doc)) for c in answer.passages]
    return answer


def newest_first(docs: Iterable[DocumentInfo]) -> list[DocumentInfo]:
    """Dated documents from the newest, then the undated ones; by name within a date."""
    by_name = sorted(docs, key=lambda d: d.name)
    dated = sorted((d for d in by_name if d.meta.date), key=lambda d: d.meta.date, reverse=True)
    return dated + [d for d in by_name if not d.meta.date]


def documents_of(catalog: Catalog) -> list[DocumentInfo]:
    docs = catalog.doc_passages.items()
    return newest_first(DocumentInfo(name, len(idx), catalog.source(name)) for name, idx in docs)
