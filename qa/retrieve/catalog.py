"""An in-memory view of the index: passages, their sentences, vectors and BM25, for fast scoring."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qa.index.store import Store
from qa.retrieve.lexical import Lexical

_PAGE = 5000


@dataclass(frozen=True)
class PassageRef:
    id: str
    doc: str
    start: int
    end: int
    text: str
    page: int | None


@dataclass(frozen=True)
class SentenceRef:
    doc: str
    start: int
    end: int
    text: str
    passage: int


@dataclass
class Catalog:
    """Everything retrieval scores against, rebuilt whenever the index changes."""

    passages: list[PassageRef] = field(default_factory=list)
    sentences: list[SentenceRef] = field(default_factory=list)
    passage_sentences: list[list[int]] = field(default_factory=list)
    sentence_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), np.float32))
    passage_index: dict[str, int] = field(default_factory=dict)
    chunks_lexical: Lexical = field(default_factory=lambda: Lexical([]))
    sentences_lexical: Lexical = field(default_factory=lambda: Lexical([]))
    doc_passages: dict[str, list[int]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.passages


def _read_all(collection: Any, include: list[str]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = defaultdict(list)
    offset = 0
    while True:
        page = collection.get(include=include, limit=_PAGE, offset=offset)
        ids = page["ids"]
        if not ids:
            break
        out["ids"].extend(ids)
        for key in include:
            values = page[key]
            out[key].extend(list(values) if values is not None else [None] * len(ids))
        offset += len(ids)
        if len(ids) < _PAGE:
            break
    return out


def load_catalog(store: Store) -> Catalog:
    """Read passages and sentences (with their vectors) back from Chroma, in document order."""
    chunks = _read_all(store.chunks, ["documents", "metadatas"])
    order = sorted(
        range(len(chunks["ids"])),
        key=lambda i: (chunks["metadatas"][i]["source"], int(chunks["metadatas"][i]["start"])),
    )
    catalog = Catalog()
    by_start: dict[tuple[str, int], int] = {}
    for i in order:
        meta = chunks["metadatas"][i]
        ref = PassageRef(
            id=chunks["ids"][i],
            doc=str(meta["source"]),
            start=int(meta["start"]),
            end=int(meta["end"]),
            text=chunks["documents"][i],
            page=int(meta["page"]) if meta.get("page") is not None else None,
        )
        by_start[(ref.doc, ref.start)] = len(catalog.passages)
        catalog.passage_index[ref.id] = len(catalog.passages)
        catalog.doc_passages.setdefault(ref.doc, []).append(len(catalog.passages))
        catalog.passages.append(ref)
    catalog.passage_sentences = [[] for _ in catalog.passages]

    sents = _read_all(store.sentences, ["documents", "metadatas", "embeddings"])
    keep: list[tuple[tuple[str, int, int], int, int]] = []
    for i, meta in enumerate(sents["metadatas"]):
        passage = by_start.get((str(meta["source"]), int(meta["chunk_start"])))
        if passage is None:
            continue  # a sentence whose passage is gone (interrupted run); never shown
        keep.append(((str(meta["source"]), int(meta["start"]), int(meta["end"])), passage, i))
    keep.sort()
    vectors = []
    for (doc, start, end), passage, i in keep:
        catalog.passage_sentences[passage].append(len(catalog.sentences))
        catalog.sentences.append(SentenceRef(doc, start, end, sents["documents"][i], passage))
        vectors.append(sents["embeddings"][i])
    dim = store.encoder.dimension
    catalog.sentence_vectors = np.asarray(vectors, dtype=np.float32) if vectors else np.zeros((0, dim), np.float32)
    catalog.chunks_lexical = Lexical([p.text for p in catalog.passages])
    catalog.sentences_lexical = Lexical([s.text for s in catalog.sentences])
    return catalog
