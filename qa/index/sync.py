"""Bring the index in step with the corpus folder: only changed files are embedded again."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from langchain_core.documents import Document
from tqdm import tqdm

from qa.config import Settings
from qa.index import resume
from qa.index.file_bars import FileBars
from qa.index.resume import Piece
from qa.index.store import Store
from qa.index.withdraw import purge_withdrawn
from qa.ingest.limits import read_limits
from qa.ingest.load import READER_VERSIONS, LoadError, check_inside, corpus_files, load_document
from qa.ingest.meta import SIDECAR_SUFFIX, sidecar_of
from qa.ingest.split import quote_frame, split_document
from qa.schema import Chunk, IngestReport, SourceDocument

Progress = Callable[[float, str], None]


class CorpusMissing(FileNotFoundError):
    """The corpus folder does not exist; syncing would otherwise empty the index."""


def _digest(path: Path) -> str:
    """The file's content hash, plus its reader's version where the reader has changed since, and
    its sidecar's hash when it has one (edited metadata is indexed again)."""
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    digest = sha.hexdigest()
    reader = READER_VERSIONS.get(path.suffix.lower())
    if reader:
        digest += f"+{reader}"
    side = sidecar_of(path)
    if side.is_file():
        digest += f"+meta-{hashlib.sha256(side.read_bytes()).hexdigest()[:16]}"
    return digest


CorpusState = tuple[tuple[str, int, int], ...]  # each corpus file's name, modification time and size


def corpus_state(corpus: Path) -> CorpusState:
    """Each corpus file's name, modification time and size: a cheap look (no file is read) that
    tells a running app the folder changed since its last sync."""
    state = []
    for path, name in corpus_files(corpus):
        for file, key in ((path, name), (sidecar_of(path), name + SIDECAR_SUFFIX)):
            try:
                stat = file.stat()
            except OSError:  # removed while listed, or no sidecar
                continue
            state.append((key, stat.st_mtime_ns, stat.st_size))
    return tuple(state)


def indexed_contents(store: Store) -> dict[str, str]:
    """The content hash of every indexed file (what `_digest` read, without a reader version) -> its name."""
    return {digest.split("+")[0]: name for name, digest in store.read_manifest().get("files", {}).items()}


def _source_entry(doc: SourceDocument) -> dict[str, str]:
    return {**doc.meta.to_dict(), "text_sha256": hashlib.sha256(doc.text.encode()).hexdigest()}


def _config_key(settings: Settings) -> dict[str, object]:
    # "v" counts changes to what is stored (4: quotation frames, 5: no sentence opens on a stray
    # full stop, 6: a straight quote opening a sentence is that sentence's, 7: so is any opening
    # mark, and a quoted question goes on to its speaker); an index of another is rebuilt.
    return {"chunk_size": settings.chunk_size, "chunk_overlap": settings.chunk_overlap, "v": 7}


def chunk_documents(chunks: Iterable[Chunk]) -> Iterator[tuple[str, Document]]:
    """LangChain documents for both collections; metadata carries exact offsets.

    A sentence quoting someone also gets its frame (`quote_frame`), stored with the sentence's
    offsets and `view: "frame"`: the catalog scores the sentence by the nearer of the two.
    """
    for chunk in chunks:
        base: dict[str, str | int] = {"source": chunk.doc}
        if chunk.page is not None:
            base["page"] = chunk.page
        yield "chunks", Document(chunk.text, metadata={**base, "start": chunk.start, "end": chunk.end})
        for sentence in chunk.sentences:
            meta = {
                **base,
                "start": sentence.start,
                "end": sentence.end,
                "chunk_start": chunk.start,
                "chunk_end": chunk.end,
            }
            yield "sentences", Document(sentence.text, metadata=meta)
            if frame := quote_frame(sentence.text):
                yield "sentences", Document(frame, metadata={**meta, "view": "frame"})


def _index_files(
    store: Store, chunks: list[Chunk], tick: Callable[[float], object], batch_size: int
) -> tuple[int, int]:
    """Index several files' chunks in one LangChain `index()` call per kind.

    `index()` hands the encoder up to `batch_size` new texts at a time; spanning files lets the
    model sort more texts by length, so its batches pad less and encoding takes less time than one
    call per file (docs/evaluation.md). `tick` gets each document's share of the progress (a no-op
    when `Encoder.prepare` embedded them).
    """
    from langchain_core.indexing import index  # only when something changed: its import costs ~1 s

    added = skipped = 0
    by_kind: dict[str, list[Document]] = {"chunks": [], "sentences": []}
    for kind, doc in chunk_documents(chunks):
        by_kind[kind].append(doc)
    total_chars = sum(len(c.text) for c in chunks) or 1
    for kind, docs in by_kind.items():
        share = total_chars / 2 / max(1, len(docs))

        def ticking(items: list[Document], step: float = share) -> Iterator[Document]:
            for item in items:
                tick(step)
                yield item

        target = store.kinds[kind]
        # No cleanup here: a file may span several calls (`resume`); the rows of its previous
        # version are dropped once its last piece is stored (`resume.committed`).
        result = index(
            ticking(docs),
            target.records,
            target.vectorstore,
            batch_size=batch_size,
            cleanup=None,
            source_id_key="source",
            key_encoder="sha256",
        )
        if kind == "chunks":
            added += result["num_added"]
            skipped += result["num_skipped"]
    return added, skipped


