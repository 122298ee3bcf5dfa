"""The use cases the UI, the CLI and the benchmarks share; no layer above holds retrieval logic."""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import threading
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePath

from qa.answer.attributed import compose_attributed, sentence_text, wants_attribution
from qa.answer.compose import NOT_FOUND, compose, related_passages
from qa.answer.inventory import inventory_kind, list_names
from qa.answer.question import without_document_words
from qa.answer.roles import leader_question
from qa.answer.summary import summarize, wants_summary
from qa.attribute.model import Attribution
from qa.attribute.people import acts_in, gender_in
from qa.attribute.questions import (
    answer_attribution_question,
    asked_speaker,
    is_attribution_question,
    named_speakers,
)
from qa.chat.followup import already_quoted, resolve, without_topic
from qa.chat.inputs import clean_history, clean_question
from qa.config import Settings
from qa.errors import BadRequest
from qa.index.embeddings import Encoder
from qa.index.store import Store, reachable
from qa.index.sync import CorpusState, Progress, corpus_state, indexed_contents, sync_corpus
from qa.ingest.load import READER_VERSIONS, SUPPORTED_SUFFIXES, LoadError, check_inside, load_document
from qa.retrieve.catalog import Catalog, load_catalog
from qa.retrieve.hybrid import PassageHit, make_query, retrieve
from qa.schema import Answer, IngestReport, SourceDocument, Turn

_ATTRIBUTION_DOCS = 3


@dataclass(frozen=True)
class Asked:
    """One question as the replies read it: as typed, as resolved against the conversation, the
    passages retrieved for it, and what the conversation already quoted (asked "what else")."""

    typed: str
    resolved: str
    hits: list[PassageHit]
    catalog: Catalog
    seen: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentInfo:
    name: str
    chunks: int


_SAFE_NAME = re.compile(r"[^\w.\- ]+")


def _quoted_in(text: str, quotes: tuple[str, ...]) -> bool:
    """Whether a sentence or statement was quoted (whole, or cut: a quote may be part of it)."""
    return any(q and (q in text or text in q) for q in quotes)


def _unseen(hits: list[PassageHit], seen: tuple[str, ...], catalog: Catalog) -> list[PassageHit]:
    """The retrieved passages without the sentences already quoted."""
    out = []
    for hit in hits:
        kept = tuple(s for s in hit.sentences if not _quoted_in(catalog.sentences[s.index].text, seen))
        if kept:
            out.append(replace(hit, sentences=kept))
    return out


