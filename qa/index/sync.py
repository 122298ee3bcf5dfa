"""Bring the index in step with the corpus folder: only changed files are embedded again."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

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

    present: dict[str, Path] = {}
    for path, name in corpus_files(corpus):
        present[name] = path
    changed: list[tuple[str, Path, str, int]] = []
    limits = read_limits(settings)
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

    started = resume.started_files(store)  # files begun by an interrupted run, indexed in part
    for name in sorted((set(known) | started) - set(present)):
        if only is None or name in only:
            report.deleted += store.delete_source(name)
            manifest["files"].pop(name, None)
            manifest["sources"].pop(name, None)
            store.write_manifest(manifest)
            resume.finished(store, [name])

    total = sum(size for *_, size in changed)
    encoder = store.encoder
    if changed or manifest["files"]:
        # Once per index (afterwards a `stat`): the ONNX export embeds texts and questions from
        # then on; an index built without one, or whose export was damaged, gets one here too.
        if progress and changed:
            progress(0.0, "preparing the encoder")
        encoder.prepare_export()
    # One writer thread: a group of new files is stored (Chroma, record manager, manifest) while
    # the next group is embedded here. It is handed over only once that next group is read and
    # split, so the writer's Python work runs beside the model (which mostly releases the GIL),
    # not beside the splitter (which holds it). Groups with files indexed before are done in
    # place: LangChain's record manager decides which of their texts need embedding at all.
    with (
        tqdm(total=total, unit="B", unit_scale=True, desc="Indexing", disable=not show_bar or not changed) as bar,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-index-writer") as writer,
    ):
        group: list[Piece] = []
        waiting = 0  # texts the group will embed
        writing: Future[None] | None = None
        warm = False  # the writer's one-off set-up is submitted
        embedded: tuple[list[Piece], list[Chunk], list[str]] | None = None  # not yet handed over
        reading = ""  # the file being read, for the progress message
        entries: dict[str, dict[str, str]] = {}  # each file's metadata, recorded with its passages
        done = 0.0  # bytes' worth indexed (the bar counts nothing when it is not shown)
        caller = threading.current_thread()
        bars = FileBars(show_bar)

        def moved(n: float) -> None:
            """Advance the bar, and the caller's progress (the page's) by bytes, not files: one large
            upload stayed at 0% until it was done. Only from the calling thread, as Gradio's wants."""
            nonlocal done
            bar.update(n)
            done += n
            if progress and total and threading.current_thread() is caller:
                progress(min(1.0, done / total), f"indexing {reading}")

        def store_group(pieces: list[Piece], chunks: list[Chunk], prepared: list[str]) -> None:
            """Index the pieces, note them committed, then record completed files in the manifest:
            a crash before that only means the last pieces are stored again (`resume`)."""
            try:
                start = done
                tick = (lambda _: None) if prepared else moved
                resume.starting(store, pieces)
                added, skipped = _index_files(store, chunks, tick, settings.index_batch_size)
                if not prepared:
                    moved(max(0.0, start + sum(p.size for p in pieces) - done))
            finally:
                encoder.release(prepared)
            complete = resume.committed(store, pieces)
            bars.committed(pieces)
            report.documents += len(complete)
            report.added += added
            report.skipped += skipped
            for piece in complete:
                manifest["files"][piece.name] = piece.run.digest
                manifest["sources"][piece.name] = entries[piece.name]
            store.write_manifest(manifest)
            resume.finished(store, [p.name for p in complete])

        def wait_for_writer() -> None:
            nonlocal writing
            if writing is not None:
                writing.result()  # the previous group's failure stops the run here
                writing = None

        def hand_over() -> None:
            nonlocal writing, embedded
            if embedded is not None:
                wait_for_writer()
                writing = writer.submit(store_group, *embedded)
                embedded = None

        def index_group() -> None:
            nonlocal embedded, writing, warm
            files = list(group)
            group.clear()
            chunks = [chunk for piece in files for chunk in piece.chunks]
            hand_over()
            if any(piece.name in known for piece in files):
                wait_for_writer()
                store_group(files, chunks, [])
                return
            if not warm:
                # The writer's one-off set-up (~2.5 s of imports and record-manager tables) runs
                # beside the first group's embedding, not beside its splitting: both hold the GIL.
                writing, warm = writer.submit(_open_for_writing, store), True
            prepared = [doc.page_content for _, doc in chunk_documents(chunks)]
            start, size = done, sum(piece.size for piece in files)
            per_text = size / max(1, len(set(prepared)))
            encoder.prepare(prepared, tick=lambda n: moved(per_text * n))
            moved(max(0.0, start + size - done))  # texts another group had embedded
            embedded = files, chunks, prepared

        try:
            for i, (name, path, digest, size) in enumerate(changed):
                reading = name
                if progress:
                    progress(min(1.0, done / total) if total else i / len(changed), f"reading {name}")
                bar.set_postfix_str(name[-40:])
                try:
                    doc = load_document(path, name=name, limits=limits)
                except LoadError as exc:
                    report.problems.append(str(exc))
                    moved(size)
                    continue
                chunks = list(split_document(doc, settings.chunk_size, settings.chunk_overlap))
                entries[name] = _source_entry(doc)
                pieces = resume.plan(store, name, digest, size, chunks, settings.index_batch_size)
                moved(size - sum(piece.size for piece in pieces))  # committed by an interrupted run
                bars.open(name, pieces[0].pieces, pieces[0].number)
                for piece in pieces:  # a large file in several groups, each committed on its own
                    group.append(piece)
                    waiting += sum(resume.texts_of(chunk) for chunk in piece.chunks)
                    if waiting >= settings.index_batch_size:
                        index_group()
                        waiting = 0
            if group:
                index_group()
            hand_over()
            wait_for_writer()
        finally:
            bars.close()
            if embedded is not None:  # stopped before it was handed over: hold nothing
                encoder.release(embedded[2])
    if progress:
        progress(1.0, "index up to date")
    report.chunks = store.chunks.count()
    return report
