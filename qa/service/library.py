"""The library use case: the corpus folder and its index, and the documents in them (listing,
reading, adding, removing, who said what in each). One writer of the index at a time; readers
answer from the last complete index meanwhile."""

from __future__ import annotations

import hashlib
import secrets
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath

from qa.attribute.cache import AttributionCache, Key
from qa.attribute.model import Attribution
from qa.config import Settings
from qa.index.embeddings import Encoder
from qa.index.store import Store, reachable
from qa.index.sync import CorpusState, Progress, corpus_state, indexed_contents, sync_corpus
from qa.index.withdraw import purge_withdrawn, withdraw
from qa.ingest.limits import read_limits
from qa.ingest.load import READER_VERSIONS, SUPPORTED_SUFFIXES, LoadError, check_inside, load_document
from qa.ingest.meta import sidecar_of
from qa.retrieve.catalog import Catalog, load_catalog
from qa.schema import IngestReport, SourceDocument
from qa.service.inputs import BadRequest, safe_filename
from qa.service.sources import DocumentInfo, documents_of


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and path.read_bytes() == data
    except OSError:
        return False


def _free_name(corpus: Path, name: str) -> Path:
    """`name` in the corpus folder, or "stem (2).txt", "stem (3).txt", ... when it is taken."""
    path, suffix, k = corpus / name, PurePath(name).suffix, 2
    while path.exists() or sidecar_of(path).exists():  # a sidecar left alone would apply to it
        path = corpus / f"{name[: -len(suffix)]} ({k}){suffix}"
        k += 1
    return path


def attribution_key(path: Path, name: str) -> Key:
    """The version of a corpus file its statements are kept for: its time and size, its reader's
    version (a changed reader gives other text, so other offsets), a hand-made sidecar's time (the
    page is read as its article from then on) and the extractor's version (other rules, other
    statements). Raises OSError when the file cannot be read."""
    from qa.attribute.extract import EXTRACTOR_VERSION

    stat = path.stat()
    reader = READER_VERSIONS.get(PurePath(name).suffix.lower(), "")
    side = sidecar_of(path)
    reader += f"+meta-{side.stat().st_mtime_ns}" if side.exists() else ""
    return (name, stat.st_mtime_ns, stat.st_size, f"{reader}/{EXTRACTOR_VERSION}")


