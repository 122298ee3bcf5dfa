"""An in-memory view of the index: passages, their sentences, vectors and BM25, for fast scoring.

BM25 is saved beside the index and memory-mapped when the same index is opened again
(`lexical_cache`)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qa.index.store import Store
from qa.ingest.load import doc_title
from qa.retrieve.lexical import Lexical, terms
from qa.retrieve.lexical_cache import fingerprint, open_lexicals
from qa.retrieve.sentence_terms import SentenceTerms, sentence_terms
from qa.schema import SourceMeta

_PAGE = 5000

log = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class Nearest:
    """Sentences near a question, and the cosine no other sentence exceeds."""

    sentences: np.ndarray
    ceiling: float


class NearestSentences:
    """Chroma's HNSW index over the sentence vectors: the n nearest sentences to a question.

    Used for a large index only (settings.ann_rows), where an exact scan of every sentence vector
    costs more than the rest of the answer; see `hybrid.signals` for how ranking stays exact.
    """

    def __init__(self, collection: Any, index: dict[str, int]) -> None:
        self._collection = collection
        self._index = index

    def __call__(self, vector: np.ndarray, n: int) -> Nearest | None:
        """The n nearest sentences; None when Chroma cannot answer."""
        try:
            found = self._collection.query(query_embeddings=[vector], n_results=n, include=["distances"])
        except Exception as exc:  # a stopped Chroma server: the exact scan answers from memory
            log.warning("nearest-sentence search failed (%s); scanning every sentence", exc)
            return None
        ids, distances = found["ids"][0], found["distances"][0]
        known = [self._index[i] for i in ids if i in self._index]  # not one indexed after this catalog
        # Cosine space: distance = 1 - cosine. Fewer than n back means every sentence came back.
        ceiling = 1.0 - float(distances[-1]) if len(ids) >= n else -1.0
        return Nearest(np.array(known, dtype=np.int64), ceiling)


@dataclass
class Catalog:
    """Everything retrieval scores against, rebuilt whenever the index changes."""

    passages: list[PassageRef] = field(default_factory=list)
    sentences: list[SentenceRef] = field(default_factory=list)
    passage_sentences: list[list[int]] = field(default_factory=list)
    sentence_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), np.float32))
    # Further vectors of some sentences (a quoting sentence's frame), sorted by sentence; a
    # sentence's cosine is the best of its own and its views'. Sentence i owns the views
    # [view_first[i], view_first[i+1]).
    view_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), np.float32))
    view_sentence: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    view_first: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    passage_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), np.float32))
    # Sentences are stored passage by passage: passage i owns sentences [first[i], first[i+1]).
    first_sentence: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    passage_doc: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    doc_names: list[str] = field(default_factory=list)
    # Each sentence's content terms (`SentenceTerms`: worked out when first read).
    sentence_terms: Sequence[frozenset[str]] = field(default_factory=list)
    docs_lexical: Lexical = field(default_factory=lambda: Lexical([]))
    passage_index: dict[str, int] = field(default_factory=dict)
    chunks_lexical: Lexical = field(default_factory=lambda: Lexical([]))
    sentences_lexical: Lexical = field(default_factory=lambda: Lexical([]))
    doc_passages: dict[str, list[int]] = field(default_factory=dict)
    sentence_passage: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    # Set for a large index only: approximate nearest sentences, checked exactly afterwards.
    nearest_sentences: NearestSentences | None = None
    # Where each document comes from (empty for one whose metadata is not known)
    sources: dict[str, SourceMeta] = field(default_factory=dict)

    def source(self, doc: str) -> SourceMeta:
        return self.sources.get(doc) or SourceMeta()

    @property
    def empty(self) -> bool:
        return not self.passages

    def document_sentences(self, doc: str) -> Iterator[tuple[SentenceRef, PassageRef]]:
        """A document's sentences in reading order, each once (overlapping passages share some),
        with the passage each is cited from."""
        seen: set[int] = set()
        for p in sorted(self.doc_passages.get(doc, []), key=lambda i: self.passages[i].start):
            for s in self.passage_sentences[p]:
                ref = self.sentences[s]
                if ref.start not in seen and ref.text.strip():
                    seen.add(ref.start)
                    yield ref, self.passages[p]


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
    chunks = _read_all(store.chunks, ["documents", "metadatas", "embeddings"])
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
    # The width comes from the stored vectors: asking the encoder would load the model at start-up.
    dim = len(chunks["embeddings"][order[0]]) if order else 0
    catalog.passage_vectors = (
        np.asarray([chunks["embeddings"][i] for i in order], dtype=np.float32)
        if order
        else np.zeros((0, dim), np.float32)
    )

    # Sentences are stored without their text (`TextlessChroma`): it is cut from the passage.
    sents = _read_all(store.sentences, ["metadatas", "embeddings"])
    keep: list[tuple[int, int, int, int]] = []
    views: list[tuple[int, int, int, int]] = []
    for i, meta in enumerate(sents["metadatas"]):
        passage = by_start.get((str(meta["source"]), int(meta["chunk_start"])))
        if passage is None:
            continue  # a sentence whose passage is gone (interrupted run); never shown
        (views if meta.get("view") else keep).append((passage, int(meta["start"]), int(meta["end"]), i))
    keep.sort()
    vectors = []
    sentence_index: dict[str, int] = {}
    for passage, start, end, i in keep:
        sentence_index[sents["ids"][i]] = len(catalog.sentences)
        catalog.passage_sentences[passage].append(len(catalog.sentences))
        ref = catalog.passages[passage]
        text = ref.text[start - ref.start : end - ref.start]
        catalog.sentences.append(SentenceRef(ref.doc, start, end, text, passage))
        vectors.append(sents["embeddings"][i])
    catalog.sentence_vectors = np.asarray(vectors, dtype=np.float32) if vectors else np.zeros((0, dim), np.float32)
    by_offsets = {(s.passage, s.start, s.end): n for n, s in enumerate(catalog.sentences)} if views else {}
    owned = sorted(
        (owner, i) for passage, start, end, i in views if (owner := by_offsets.get((passage, start, end))) is not None
    )
    for owner, i in owned:
        sentence_index[sents["ids"][i]] = owner  # a view found by the HNSW index stands for its sentence
    catalog.view_sentence = np.array([owner for owner, _ in owned], dtype=np.int64)
    catalog.view_vectors = (
        np.asarray([sents["embeddings"][i] for _, i in owned], dtype=np.float32)
        if owned
        else np.zeros((0, dim), np.float32)
    )
    catalog.view_first = np.searchsorted(catalog.view_sentence, np.arange(len(catalog.sentences) + 1))
    counts = np.array([len(ids) for ids in catalog.passage_sentences], dtype=np.int64)
    catalog.first_sentence = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(counts) else counts
    catalog.sentence_passage = np.array([s.passage for s in catalog.sentences], dtype=np.int64)
    if len(catalog.sentences) >= store.settings.ann_rows:
        catalog.nearest_sentences = NearestSentences(store.sentences, sentence_index)
    catalog.doc_names = sorted(catalog.doc_passages)
    sources = store.read_sources()
    catalog.sources = {name: SourceMeta.from_dict(sources[name]) for name in catalog.doc_names if name in sources}
    doc_number = {name: i for i, name in enumerate(catalog.doc_names)}
    catalog.passage_doc = np.array([doc_number[p.doc] for p in catalog.passages], dtype=np.int64)
    titles = {name: terms(doc_title(name)) for name in catalog.doc_names}
    catalog.sentence_terms = SentenceTerms(catalog.sentences)
    sizes = {"chunks": len(catalog.passages), "sentences": len(catalog.sentences), "docs": len(catalog.doc_names)}
    lexicals, _ = open_lexicals(
        store.settings.index_dir / "bm25" / store.settings.collection_name("chunks"),
        fingerprint(catalog.passages, catalog.sentences, titles),
        sizes,
        lambda: _build_lexicals(catalog, titles),
    )
    catalog.chunks_lexical = lexicals["chunks"]
    catalog.sentences_lexical = lexicals["sentences"]
    catalog.docs_lexical = lexicals["docs"]
    return catalog


def _build_lexicals(catalog: Catalog, titles: dict[str, list[str]]) -> dict[str, Lexical]:
    """BM25 over passages, sentences and documents, each text searched with its document's title."""
    passage_terms = [terms(p.text) for p in catalog.passages]
    # Titles are searched with BM25 but not embedded: a question naming the article matches it,
    # while a long title embedded with every sentence drowns the sentence.
    sentences = catalog.sentences
    return {
        "chunks": Lexical(
            tokenized=[titles[p.doc] + toks for p, toks in zip(catalog.passages, passage_terms, strict=True)]
        ),
        "sentences": Lexical(tokenized=[titles[s.doc] + sentence_terms(sentences, i) for i, s in enumerate(sentences)]),
        "docs": Lexical(
            tokenized=[
                titles[name] + [t for i in catalog.doc_passages[name] for t in passage_terms[i]]
                for name in catalog.doc_names
            ]
        ),
    }
