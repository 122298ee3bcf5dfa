"""LangChain's Chroma view for records stored without their text (imported only when writing)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from langchain_chroma import Chroma


class TextlessChroma(Chroma):
    """Stores ids, vectors and metadata; the text is left out.

    A sentence's text is the slice of its passage between its offsets (the catalog cuts it out
    there). Chroma's embedded store puts every stored text into a full-text index that nothing
    here queries (BM25 is ours) and that local collections cannot switch off: on 3,000 records
    `upsert` took 4.7 s with texts and 2.4 s without, holding the GIL all the while, so the index
    writer stalled the encoder for it.
    """

    def add_texts(
        self,
        texts: Iterable[str],
        metadatas: list[dict[Any, Any]] | None = None,
        ids: list[str] | None = None,
        **kwargs: Any,
    ) -> list[str]:
        texts = list(texts)
        if ids is None or len(ids) != len(texts) or None in ids:
            raise ValueError("records without text are written with their ids (through the record manager)")
        if self._embedding_function is None:
            raise ValueError("records without text need the embedding function")
        embeddings = self._embedding_function.embed_documents(texts)
        self._collection.upsert(ids=ids, embeddings=embeddings, metadatas=metadatas or None)  # type: ignore[arg-type]
        return ids
