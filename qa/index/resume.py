"""Large files are indexed in pieces, each committed on its own, so an interrupted run resumes at
the first piece it had not committed instead of embedding the whole file again.

A file's passages are cut, in order, into pieces of about `index_batch_size` texts (passages
and sentences). A note in the index folder says, per file being indexed, which
version of it (content digest and piece size), from when (the record managers' clock when the
file was started) and how many pieces are committed. A later run over the same version skips those
pieces and goes on from there; another version (or another piece size) starts the file afresh.

Rows of the file's previous version are removed only once its last piece is stored (the records
of that file not written or refreshed since the file was started), then the file is entered in the
manifest and its note dropped. Until then the previous version's rows stay: a file being indexed
never loses what was searchable of it before. The steps only ever add rows of the version being
indexed, so a run killed anywhere leaves rows that the next run reuses or removes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.index.store import Store
from qa.schema import Chunk


@dataclass
class FileRun:
    """One version of a file being indexed: when it was started (None until its first piece is
    stored; older rows of the file are its previous version's) and its piece size."""

    name: str
    digest: str
    texts: int
    since: float | None = None


@dataclass
class Piece:
    """Consecutive passages of one file, indexed and committed together."""

    run: FileRun
    size: float  # the file's bytes this piece stands for (progress)
    chunks: list[Chunk]
    number: int
    pieces: int

    @property
    def name(self) -> str:
        return self.run.name

    @property
    def last(self) -> bool:
        return self.number == self.pieces - 1


def texts_of(chunk: Chunk) -> int:
    """Texts a passage is stored as, quotation frames aside: itself and its sentences."""
    return 1 + len(chunk.sentences)


def cut(chunks: list[Chunk], texts: int) -> list[list[Chunk]]:
    """The passages in order, in pieces of at least `texts` texts (the last one may hold fewer);
    one piece for a file that is not larger than that."""
    pieces: list[list[Chunk]] = [[]]
    held = 0
    for chunk in chunks:
        if held >= texts:
            pieces.append([])
            held = 0
        pieces[-1].append(chunk)
        held += texts_of(chunk)
    return pieces


def _path(store: Store) -> Path:
    return store.settings.index_dir / f"progress-{store.settings.collection_name('chunks')}.json"


def _read(store: Store) -> dict[str, Any]:
    try:
        notes = json.loads(_path(store).read_text())
    except (OSError, ValueError):
        return {}
    return notes if isinstance(notes, dict) else {}


def _write(store: Store, notes: dict[str, Any]) -> None:
    path = _path(store)
    if not notes:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(notes, indent=1, sort_keys=True))
    os.replace(tmp, path)  # a crash leaves the old note or the new one


def plan(store: Store, name: str, digest: str, size: int, chunks: list[Chunk], texts: int) -> list[Piece]:
    """The pieces of a file still to be indexed: all of them, or those after the ones a run over
    the same version of the file committed."""
    parts = cut(chunks, texts)
    note = _read(store).get(name)
    run, done = FileRun(name, digest, texts), 0
    if isinstance(note, dict) and note.get("digest") == digest and note.get("texts") == texts:
        run.since, done = float(note["since"]), int(note["done"])
    total = sum(len(c.text) for c in chunks) or 1
    return [
        Piece(run, size * sum(len(c.text) for c in part) / total, part, i, len(parts))
        for i, part in enumerate(parts)
        if i >= min(done, len(parts) - 1)  # the last piece is always stored: it completes the file
    ]


def starting(store: Store, pieces: list[Piece]) -> None:
    """Before pieces are stored: note each file not started yet as started now."""
    notes = _read(store)
    for piece in pieces:
        if piece.run.since is None:
            piece.run.since = store.kinds["chunks"].records.get_time()
            notes[piece.name] = {
                "digest": piece.run.digest,
                "texts": piece.run.texts,
                "since": piece.run.since,
                "done": 0,
            }
            _write(store, notes)


def committed(store: Store, pieces: list[Piece]) -> list[Piece]:
    """Note stored pieces; for a file's last one, drop the rows of its previous version. Returns
    the pieces that completed their file: the caller enters those in the manifest, then calls
    `finished` (a crash between the two only means the last piece is stored again)."""
    notes = _read(store)
    complete = []
    for piece in pieces:
        if piece.last:
            assert piece.run.since is not None
            drop_older(store, piece.name, piece.run.since)
            complete.append(piece)
        else:
            notes[piece.name] = {**notes.get(piece.name, {}), "done": piece.number + 1}
    _write(store, notes)
    return complete


def finished(store: Store, names: list[str]) -> None:
    """Drop the notes of files now in the manifest, or whose rows were removed."""
    notes = _read(store)
    if [name for name in names if notes.pop(name, None) is not None]:
        _write(store, notes)


def drop_older(store: Store, name: str, since: float) -> int:
    """Remove a file's records neither written nor refreshed since `since`."""
    removed = 0
    for kinds in store.kinds.values():
        while keys := kinds.records.list_keys(group_ids=[name], before=since, limit=1000):
            kinds.vectorstore.delete(ids=keys)
            kinds.records.delete_keys(keys)
            removed += len(keys)
    return removed


def started_files(store: Store) -> set[str]:
    """Files some run started and did not finish (their rows may be in the index)."""
    return set(_read(store))
