"""How often Chroma rewrites a collection's HNSW files: every `HNSW_SYNC_THRESHOLD` vectors added,
not every 1,000 (Chroma's default), since each write is the whole index; and nothing added in
between is lost to a process that opens the index afterwards (Chroma's log holds it)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from qa.config import Settings
from qa.index.store import HNSW_SYNC_THRESHOLD, _hnsw_settings
from qa.service import QAService

# Collection folders of Chroma's HNSW segments hold this file from their first write on.
WRITTEN = "index_metadata.pickle"


def _vectors(n: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((n, 384)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _add(collection, vectors: np.ndarray, prefix: str) -> None:  # type: ignore[no-untyped-def]
    for i in range(0, len(vectors), 500):
        batch = vectors[i : i + 500]
        ids = [f"{prefix}-{i + j}" for j in range(len(batch))]
        collection.add(ids=ids, embeddings=batch, metadatas=[{"source": "bulk.txt"}] * len(batch))


def _written(index: Path, collection_id: str) -> bool:
    return (index / collection_id / WRITTEN).is_file()


def _segment_folder(index: Path, collection) -> str:  # type: ignore[no-untyped-def]
    """The folder of the collection's HNSW segment (Chroma names it by segment id, not collection)."""
    import sqlite3

    with sqlite3.connect(index / "chroma.sqlite3") as db:
        row = db.execute(
            "SELECT id FROM segments WHERE collection = ? AND scope = 'VECTOR'", (str(collection.id),)
        ).fetchone()
    return str(row[0])


def test_vectors_are_written_every_few_thousand_and_reach_a_new_process(fresh: Callable[..., QAService]) -> None:
    service = fresh()
    index = service.settings.index_dir
    sentences = service.store.sentences
    assert sentences.configuration_json["hnsw"]["sync_threshold"] == HNSW_SYNC_THRESHOLD > 1000
    # A collection with Chroma's default beside it, given the same vectors: it writes its files
    # at 1,000 vectors; ours not before HNSW_SYNC_THRESHOLD.
    default = service.store.client.create_collection("chroma-default", configuration={"hnsw": {"space": "cosine"}})
    added = HNSW_SYNC_THRESHOLD // 2
    vectors = _vectors(added, seed=1)
    _add(sentences, vectors, "s")
    _add(default, vectors, "d")
    assert _written(index, _segment_folder(index, default))
    assert not _written(index, _segment_folder(index, sentences))

    # Another process opening the index finds every vector: the last one added is its own nearest.
    probe = """
import numpy as np, sys
from qa.config import Settings
from qa.service import QAService
service = QAService(Settings(corpus_dir=sys.argv[1], index_dir=sys.argv[2]))
vector = np.array([float(x) for x in sys.argv[3].split(",")], dtype=np.float32)
found = service.store.sentences.query(query_embeddings=[vector], n_results=1, include=["distances"])
print(service.store.sentences.count(), found["ids"][0][0], abs(round(found["distances"][0][0], 4)))
"""
    last = ",".join(repr(float(x)) for x in vectors[-1])
    out = subprocess.run(
        [sys.executable, "-c", probe, str(service.settings.corpus_dir), str(index), last],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [str(added), f"s-{added - 1}", "0.0"]

    # Past the threshold, the files are written.
    _add(sentences, _vectors(HNSW_SYNC_THRESHOLD - added, seed=2), "t")
    assert _written(index, _segment_folder(index, sentences))


def test_an_index_made_with_the_default_gets_the_interval_when_opened(tmp_path: Path) -> None:
    # The old index is made by a process of its own, as it would have been: no other client of it
    # is open in this one when it is opened again.
    maker = """
import sys
from qa.config import Settings
from qa.service import QAService
service = QAService(Settings(corpus_dir=sys.argv[1], index_dir=sys.argv[2]))
for kind in service.store.kinds.values():
    kind.collection.modify(configuration={"hnsw": {"sync_threshold": 1000}})
print(sorted(k.collection.configuration_json["hnsw"]["sync_threshold"] for k in service.store.kinds.values()))
"""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    made = subprocess.run([sys.executable, "-c", maker, str(corpus), str(index)], capture_output=True, text=True)
    assert made.stdout.strip().splitlines()[-1:] == ["[1000, 1000]"], made.stderr[-2000:]
    reopened = QAService(Settings(corpus_dir=corpus, index_dir=index))
    for kind in reopened.store.kinds.values():
        assert kind.collection.configuration_json["hnsw"]["sync_threshold"] == HNSW_SYNC_THRESHOLD


LOCKED = "Database error: error returned from database: (code: 5) database is locked"


def _locked_first(collection, times: int):  # type: ignore[no-untyped-def]
    """The collection's settings change failing `times` times as Chroma reports another write
    holding the database (it does not wait for the lock itself), then going through."""
    real, calls = collection.modify, []

    def modify(**kwargs: object) -> None:
        calls.append(kwargs)
        if len(calls) <= times:
            raise RuntimeError(LOCKED)
        real(**kwargs)

    collection.modify = modify
    return calls


def test_a_settings_change_waits_out_a_brief_lock(fresh: Callable[..., QAService]) -> None:
    collection = fresh().store.sentences
    collection.modify(configuration={"hnsw": {"sync_threshold": 1000}})
    calls = _locked_first(collection, 2)
    _hnsw_settings(collection, collection.configuration_json["hnsw"]["ef_search"])
    assert len(calls) == 3
    assert collection.configuration_json["hnsw"]["sync_threshold"] == HNSW_SYNC_THRESHOLD


def test_a_lock_held_throughout_leaves_the_index_usable_and_says_so(
    fresh: Callable[..., QAService], caplog: pytest.LogCaptureFixture
) -> None:
    collection = fresh().store.sentences
    collection.modify(configuration={"hnsw": {"sync_threshold": 1000}})
    calls = _locked_first(collection, 100)
    _hnsw_settings(collection, collection.configuration_json["hnsw"]["ef_search"])
    assert 2 < len(calls) < 10  # tried again a few times, for about two seconds, then left
    assert "set at the next open" in caplog.text
    assert collection.configuration_json["hnsw"]["sync_threshold"] == 1000
    assert fresh().store.sentences.configuration_json["hnsw"]["sync_threshold"] == HNSW_SYNC_THRESHOLD