def _open_for_writing(store: Store) -> None:
    import langchain_core.indexing  # noqa: F401  (what `_index_files` imports)

    for target in store.kinds.values():
        _ = target.records, target.vectorstore


def _changed_files(
    settings: Settings, known: dict[str, str], only: set[str] | None, report: IngestReport
) -> tuple[dict[str, Path], list[tuple[str, Path, str, int]]]:
    """The corpus's files by name, and those new or changed since `known` (name, path, digest,
    size); unreadable and oversized files go to the report's problems and keep their old passages."""
    corpus = settings.corpus_dir
    present = {name: path for path, name in corpus_files(corpus)}
    changed: list[tuple[str, Path, str, int]] = []
    max_bytes = int(settings.max_file_mb * 1e6)
    for name, path in present.items():
        if only is not None and name not in only:
            continue
        try:
            check_inside(path, corpus)
            size = path.stat().st_size
            if size > max_bytes:  # refused before hashing: a huge file costs nothing on every run
                raise LoadError(f"{name}: {size / 1e6:.1f} MB is over the {settings.max_file_mb:g} MB limit")
            digest = _digest(path)
        except (LoadError, OSError) as exc:
            report.problems.append(str(exc) if isinstance(exc, LoadError) else f"{name}: {exc}")
            continue
        if known.get(name) == digest:
            report.documents += 1
            continue
        changed.append((name, path, digest, size))
    return present, changed


def _drop_deleted(
    store: Store,
    known: dict[str, str],
    present: dict[str, Path],
    only: set[str] | None,
    manifest: dict[str, Any],
    report: IngestReport,
) -> None:
    """Remove the passages of files gone from the corpus, and of files an interrupted run began."""
    started = resume.started_files(store)  # files begun by an interrupted run, indexed in part
    for name in sorted((set(known) | started) - set(present)):
        if only is None or name in only:
            report.deleted += store.delete_source(name)
            manifest["files"].pop(name, None)
            manifest["sources"].pop(name, None)
            store.write_manifest(manifest)
            resume.finished(store, [name])


def sync_corpus(
    settings: Settings,
    store: Store,
    *,
    only: set[str] | None = None,
    progress: Progress | None = None,
    show_bar: bool = True,
) -> IngestReport:
    """Index new and changed files, drop deleted ones; unreadable files keep their old passages."""
    corpus = settings.corpus_dir
    if not corpus.is_dir():
        what = "is a file, not a folder" if corpus.exists() else "does not exist"
        raise CorpusMissing(f"corpus folder {corpus} {what}; nothing was changed")
    purge_withdrawn(store)  # rows of an upload that failed while the store was unreachable
    report = IngestReport()
    manifest = store.read_manifest()
    config = _config_key(settings)
    known: dict[str, str] = manifest["files"] if manifest.get("config") == config else {}
    if manifest.get("config") not in (None, config):
        report.notes.append("chunking settings or index format changed: re-indexing every file")
    sources = {k: v for k, v in store.read_sources().items() if k in known}
    manifest = {"config": config, "files": dict(known), "sources": sources}
    present, changed = _changed_files(settings, known, only, report)
    _drop_deleted(store, known, present, only, manifest, report)

    total = sum(size for *_, size in changed)
    if changed or manifest["files"]:
        # Once per index (afterwards a `stat`): the ONNX export embeds texts and questions from
        # then on; an index built without one, or whose export was damaged, gets one here too.
        if progress and changed:
            progress(0.0, "preparing the encoder")
        store.encoder.prepare_export()
    with (
        tqdm(total=total, unit="B", unit_scale=True, desc="Indexing", disable=not show_bar or not changed) as bar,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-index-writer") as writer,
    ):
        _IndexRun(settings, store, report, manifest, known, total, progress, bar, writer, FileBars(show_bar)).run(
            changed
        )
    if progress:
        progress(1.0, "index up to date")
    report.chunks = store.chunks.count()
    return report


