"""Passage and sentence records read on demand from the catalog's files, not held as objects.

A large index has hundreds of thousands of passages and a million sentences; a question reads a
few hundred of them. The records are kept as arrays (offsets, documents) and one UTF-8 text file,
all memory-mapped (`catalog_files`), and a record is made when asked for. The most recent ones are
kept (an LRU), since one answer reads the same sentences many times.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar, overload

import numpy as np

T = TypeVar("T")
_RECENT = 8192  # records of each kind kept made; a question reads a few hundred


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


class Texts:
    """Texts stored one after another in a UTF-8 buffer: text i is bytes [offsets[i], offsets[i+1])."""

    def __init__(self, buffer: Any, offsets: np.ndarray) -> None:
        self._buffer = buffer
        self._offsets = offsets

    def __len__(self) -> int:
        return max(len(self._offsets) - 1, 0)

    def __getitem__(self, i: int) -> str:
        a, b = int(self._offsets[i]), int(self._offsets[i + 1])
        return bytes(self._buffer[a:b]).decode("utf-8", "surrogatepass")


class _Records(Sequence[T], Generic[T]):
    """A sequence whose items are made on demand and the recent ones kept."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._made = lru_cache(maxsize=_RECENT)(self._make)

    def _make(self, i: int) -> T:
        raise NotImplementedError

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...
    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return [self._made(j) for j in range(*i.indices(self._size))]
        i = int(i)
        if i < 0:
            i += self._size
        if not 0 <= i < self._size:
            raise IndexError(i)
        return self._made(i)


class PassageRecords(_Records[PassageRef]):
    """Passages in catalog order. `table` rows: document number, start, end, page (-1: none)."""

    def __init__(self, table: np.ndarray, texts: Texts, ids: Texts, doc_names: Sequence[str]) -> None:
        super().__init__(len(table))
        self.table = table
        self.texts = texts
        self._ids = ids
        self.doc_names = doc_names

    def _make(self, i: int) -> PassageRef:
        doc, start, end, page = (int(x) for x in self.table[i])
        return PassageRef(self._ids[i], self.doc_names[doc], start, end, self.texts[i], page if page >= 0 else None)


class SentenceRecords(_Records[SentenceRef]):
    """Sentences in catalog order. `table` rows: passage, start, end; the text is cut from the
    passage's (sentences are stored without one)."""

    def __init__(self, table: np.ndarray, passages: PassageRecords) -> None:
        super().__init__(len(table))
        self.table = table
        self._passages = passages

    def _make(self, i: int) -> SentenceRef:
        passage, start, end = (int(x) for x in self.table[i])
        ref = self._passages[passage]
        return SentenceRef(ref.doc, start, end, ref.text[start - ref.start : end - ref.start], passage)

    def __iter__(self) -> Iterator[SentenceRef]:
        """Every sentence, each passage's text read once (a whole scan does not go through the LRU)."""
        table = self.table
        passages = self._passages
        i = 0
        while i < self._size:
            p = int(table[i, 0])
            doc, first = int(passages.table[p, 0]), int(passages.table[p, 1])
            text = passages.texts[p]
            name = passages.doc_names[doc]
            while i < self._size and int(table[i, 0]) == p:
                start, end = int(table[i, 1]), int(table[i, 2])
                yield SentenceRef(name, start, end, text[start - first : end - first], p)
                i += 1


def read_rows(vectors: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """`vectors[rows]` for rows given in ascending runs (a question's candidate sentences: whole
    passages). From a mapped file each run is read with one `pread` instead of through the
    mapping, whose page faults map the pages around each row too: a few hundred rows a question
    brought most of a large file into the process's memory."""
    if not isinstance(vectors, np.memmap) or vectors.filename is None or not len(rows):
        return np.asarray(vectors[rows])
    out = np.empty((len(rows), vectors.shape[1]), dtype=vectors.dtype)
    width = vectors.shape[1] * vectors.dtype.itemsize
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    starts = np.concatenate([[0], breaks])
    ends = np.concatenate([breaks, [len(rows)]])
    path = str(vectors.filename)
    try:
        fd = _descriptor(path, os.stat(path).st_ino)
    except FileNotFoundError:  # a newer state replaced this one's folder: the mapping still reads it
        return np.asarray(vectors[rows])
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        data = os.pread(fd, (b - a) * width, vectors.offset + int(rows[a]) * width)
        if len(data) != (b - a) * width:
            raise OSError(f"short read from {path}")
        out[a:b] = np.frombuffer(data, dtype=vectors.dtype).reshape(b - a, -1)
    return out


@lru_cache(maxsize=16)
def _descriptor(path: str, inode: int) -> int:
    """One read-only descriptor per saved vector file (a path and its inode), kept open."""
    return os.open(path, os.O_RDONLY)


class PassageSentences(Sequence[list[int]]):
    """`[p]`: the sentence rows of passage p (a passage owns a contiguous range)."""

    def __init__(self, first: np.ndarray, total: int) -> None:
        self._bounds = np.append(first, total)

    def __len__(self) -> int:
        return len(self._bounds) - 1

    @overload
    def __getitem__(self, p: int) -> list[int]: ...
    @overload
    def __getitem__(self, p: slice) -> list[list[int]]: ...
    def __getitem__(self, p: int | slice) -> list[int] | list[list[int]]:
        if isinstance(p, slice):
            return [self[j] for j in range(*p.indices(len(self)))]
        p = int(p)
        if p < 0:
            p += len(self)
        if not 0 <= p < len(self):
            raise IndexError(p)
        return list(range(int(self._bounds[p]), int(self._bounds[p + 1])))