class Library:
    """One index, its in-memory catalog, and the corpus folder it is made from."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.encoder = Encoder(
            self.settings.model,
            batch_size=self.settings.embed_batch_size,
            threads=self.settings.threads,
            onnx_dir=(self.settings.encoder_dir or self.settings.index_dir / "encoder") if self.settings.onnx else None,
            int8=self.settings.int8,
            batch_tokens=self.settings.embed_batch_tokens,
            cache_dir=self.settings.encoder_cache.expanduser() if self.settings.encoder_cache else None,
        )
        self.store = Store(self.settings, self.encoder)
        self._lock = threading.RLock()  # one writer of the index at a time
        # the corpus folder before and after the last upload or removal (see _own_change)
        self.own_change: tuple[CorpusState, CorpusState] | None = None
        self._catalog: Catalog | None = None
        self._attributions = AttributionCache(
            self.settings.index_dir / f"attributions-{self.settings.collection_name('chunks')}.json"
        )

    @property
    def catalog(self) -> Catalog:
        """The last complete index in memory: questions asked while a sync or an upload is running
        are answered from it, not held until the indexing ends (a 2 MB upload held them 5 minutes)."""
        loaded = self._catalog
        if loaded is not None:
            return loaded
        with self._lock:
            if self._catalog is None:
                with reachable(self.settings):
                    self._catalog = load_catalog(self.store)
            return self._catalog

    def refresh(self) -> None:
        with self._lock, reachable(self.settings):
            purge_withdrawn(self.store)  # a failed upload's rows never reach the catalog
            self._catalog = load_catalog(self.store)
            # statements of documents no longer indexed (removed, or gone from the folder) go too
            self._attributions.keep_only(set(self._catalog.doc_passages))

    def sync(self, progress: Progress | None = None, show_bar: bool = True) -> IngestReport:
        with self._lock, reachable(self.settings):
            report = sync_corpus(self.settings, self.store, progress=progress, show_bar=show_bar)
            self.refresh()
            # Who said what is extracted at ingest for new and changed files (kept on disk, so an
            # unchanged corpus costs a file read).
            try:
                self.attributions()
            except (BadRequest, LoadError, OSError, ValueError) as exc:
                report.problems.append(f"who-said-what extraction: {exc}")
            return report

    @contextmanager
    def _own_change(self) -> Iterator[None]:
        """Note the corpus folder before and after an upload or a removal (indexed by it), so the
        folder watcher does not index it again, nor refresh the page's lists while a user picks."""
        before = self.corpus_state()
        try:
            yield
        finally:
            self.own_change = (before, self.corpus_state())

    def busy(self) -> bool:
        """Whether another thread is writing the index now (an upload, a removal, a sync)."""
        free = self._lock.acquire(blocking=False)
        if free:
            self._lock.release()
        return not free

    def corpus_state(self) -> CorpusState:
        """What the corpus folder holds now (names, times, sizes); empty when it is missing."""
        return corpus_state(self.settings.corpus_dir) if self.settings.corpus_dir.is_dir() else ()

    def documents(self) -> list[DocumentInfo]:
        """The indexed documents, newest first (see `newest_first`)."""
        return documents_of(self.catalog)

    def document(self, name: str) -> SourceDocument:
        """The text a document's offsets refer to (re-read from the corpus)."""
        path = self._corpus_path(name)
        return load_document(path, name=name, limits=read_limits(self.settings))

    def attributions(self, doc: str | None = None) -> list[Attribution]:
        """Who said what in the indexed documents (or one); extracted once per version of a file."""
        from qa.attribute.extract import extract_attributions

        indexed = [d.name for d in self.documents()]
        if doc is not None and doc not in indexed:
            raise BadRequest(f"{doc}: not an indexed document")
        found: list[Attribution] = []
        with self._attributions.batch():
            for name in [doc] if doc is not None else indexed:
                try:
                    key = attribution_key(self._corpus_path(name), name)
                except OSError as exc:
                    raise BadRequest(f"{name}: {exc.strerror or exc}") from exc
                cached = self._attributions.get(key)
                if cached is None:
                    cached = extract_attributions(self.document(name))
                    self._attributions.put(key, cached)
                found.extend(cached)
        return found

    def add_document(self, filename: str, data: bytes, progress: Progress | None = None) -> tuple[str, IngestReport]:
        """Add a file to the corpus and index it. Nothing already there is lost: a different file of
        the same name is kept beside it under a numbered name, and a copy of an indexed file is not
        indexed twice (its passages would compete with the original's for every citation)."""
        name = safe_filename(filename)
        limit = int(self.settings.max_file_mb * 1e6)
        if len(data) > limit:
            raise BadRequest(f"{name}: {len(data) / 1e6:.1f} MB is over the {self.settings.max_file_mb:g} MB limit")
        corpus = self.settings.corpus_dir
        corpus.mkdir(parents=True, exist_ok=True)
        staging = corpus / f".upload-{secrets.token_hex(4)}-{name}"
        try:  # whatever fails, the staging file goes: it is hidden, so nothing else would remove it
            staging.write_bytes(data)
            try:
                load_document(staging, name=name, limits=read_limits(self.settings))
            except LoadError as exc:
                raise BadRequest(str(exc)) from exc
            with self._lock, reachable(self.settings), self._own_change():
                if _holds(corpus / name, data):
                    copy_of: str | None = name
                else:  # indexed with this content, and still so in the folder (not deleted or edited by hand)
                    copy_of = indexed_contents(self.store).get(hashlib.sha256(data).hexdigest())
                    if copy_of is not None and not _holds(corpus / copy_of, data):
                        copy_of = None
                if copy_of is not None:
                    report = sync_corpus(self.settings, self.store, only={copy_of}, show_bar=False)
                    what = "already in the corpus" if copy_of == name else f"the same content as {copy_of}"
                    report.notes.append(f"{name} is {what}: nothing added")
                    self.refresh()
                    return copy_of, report
                target = _free_name(corpus, name)
                staging.replace(target)
                report = self._index_upload(target, progress)
                if target.name != name:
                    report.notes.append(
                        f"a different {name} is already in the corpus: this one was added as {target.name}"
                    )
            return target.name, report
        finally:
            staging.unlink(missing_ok=True)  # gone already unless it was a copy or the index failed

    def add_url(self, url: str, progress: Progress | None = None) -> tuple[str, IngestReport]:
        """Fetch an article by its URL and add it (see qa/service/from_url.py)."""
        from qa.service.from_url import add_url

        return add_url(self, url, progress)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the index for a change of the corpus made by this library (see `_own_change`)."""
        with self._lock, reachable(self.settings), self._own_change():
            yield

    def free_name(self, name: str) -> Path:
        """`name` in the corpus folder, or a numbered name beside it when it is taken."""
        return _free_name(self.settings.corpus_dir, name)

    def _index_upload(self, target: Path, progress: Progress | None) -> IngestReport:
        """Index a file just put in the corpus folder; when that fails in any way, the file and
        whatever rows of it were stored are taken out again (`withdraw`)."""
        try:
            report = sync_corpus(self.settings, self.store, only={target.name}, progress=progress, show_bar=False)
            if report.problems:  # refused by the reader after all: nothing of it is indexed
                raise BadRequest("; ".join(report.problems))
            self.refresh()
        except BaseException:
            withdraw(self.store, target)  # the catalog in memory never held it: it is read last
            raise
        return report

    def remove_document(self, name: str) -> IngestReport:
        """Take a document out of the corpus and the index. The file is moved to `removed_dir`,
        not deleted: a click on the wrong name must not lose someone's only copy."""
        path = self._corpus_path(name)
        with self._lock, reachable(self.settings), self._own_change():
            if path.exists():
                kept = self.removed_dir / name
                kept.parent.mkdir(parents=True, exist_ok=True)
                if kept.exists():  # an older removal of the same name stays too
                    older = kept.with_name(f"{kept.stem}.{kept.stat().st_mtime_ns}{kept.suffix}")
                    if sidecar_of(kept).exists():
                        sidecar_of(kept).rename(sidecar_of(older))
                    kept.rename(older)
                shutil.move(path, kept)
                if sidecar_of(path).exists():  # its metadata goes with it
                    shutil.move(sidecar_of(path), sidecar_of(kept))
            report = sync_corpus(self.settings, self.store, only={name}, show_bar=False)
            self.refresh()
        return report

    @property
    def removed_dir(self) -> Path:
        """Where removed documents are kept (inside the index folder, never read as corpus)."""
        return self.settings.index_dir / "removed"

    def _corpus_path(self, name: str) -> Path:
        path = self.settings.corpus_dir / name
        try:
            check_inside(path, self.settings.corpus_dir)
        except LoadError as exc:
            raise BadRequest(str(exc)) from exc
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise BadRequest(f"{name}: not a corpus document")
        return path