def safe_filename(name: str) -> str:
    """A plain file name inside the corpus: no folders, no `..`, no control characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFKC", base)
    base = _SAFE_NAME.sub("_", base).strip(" .")
    if not base or base.startswith("."):
        raise BadRequest(f"{name!r} is not a usable file name")
    suffix = PurePath(base).suffix
    if suffix.lower() not in SUPPORTED_SUFFIXES:
        raise BadRequest(f"{base}: only {', '.join(SUPPORTED_SUFFIXES)} files can be added")
    # Shorten the stem, never the suffix, and count bytes: file systems allow 255 (UTF-8) bytes.
    stem = base[: -len(suffix)]
    while len((stem + suffix).encode()) > 200:
        stem = stem[:-1]
    return stem.rstrip(" .") + suffix


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and path.read_bytes() == data
    except OSError:
        return False


def _free_name(corpus: Path, name: str) -> Path:
    """`name` in the corpus folder, or "stem (2).txt", "stem (3).txt", ... when it is taken."""
    path, suffix, k = corpus / name, PurePath(name).suffix, 2
    while path.exists():
        path = corpus / f"{name[: -len(suffix)]} ({k}){suffix}"
        k += 1
    return path


class QAService:
    """One index, its in-memory catalog, and the operations on them."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.encoder = Encoder(
            self.settings.model,
            batch_size=self.settings.embed_batch_size,
            threads=self.settings.threads,
            onnx_dir=(self.settings.encoder_dir or self.settings.index_dir / "encoder") if self.settings.onnx else None,
        )
        self.store = Store(self.settings, self.encoder)
        self._lock = threading.RLock()  # one writer of the index at a time
        # the corpus folder before and after the last upload or removal (see _own_change)
        self.own_change: tuple[CorpusState, CorpusState] | None = None
        self._attributions_lock = threading.Lock()  # the who-said cache, also filled while answering
        self._catalog: Catalog | None = None
        self._attributions: dict[tuple[str, int, int, str], list[Attribution]] = self._load_attributions()
        # how the documents refer back to each person asked about, for the catalog it was read from
        self._genders: tuple[Catalog | None, dict[str, str | None]] = (None, {})

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
            self._catalog = load_catalog(self.store)

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

    def ask(self, question: object, history: Sequence[Turn] = ()) -> Answer:
        """The answer to `question`, follow-ups resolved against `history` (oldest turn first);
        `BadRequest` when either is refused (see qa.chat.inputs)."""
        text = clean_question(question, self.settings.max_question_chars)
        history = clean_history(history, self.settings.max_history_turns, self.settings.max_history_chars)
        catalog = self.catalog
        # "in this story" says nothing about the answer (and its "this" is no pronoun to resolve)
        resolved = leader_question(resolve(without_document_words(text), history, self._gender_of(catalog)))
        if catalog.empty:
            return Answer(question=text, text=NOT_FOUND, abstained=True, error="the index is empty")
        seen = already_quoted(text, history)
        answer = self._answer(text, resolved, catalog, seen)
        if answer.abstained and (bare := without_topic(resolved)) != resolved:
            # The earlier question's topic, taken along, led nowhere: the follow-up alone may answer.
            retry = self._answer(text, bare, catalog, seen)
            if not retry.abstained:
                answer, resolved = retry, bare
        answer.question = text
        answer.resolved_question = resolved if resolved != text else None
        return answer

    def _gender_of(self, catalog: Catalog) -> Callable[[str], str | None]:
        """How the indexed documents refer back to a person (`gender_in`), worked out once per
        name and index: a scan of every sentence costs tens of milliseconds on a large index."""
        if self._genders[0] is not catalog:
            self._genders = (catalog, {})
        known = self._genders[1]

        def gender_of(name: str) -> str | None:
            if name not in known:
                known[name] = gender_in((s.text for s in catalog.sentences), name)
            return known[name]

        return gender_of

    def _answer(self, text: str, resolved: str, catalog: Catalog, seen: tuple[str, ...] = ()) -> Answer:
        """The answer to the resolved question (`text` as typed, for who-said-what's wording),
        quoting nothing of `seen` (what the conversation quoted, when asked what else)."""
        vector = self.encoder.encode([resolved])[0]
        query = make_query(resolved, vector)
        hits, sig = retrieve(query, catalog, self.settings)
        if seen:
            hits = _unseen(hits, seen, catalog)
        asked = Asked(text, resolved, hits, catalog, seen)
        # Replies of their own, tried in this order; the first that answers wins.
        for reply in (self._summary, self._listed, self._attributed):
            if (answer := reply(asked)) is not None:
                return answer
        # Answer spans are found with the resolved question ("he" -> the person it means).
        return compose(resolved, query, hits, sig, catalog, self.settings)

    def _listed(self, asked: Asked) -> Answer | None:
        """ "Which countries are mentioned?": every name of that kind in the best-matching document
        ("Which people are mentioned in it?" is about the documents, whatever came before)."""
        kind = inventory_kind(asked.typed) or inventory_kind(asked.resolved)
        if not kind:
            return None
        s = self.settings
        return list_names(asked.resolved, kind, asked.hits, asked.catalog, s.answer_chars, s.inventory_sentences)

    def _summary(self, asked: Asked) -> Answer | None:
        """ "Summarize the article": the opening sentences of the document the request matches best."""
        if not wants_summary(asked.resolved):
            return None
        s = self.settings
        return summarize(asked.resolved, asked.hits, asked.catalog, s.answer_chars, s.answer.min_quote_chars)

    def _attributed(self, asked: Asked) -> Answer | None:
        """Who-said-what questions are answered from the statements extracted from the documents
        the retrieved passages come from; None when the question is not one or nothing matches."""
        question, resolved, hits, catalog, seen = asked.typed, asked.resolved, asked.hits, asked.catalog, asked.seen
        if not is_attribution_question(resolved):
            return None
        speaker = asked_speaker(resolved)  # "What did Trump say about the offer?"
        if not (speaker or wants_attribution(resolved)):
            return None
        docs = list(dict.fromkeys(catalog.passages[h.index].doc for h in hits[:_ATTRIBUTION_DOCS]))
        found: list[Attribution] = []
        for name in docs:
            try:
                found.extend(self.attributions(name))
            except (BadRequest, LoadError):
                continue
        if speaker and not named_speakers(speaker.split(), found):
            texts = [ref.text for d in docs for ref, _ in catalog.document_sentences(d)]
            if not acts_in(texts, speaker):
                # Trump never speaks or acts in the documents: not found, rather than the statements
                # of others that share the question's words
                passages = related_passages(hits, catalog)
                return Answer(question=question, text=NOT_FOUND, abstained=True, passages=passages)
        if not wants_attribution(resolved):
            return None
        unseen = [a for a in found if not _quoted_in(a.statement, seen)]
        if speaker and named_speakers(speaker.split(), found) and not named_speakers(speaker.split(), unseen):
            # "What else did she say?" when the last reply quoted all she said: nothing else
            return Answer(question=question, text=NOT_FOUND, abstained=True, passages=related_passages(hits, catalog))
        matches = answer_attribution_question(resolved, unseen, lambda a: sentence_text(catalog, a))
        if not matches:
            return None
        answer = compose_attributed(question, matches, catalog, self.settings.answer_chars)
        if answer is not None:
            # The retrieved passages, as every other answer lists them (related reading in the API).
            answer.passages = related_passages(hits, catalog)
        return answer

    def documents(self) -> list[DocumentInfo]:
        catalog = self.catalog
        return [DocumentInfo(name, len(idx)) for name, idx in sorted(catalog.doc_passages.items())]

    def document(self, name: str) -> SourceDocument:
        """The text a document's offsets refer to (re-read from the corpus)."""
        path = self._corpus_path(name)
        return load_document(path, name=name)

    def attributions(self, doc: str | None = None) -> list[Attribution]:
        """Who said what in the indexed documents (or one); extracted once per version of a file."""
        from qa.attribute.extract import EXTRACTOR_VERSION, extract_attributions

        indexed = [d.name for d in self.documents()]
        if doc is not None and doc not in indexed:
            raise BadRequest(f"{doc}: not an indexed document")
        found: list[Attribution] = []
        for name in [doc] if doc is not None else indexed:
            try:
                stat = self._corpus_path(name).stat()
            except OSError as exc:
                raise BadRequest(f"{name}: {exc.strerror or exc}") from exc
            # the reader's version too (a changed reader gives other text, so other offsets), and
            # the extractor's (changed rules give other statements)
            reader = READER_VERSIONS.get(PurePath(name).suffix.lower(), "")
            key = (name, stat.st_mtime_ns, stat.st_size, f"{reader}/{EXTRACTOR_VERSION}")
            cached = self._attributions.get(key)
            if cached is None:
                cached = extract_attributions(self.document(name))
                with self._attributions_lock:
                    for old in [k for k in self._attributions if k[0] == name]:
                        del self._attributions[old]
                    self._attributions[key] = cached
                    self._save_attributions()
            found.extend(cached)
        return found

    def _attributions_path(self) -> Path:
        return self.settings.index_dir / f"attributions-{self.settings.collection_name('chunks')}.json"

    def _load_attributions(self) -> dict[tuple[str, int, int, str], list[Attribution]]:
        try:
            raw = json.loads(self._attributions_path().read_text())
            return {
                (name, int(entry["mtime_ns"]), int(entry["size"]), str(entry.get("reader", ""))): [
                    Attribution(**a) for a in entry["items"]
                ]
                for name, entry in raw.items()
            }
        except (OSError, ValueError, TypeError, KeyError):
            return {}

    def _save_attributions(self) -> None:
        """Atomic replace: a crash leaves the old cache or the new one."""
        data = {
            name: {"mtime_ns": mtime, "size": size, "reader": reader, "items": [a.to_dict() for a in items]}
            for (name, mtime, size, reader), items in self._attributions.items()
        }
        path = self._attributions_path()
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, path)

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
        staging.write_bytes(data)
        try:
            load_document(staging, name=name, max_bytes=limit)
        except LoadError as exc:
            staging.unlink(missing_ok=True)
            raise BadRequest(str(exc)) from exc
        try:
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
                report = sync_corpus(self.settings, self.store, only={target.name}, progress=progress, show_bar=False)
                if target.name != name:
                    report.notes.append(
                        f"a different {name} is already in the corpus: this one was added as {target.name}"
                    )
                self.refresh()
            return target.name, report
        finally:
            staging.unlink(missing_ok=True)  # gone already unless it was a copy or the index failed

    def remove_document(self, name: str) -> IngestReport:
        """Take a document out of the corpus and the index. The file is moved to `removed_dir`,
        not deleted: a click on the wrong name must not lose someone's only copy."""
        path = self._corpus_path(name)
        with self._lock, reachable(self.settings), self._own_change():
            if path.exists():
                kept = self.removed_dir / name
                kept.parent.mkdir(parents=True, exist_ok=True)
                if kept.exists():  # an older removal of the same name stays too
                    kept.rename(kept.with_name(f"{kept.stem}.{kept.stat().st_mtime_ns}{kept.suffix}"))
                shutil.move(path, kept)
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
