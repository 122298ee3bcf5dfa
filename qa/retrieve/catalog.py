"""The view of the index that retrieval scores against: passages, their sentences, vectors, BM25.

Nothing is copied into the process: the records and vectors are saved beside the index and
memory-mapped (`catalog_files`), records are made when read (`records`), and BM25 is saved and
mapped too (`lexical_cache`). Dense candidates come from Chroma's HNSW index over the sentence
vectors (`NearestSentences`), whatever the size of the index.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qa.index.store import Store
from qa.ingest.load import doc_title
from qa.retrieve.catalog_files import open_catalog_files
from qa.retrieve.lexical import Lexical, terms
from qa.retrieve.lexical_cache import fingerprint, open_lexicals
from qa.retrieve.records import PassageRecords, PassageRef, PassageSentences, SentenceRecords, SentenceRef
from qa.retrieve.sentence_terms import SentenceTerms, sentence_terms
from qa.schema import SourceMeta

__all__ = ["Catalog", "Nearest", "NearestSentences", "PassageRef", "SentenceRef", "load_catalog"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Nearest:
    """Sentences near a question, and the cosine no other sentence exceeds."""

    sentences: np.ndarray
    ceiling: float


class NearestSentences:
    """Chroma's HNSW index over the sentence vectors: the n nearest sentences to a question.

    Results are found in the catalog by their ids (a quoting sentence's frame stands for its
    sentence); see `hybrid.signals` for how ranking stays exact.
    """

    def __init__(self, collection: Any, rows_of: Callable[[list[str]], list[int]]) -> None:
        self._collection = collection
        self._rows_of = rows_of

    def __call__(self, vector: np.ndarray, n: int) -> Nearest | None:
        """The n nearest sentences; None when Chroma cannot answer."""
        try:
            found = self._collection.query(query_embeddings=[vector], n_results=n, include=["distances"])
        except Exception as exc:  # a stopped Chroma server: the exact scan answers from the saved vectors
            log.warning("nearest-sentence search failed (%s); scanning every sentence", exc)
            return None
        ids, distances = found["ids"][0], found["distances"][0]
        known = self._rows_of(ids)  # not one indexed after this catalog
        # Cosine space: distance = 1 - cosine. Fewer than n back means every sentence came back.
        ceiling = 1.0 - float(distances[-1]) if len(ids) >= n else -1.0
        return Nearest(np.array(known, dtype=np.int64), ceiling)


def _empty_passages() -> Sequence[PassageRef]:
    return []


def _empty_sentences() -> Sequence[SentenceRef]:
    return []


@dataclass
class Catalog:
    """Everything retrieval scores against, opened again whenever the index changes."""

    passages: Sequence[PassageRef] = field(default_factory=_empty_passages)
    sentences: Sequence[SentenceRef] = field(default_factory=_empty_sentences)
    passage_sentences: Sequence[list[int]] = field(default_factory=list)
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
    chunks_lexical: Lexical = field(default_factory=lambda: Lexical([]))
    sentences_lexical: Lexical = field(default_factory=lambda: Lexical([]))
    doc_passages: dict[str, list[int]] = field(default_factory=dict)
    sentence_passage: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    # The sentences stored ids stand for (a quoting sentence's frame: its sentence); ids of rows
    # stored after this catalog was opened are left out.
    rows_of_ids: Callable[[list[str]], list[int]] = field(default=lambda ids: [])
    # Approximate nearest sentences (Chroma's HNSW), checked exactly afterwards; None when empty.
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


def load_catalog(store: Store) -> Catalog:
    """Open the saved catalog of this state of the index (saved first if it is not yet)."""
    saved = open_catalog_files(store)
    doc_names = saved.doc_names
    passages = PassageRecords(saved.passages, saved.passage_texts, saved.passage_ids, doc_names)
    sentences = SentenceRecords(saved.sentences, passages)
    catalog = Catalog(passages=passages, sentences=sentences, doc_names=doc_names)
    catalog.passage_doc = np.ascontiguousarray(saved.passages[:, 0])
    catalog.passage_vectors = saved.passage_vectors
    catalog.sentence_vectors = saved.sentence_vectors
    catalog.sentence_passage = np.ascontiguousarray(saved.sentences[:, 0])
    catalog.first_sentence = np.searchsorted(catalog.sentence_passage, np.arange(len(passages)))
    catalog.passage_sentences = PassageSentences(catalog.first_sentence, len(sentences))
    bounds = np.searchsorted(catalog.passage_doc, np.arange(len(doc_names) + 1))
    catalog.doc_passages = {name: list(range(bounds[i], bounds[i + 1])) for i, name in enumerate(doc_names)}
    catalog.view_sentence = saved.view_sentence
    catalog.view_vectors = saved.view_vectors
    catalog.view_first = np.searchsorted(catalog.view_sentence, np.arange(len(sentences) + 1))
    catalog.rows_of_ids = saved.rows_of
    if len(sentences):
        catalog.nearest_sentences = NearestSentences(store.sentences, saved.rows_of)
    sources = store.read_sources()
    catalog.sources = {name: SourceMeta.from_dict(sources[name]) for name in doc_names if name in sources}
    titles = {name: terms(doc_title(name)) for name in doc_names}
    catalog.sentence_terms = SentenceTerms(catalog.sentences)
    sizes = {"chunks": len(passages), "sentences": len(sentences), "docs": len(doc_names)}
    lexicals, _ = open_lexicals(
        store.settings.index_dir / "bm25" / store.settings.collection_name("chunks"),
        fingerprint(saved.digest, titles),
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
