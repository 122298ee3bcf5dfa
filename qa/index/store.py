"""Chroma collections (embedded or client/server) plus the record managers that keep them exact."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import chromadb
import httpx
from chromadb.api import ClientAPI
from chromadb.api.collection_configuration import UpdateHNSWConfiguration
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings

from qa.config import Settings
from qa.index.embeddings import Encoder

if TYPE_CHECKING:
    from langchain_chroma import Chroma
    from langchain_classic.indexes import SQLRecordManager

KINDS = ("chunks", "sentences")

log = logging.getLogger(__name__)


class StoreUnavailable(RuntimeError):
    """The vector store cannot be reached; the message says where and what to do."""


@contextmanager
def reachable(settings: Settings) -> Iterator[None]:
    """A lost connection to the Chroma server becomes StoreUnavailable, saying what to do.

    Nothing is cached per connection: once the server answers again, the next call just works.
    """
    try:
        yield
    except httpx.TransportError as exc:
        if not settings.chroma_url:
            raise
        port = urlparse(settings.chroma_url).port or 8000
        raise StoreUnavailable(
            f"the Chroma server at {settings.chroma_url} is not answering ({exc}). "
            f"Start it again (`chroma run --path DIR --host 127.0.0.1 --port {port}`, same folder) and retry; "
            "files not yet indexed are picked up then."
        ) from exc


def make_client(settings: Settings) -> ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise StoreUnavailable(f"QA_CHROMA_URL {settings.chroma_url!r} is not a URL")
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or 8000,
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises several types for a refused connection
            raise StoreUnavailable(
                f"cannot reach the Chroma server at {settings.chroma_url}: {exc}. "
                f"Start it with `chroma run --path DIR --host 127.0.0.1 --port {url.port or 8000}`."
            ) from exc
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)


class Collections:
    """One kind of record (passages or sentences): raw collection, LangChain view, records.

    The LangChain view and the record manager are made on first use: answering questions only
    reads the raw collection, and their imports cost seconds at start-up.
    """

    def __init__(self, kind: str, name: str, collection: Collection, store: Store) -> None:
        self.kind = kind
        self.name = name
        self.collection = collection
        self._store = store

    @cached_property
    def vectorstore(self) -> Chroma:
        from langchain_chroma import Chroma

        from qa.index.textless import TextlessChroma

        view = Chroma if self.kind == "chunks" else TextlessChroma  # a sentence's text is its passage's
        return view(client=self._store.client, collection_name=self.name, embedding_function=self._store.encoder)

    @cached_property
    def records(self) -> SQLRecordManager:
        from langchain_classic.indexes import SQLRecordManager

        settings = self._store.settings
        namespace = f"{'server' if settings.chroma_url else 'local'}/{self.name}"
        records = SQLRecordManager(namespace, db_url=self._store.db_url)
        records.create_schema()
        return records


# Chroma writes a collection's whole HNSW index (vectors, graph, id map) to disk each time
# `sync_threshold` vectors have been added since the last write (its default: 1,000). The cost of
# a write grows with the index: at a million sentence vectors it is ~1.9 GB, so the default had
# an ingest into a large index rewrite that every few files. Vectors not yet written are safe in
# Chroma's log and are put back into the HNSW index by each process that opens the collection,
# so a larger value costs more work at start (at most this many vectors per collection; at a
# million vectors, a first read that put back 26,867 took 15.8 s with loading and writing the
# index, so 5,000 is an estimated 1-2 s), against a rewrite five times less often (bench/RESULTS.md).
HNSW_SYNC_THRESHOLD = 5_000

# Pauses (seconds) before setting them again while another write holds the database (about 2 s in all).
_LOCKED_WAITS = (0.05, 0.1, 0.2, 0.5, 1.0)


def _hnsw_settings(collection: Collection, ef: int) -> None:
    """Set the HNSW search breadth (ef_search) and write interval (`HNSW_SYNC_THRESHOLD`) of a
    collection made with other values (an index made before they were chosen). Chroma reads them
    when it first loads the collection's HNSW index in a process, which the app does only after
    opening the store: a process, or a Chroma server, that has it loaded keeps the old values
    until it is started again."""
    hnsw = (collection.configuration_json or {}).get("hnsw") or {}
    changes = UpdateHNSWConfiguration()
    if hnsw.get("ef_search") != ef:
        changes["ef_search"] = ef
    if hnsw.get("sync_threshold") != HNSW_SYNC_THRESHOLD:
        changes["sync_threshold"] = HNSW_SYNC_THRESHOLD
    if not changes:
        return
    for wait in (*_LOCKED_WAITS, None):
        try:
            collection.modify(configuration={"hnsw": changes})
            return
        except Exception as exc:  # another writer of the index: opening it must not fail for this
            if wait is not None and "locked" in str(exc):
                time.sleep(wait)  # Chroma does not wait for a lock itself; another write ends in moments
                continue
            log.warning(
                "could not set %s on the HNSW index of %s (%s); set at the next open", changes, collection.name, exc
            )
            return


class Store:
    """Everything persistent: collections tied to the model name, records, and a file manifest."""

    def __init__(self, settings: Settings, encoder: Encoder) -> None:
        self.settings = settings
        self.encoder = encoder
        self.client = make_client(settings)
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        self.db_url = f"sqlite:///{settings.index_dir.resolve() / 'records.sqlite'}"
        self.kinds: dict[str, Collections] = {}
        for kind in KINDS:
            name = settings.collection_name(kind)
            try:
                collection = self.client.get_or_create_collection(
                    name,
                    embedding_function=encoder.chroma_function(),  # type: ignore[arg-type]
                    configuration={
                        "hnsw": {
                            "space": "cosine",
                            "ef_search": settings.ann_ef,
                            "sync_threshold": HNSW_SYNC_THRESHOLD,
                        }
                    },
                    metadata={"model": settings.model, "kind": kind},
                )
                _hnsw_settings(collection, settings.ann_ef)
            except Exception as exc:
                raise StoreUnavailable(f"cannot open the Chroma collection {name}: {exc}") from exc
            self.kinds[kind] = Collections(kind, name, collection, self)
        self.manifest_path = settings.index_dir / f"manifest-{settings.collection_name('chunks')}.json"

    @property
    def chunks(self) -> Collection:
        return self.kinds["chunks"].collection

    @property
    def sentences(self) -> Collection:
        return self.kinds["sentences"].collection

    def read_manifest(self) -> dict[str, Any]:
        try:
            data = json.loads(self.manifest_path.read_text())
        except (OSError, ValueError):
            return {"config": None, "files": {}}
        if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
            return {"config": None, "files": {}}
        return data

    def read_sources(self) -> dict[str, dict[str, str]]:
        """Each indexed file's metadata (`SourceMeta.to_dict()`) and the hash of its text
        (`text_sha256`), as the manifest records them."""
        sources = self.read_manifest().get("sources")
        if not isinstance(sources, dict):
            return {}
        return {k: v for k, v in sources.items() if isinstance(k, str) and isinstance(v, dict)}

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Atomic replace, so a crash leaves the old manifest or the new one, never half."""
        tmp = self.manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True))
        os.replace(tmp, self.manifest_path)

    def delete_source(self, source: str) -> int:
        """Remove every record of one document from both collections and their record managers."""
        removed = 0
        for kinds in self.kinds.values():
            keys = kinds.records.list_keys(group_ids=[source])
            if keys:
                kinds.vectorstore.delete(ids=keys)
                kinds.records.delete_keys(keys)
            # Records written by an interrupted run may exist in Chroma without a record entry.
            stray = kinds.collection.get(where={"source": source}, include=[])["ids"]
            if stray:
                kinds.collection.delete(ids=stray)
            removed += len(set(keys) | set(stray)) if kinds.kind == "chunks" else 0
        return removed