class _IndexRun:
    """One sync's reading, embedding and storing of the changed files.

    One writer thread: a group of new files is stored (Chroma, record manager, manifest) while
    the next group is embedded here. It is handed over only once that next group is read and
    split, so the writer's Python work runs beside the model (which mostly releases the GIL),
    not beside the splitter (which holds it). Groups with files indexed before are done in
    place: LangChain's record manager decides which of their texts need embedding at all.
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        report: IngestReport,
        manifest: dict[str, Any],
        known: dict[str, str],
        total: int,
        progress: Progress | None,
        bar: tqdm[Any],
        writer: ThreadPoolExecutor,
        bars: FileBars,
    ) -> None:
        self.settings, self.store, self.report, self.manifest, self.known = settings, store, report, manifest, known
        self.total, self.progress, self.bar, self.writer, self.bars = total, progress, bar, writer, bars
        self.encoder = store.encoder
        self.group: list[Piece] = []
        self.waiting = 0  # texts the group will embed
        self.writing: Future[None] | None = None
        self.warm = False  # the writer's one-off set-up is submitted
        self.embedded: tuple[list[Piece], list[Chunk], list[str]] | None = None  # not yet handed over
        self.reading = ""  # the file being read, for the progress message
        self.entries: dict[str, dict[str, str]] = {}  # each file's metadata, recorded with its passages
        self.done = 0.0  # bytes' worth indexed (the bar counts nothing when it is not shown)
        self.caller = threading.current_thread()
        self.limits = read_limits(settings)

    def moved(self, n: float) -> None:
        """Advance the bar, and the caller's progress (the page's) by bytes, not files: one large
        upload stayed at 0% until it was done. Only from the calling thread, as Gradio's wants."""
        self.bar.update(n)
        self.done += n
        if self.progress and self.total and threading.current_thread() is self.caller:
            self.progress(min(1.0, self.done / self.total), f"indexing {self.reading}")

    def store_group(self, pieces: list[Piece], chunks: list[Chunk], prepared: list[str]) -> None:
        """Index the pieces, note them committed, then record completed files in the manifest:
        a crash before that only means the last pieces are stored again (`resume`)."""
        store, report, manifest = self.store, self.report, self.manifest
        try:
            start = self.done
            tick = (lambda _: None) if prepared else self.moved
            resume.starting(store, pieces)
            added, skipped = _index_files(store, chunks, tick, self.settings.index_batch_size)
            if not prepared:
                self.moved(max(0.0, start + sum(p.size for p in pieces) - self.done))
        finally:
            self.encoder.release(prepared)
        complete = resume.committed(store, pieces)
        self.bars.committed(pieces)
        report.documents += len(complete)
        report.added += added
        report.skipped += skipped
        for piece in complete:
            manifest["files"][piece.name] = piece.run.digest
            manifest["sources"][piece.name] = self.entries[piece.name]
        store.write_manifest(manifest)
        resume.finished(store, [p.name for p in complete])

    def wait_for_writer(self) -> None:
        if self.writing is not None:
            writing, self.writing = self.writing, None
            writing.result()  # the previous group's failure stops the run here

    def hand_over(self) -> None:
        if self.embedded is not None:
            self.wait_for_writer()
            self.writing = self.writer.submit(self.store_group, *self.embedded)
            self.embedded = None

    def index_group(self) -> None:
        files = list(self.group)
        self.group.clear()
        chunks = [chunk for piece in files for chunk in piece.chunks]
        self.hand_over()
        if any(piece.name in self.known for piece in files):
            self.wait_for_writer()
            self.store_group(files, chunks, [])
            return
        if not self.warm:
            # The writer's one-off set-up (~2.5 s of imports and record-manager tables) runs
            # beside the first group's embedding, not beside its splitting: both hold the GIL.
            self.writing, self.warm = self.writer.submit(_open_for_writing, self.store), True
        prepared = [doc.page_content for _, doc in chunk_documents(chunks)]
        start, size = self.done, sum(piece.size for piece in files)
        per_text = size / max(1, len(set(prepared)))
        self.encoder.prepare(prepared, tick=lambda n: self.moved(per_text * n))
        self.moved(max(0.0, start + size - self.done))  # texts another group had embedded
        self.embedded = files, chunks, prepared

    def read(self, name: str, path: Path, digest: str, size: int) -> None:
        """Read and split one file into its groups, embedding each group as it fills."""
        try:
            doc = load_document(path, name=name, limits=self.limits)
        except LoadError as exc:
            self.report.problems.append(str(exc))
            self.moved(size)
            return
        chunks = list(split_document(doc, self.settings.chunk_size, self.settings.chunk_overlap))
        self.entries[name] = _source_entry(doc)
        pieces = resume.plan(self.store, name, digest, size, chunks, self.settings.index_batch_size)
        self.moved(size - sum(piece.size for piece in pieces))  # committed by an interrupted run
        self.bars.open(name, pieces[0].pieces, pieces[0].number)
        for piece in pieces:  # a large file in several groups, each committed on its own
            self.group.append(piece)
            self.waiting += sum(resume.texts_of(chunk) for chunk in piece.chunks)
            if self.waiting >= self.settings.index_batch_size:
                self.index_group()
                self.waiting = 0

    def run(self, changed: list[tuple[str, Path, str, int]]) -> None:
        try:
            for i, (name, path, digest, size) in enumerate(changed):
                self.reading = name
                if self.progress:
                    share = min(1.0, self.done / self.total) if self.total else i / len(changed)
                    self.progress(share, f"reading {name}")
                self.bar.set_postfix_str(name[-40:])
                self.read(name, path, digest, size)
            if self.group:
                self.index_group()
            self.hand_over()
            self.wait_for_writer()
        finally:
            self.bars.close()
            if self.embedded is not None:  # stopped before it was handed over: hold nothing
                self.encoder.release(self.embedded[2])
