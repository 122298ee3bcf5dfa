"""The catalog saved beside the index as arrays and one text file, memory-mapped when opened.

Reading every record and vector back from Chroma and making Python objects of them took most of
the time to open a large index and most of the answering process's memory. Instead they are read
from Chroma once per state of the index and written here in catalog order: passages (document,
offsets, page, id, text), sentences (passage, offsets: their text is cut from the passage's), the
further views of some sentences, and the vectors of all three. Opening maps them; a question reads
the rows it needs (`records`).

A state of the index is named by a key made of the collections' names and sizes and the manifest
(which names every indexed file and the hash of its text), so adding, changing or removing a file
gives another key. Folders are written under a temporary name and renamed when complete, and one
is used only when its record names the same key and every file has the size written there; other
states' folders are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.index.store import Store
from qa.retrieve.records import Texts
from qa.retrieve.saved_state import publish

FORMAT = 2
_RECORD = "catalog.json"
_PAGE = 5000
_BLOCK = 65536  # vector rows copied at a time when the sentences are put in catalog order

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Saved:
    """One state of the index as saved: arrays memory-mapped, texts read on demand."""

    digest: str  # of the contents (texts and offsets), for what is built from them (BM25)
    doc_names: list[str]
    passages: np.ndarray  # (n, 4): document number, start, end, page (-1: none)
    passage_texts: Texts
    passage_ids: Texts
    passage_vectors: np.ndarray
    sentences: np.ndarray  # (m, 3): passage, start, end
    sentence_vectors: np.ndarray
    view_sentence: np.ndarray  # the sentence each further view belongs to, sorted
    view_vectors: np.ndarray
    sentence_ids: np.ndarray  # every stored sentence and view id, sorted (bytes)
    sentence_id_rows: np.ndarray  # the sentence each of them stands for

    def rows_of(self, ids: list[str]) -> list[int]:
        """The sentences the given stored ids stand for; ids not in this state are left out."""
        if not ids or not len(self.sentence_ids):
            return []
        wanted = np.array([i.encode() for i in ids], dtype=self.sentence_ids.dtype)
        at = np.minimum(np.searchsorted(self.sentence_ids, wanted), len(self.sentence_ids) - 1)
        found = self.sentence_ids[at] == wanted
        return [int(r) for r in self.sentence_id_rows[at[found]]]


def catalog_key(store: Store) -> str:
    """Names the state of the index: collections, their sizes, and the manifest."""
    settings = store.settings
    digest = hashlib.blake2b(digest_size=16)
    names = [settings.collection_name(kind) for kind in ("chunks", "sentences")]
    digest.update(json.dumps([FORMAT, names, store.chunks.count(), store.sentences.count()]).encode())
    with contextlib.suppress(OSError):
        digest.update(store.manifest_path.read_bytes())
    return digest.hexdigest()


def open_catalog_files(store: Store) -> Saved:
    """This state of the index, mapped from its folder; read from Chroma and saved first if it is
    not there. A folder that cannot be written costs a temporary one."""
    folder = store.settings.index_dir / "catalog" / store.settings.collection_name("chunks")
    key = catalog_key(store)
    target = folder / key
    if target.is_dir() and (saved := _open(target, key)) is not None:
        return saved
    try:
        target = publish(folder, key, lambda tmp: _write(store, tmp, key))
    except OSError as exc:
        log.warning("the catalog could not be saved in %s (%s); using a temporary copy", folder, exc)
        target = Path(tempfile.mkdtemp(prefix="qa-catalog-")) / key
        _write(store, target, key)
    saved = _open(target, key)
    if saved is None:
        raise OSError(f"the catalog saved in {target} cannot be read back")
    return saved


def _pages(collection: Any, include: list[str]) -> Iterator[dict[str, Any]]:
    offset = 0
    while True:
        page = collection.get(include=include, limit=_PAGE, offset=offset)
        if not page["ids"]:
            return
        yield page
        offset += len(page["ids"])
        if len(page["ids"]) < _PAGE:
            return


def _write_texts(path: Path, texts: list[str]) -> None:
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    with path.with_suffix(".bin").open("wb") as out:
        for i, text in enumerate(texts):
            data = text.encode("utf-8", "surrogatepass")
            out.write(data)
            offsets[i + 1] = offsets[i] + len(data)
    np.save(path.with_suffix(".npy"), offsets)


def _write(store: Store, folder: Path, key: str) -> None:
    """Read this state of the index from Chroma and save it in catalog order (see the module doc)."""
    folder.mkdir(parents=True)
    ids: list[str] = []
    metas: list[dict[str, Any]] = []
    texts: list[str] = []
    vectors: list[np.ndarray] = []
    for page in _pages(store.chunks, ["documents", "metadatas", "embeddings"]):
        ids.extend(page["ids"])
        metas.extend(page["metadatas"])
        texts.extend(page["documents"])
        vectors.extend(np.asarray(page["embeddings"], dtype=np.float32))
    where = [(str(m["source"]), int(m["start"])) for m in metas]
    order = sorted(range(len(ids)), key=where.__getitem__)
    doc_names = sorted({str(m["source"]) for m in metas})
    number = {name: i for i, name in enumerate(doc_names)}
    rows = [
        (number[str(m["source"])], int(m["start"]), int(m["end"]), -1 if m.get("page") is None else int(m["page"]))
        for m in (metas[i] for i in order)
    ]
    passages = np.array(rows, dtype=np.int64) if rows else np.zeros((0, 4), np.int64)
    np.save(folder / "passages.npy", passages)
    _write_texts(folder / "passage_text", [texts[i] for i in order])
    _write_texts(folder / "passage_ids", [ids[i] for i in order])
    # The width comes from the stored vectors: asking the encoder would load the model at start-up.
    dim = len(vectors[0]) if vectors else 0
    kept = np.asarray([vectors[i] for i in order], np.float32) if order else np.zeros((0, dim), np.float32)
    np.save(folder / "passage_vectors.npy", kept)
    by_start = {where[i]: row for row, i in enumerate(order)}
    del ids, metas, texts, vectors, where
    sentence_rows = _write_sentences(store, folder, by_start, dim)
    digest = hashlib.blake2b(digest_size=20)
    digest.update(json.dumps(doc_names).encode())
    for name in ("passages.npy", "passage_text.bin", "passage_text.npy", "sentences.npy"):
        with (folder / name).open("rb") as handle:
            while block := handle.read(1 << 22):
                digest.update(block)
    record = {
        "format": FORMAT,
        "key": key,
        "digest": digest.hexdigest(),
        "docs": doc_names,
        "sentences": sentence_rows,
        "files": {p.name: p.stat().st_size for p in sorted(folder.iterdir())},
    }
    (folder / _RECORD).write_text(json.dumps(record))  # last: a folder without it is never used


def _write_sentences(store: Store, folder: Path, by_start: dict[tuple[str, int], int], dim: int) -> int:
    """Sentences and their views, read page by page (their vectors go to disk as they come, so a
    million of them never sit in memory), then put in catalog order. Returns the sentence count."""
    keys: list[tuple[int, int, int, int]] = []  # passage, start, end, 1 for a view
    ids: list[str] = []
    raw_path = folder / "vectors.raw"
    with raw_path.open("wb") as raw:
        for page in _pages(store.sentences, ["metadatas", "embeddings"]) if by_start else ():
            page_vectors = np.asarray(page["embeddings"], dtype=np.float32).reshape(-1, dim)
            kept = []
            for j, meta in enumerate(page["metadatas"]):
                passage = by_start.get((str(meta["source"]), int(meta["chunk_start"])))
                if passage is None:
                    continue  # a sentence whose passage is gone (interrupted run); never shown
                keys.append((passage, int(meta["start"]), int(meta["end"]), 1 if meta.get("view") else 0))
                kept.append(j)
                ids.append(page["ids"][j])
            raw.write(page_vectors[kept].tobytes())
    table = np.array(keys, dtype=np.int64).reshape(-1, 4)
    raw_vectors = np.memmap(raw_path, dtype=np.float32, mode="r", shape=(len(table), dim)) if len(table) else None
    arrival = np.arange(len(table))
    own = np.flatnonzero(table[:, 3] == 0)
    # Sentences by passage and offsets (ties in the order they were read).
    own = own[np.lexsort((arrival[own], table[own, 2], table[own, 1], table[own, 0]))]
    sentences = table[own, :3]
    row_of = {tuple(int(x) for x in sentences[r]): r for r in range(len(sentences))}
    views = np.flatnonzero(table[:, 3] == 1)
    owners = np.array([row_of.get(tuple(int(x) for x in table[v, :3]), -1) for v in views], dtype=np.int64)
    views, owners = views[owners >= 0], owners[owners >= 0]
    by_owner = np.lexsort((views, owners))
    views, owners = views[by_owner], owners[by_owner]
    np.save(folder / "sentences.npy", sentences)
    np.save(folder / "view_sentence.npy", owners)
    # Each stored id and the sentence it stands for (a view: its sentence), sorted by id, so the
    # HNSW search's ids are found without asking Chroma for their metadata (slow) or holding a dict.
    stands_for = np.full(len(table), -1, dtype=np.int64)
    stands_for[own] = np.arange(len(own))
    stands_for[views] = owners
    named = np.flatnonzero(stands_for >= 0)
    id_bytes = np.array([ids[i].encode() for i in named], dtype=f"S{max((len(i) for i in ids), default=1)}")
    by_id = np.argsort(id_bytes, kind="stable")
    np.save(folder / "sentence_ids.npy", id_bytes[by_id])
    np.save(folder / "sentence_id_rows.npy", stands_for[named][by_id])
    for name, rows in (("sentence_vectors.npy", own), ("view_vectors.npy", views)):
        out = np.lib.format.open_memmap(folder / name, mode="w+", dtype=np.float32, shape=(len(rows), dim))
        for a in range(0, len(rows), _BLOCK):
            assert raw_vectors is not None
            out[a : a + _BLOCK] = raw_vectors[rows[a : a + _BLOCK]]
        out.flush()
        del out
    del raw_vectors
    raw_path.unlink()
    return len(sentences)


def _array(path: Path) -> np.ndarray:
    array = np.load(path, mmap_mode="r")
    return np.asarray(array) if array.size == 0 else array


def _open(folder: Path, key: str) -> Saved | None:
    """The saved state, mapped; None unless the folder is complete and of this key."""
    try:
        record = json.loads((folder / _RECORD).read_text())
        if record.get("format") != FORMAT or record.get("key") != key:
            return None
        sizes = {p.name: p.stat().st_size for p in sorted(folder.iterdir()) if p.name != _RECORD}
        if sizes != record.get("files"):
            log.warning("the catalog saved in %s is damaged: read again from the index", folder)
            return None

        def texts(name: str) -> Texts:
            bin_ = folder / f"{name}.bin"
            buffer = np.memmap(bin_, dtype=np.uint8, mode="r") if bin_.stat().st_size else np.zeros(0, np.uint8)
            return Texts(buffer, np.load(folder / f"{name}.npy"))

        saved = Saved(
            digest=str(record["digest"]),
            doc_names=[str(d) for d in record["docs"]],
            passages=np.load(folder / "passages.npy"),
            passage_texts=texts("passage_text"),
            passage_ids=texts("passage_ids"),
            passage_vectors=_array(folder / "passage_vectors.npy"),
            sentences=_array(folder / "sentences.npy"),
            sentence_vectors=_array(folder / "sentence_vectors.npy"),
            view_sentence=np.load(folder / "view_sentence.npy"),
            view_vectors=_array(folder / "view_vectors.npy"),
            sentence_ids=_array(folder / "sentence_ids.npy"),
            sentence_id_rows=_array(folder / "sentence_id_rows.npy"),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("the catalog saved in %s cannot be read (%s): read again from the index", folder, exc)
        return None
    n, m = len(saved.passages), len(saved.sentences)
    if len(saved.passage_texts) != n or len(saved.sentence_vectors) != m or record.get("sentences") != m:
        return None
    return saved
