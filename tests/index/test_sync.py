"""Keeping the Chroma index in step with the corpus folder: exact, idempotent, never stale."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from qa.config import Settings
from qa.index.sync import CorpusMissing
from qa.service import QAService


def _texts(service: QAService, kind: str, records) -> list[str]:  # type: ignore[no-untyped-def]
    return [text for _, _, text in records(service, kind)]


def _all_text(service: QAService, records) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(_texts(service, "chunks", records) + _texts(service, "sentences", records))


def test_second_sync_adds_and_embeds_nothing(fresh: Callable[..., QAService], count_encodes, kit) -> None:
    service = fresh()
    corpus = service.settings.corpus_dir
    (corpus / "harbour.txt").write_text(kit.TXT)
    (corpus / "orchard.md").write_text(kit.MD)
    first = service.sync(show_bar=False)
    assert first.added > 0 and first.documents == 2 and first.problems == []
    chunks, sentences = service.store.chunks.count(), service.store.sentences.count()
    assert first.chunks == chunks > 0 and sentences >= chunks

    counter = count_encodes(service)
    second = service.sync(show_bar=False)
    assert second.added == 0 and second.deleted == 0 and second.documents == 2
    assert (service.store.chunks.count(), service.store.sentences.count()) == (chunks, sentences)
    assert counter.texts == 0


def test_restart_on_same_index_embeds_nothing(fresh: Callable[..., QAService], count_encodes, kit) -> None:
    service = fresh()
    (service.settings.corpus_dir / "harbour.txt").write_text(kit.TXT)
    service.sync(show_bar=False)
    count = service.store.chunks.count()

    reopened = QAService(service.settings)
    counter = count_encodes(reopened)
    report = reopened.sync(show_bar=False)
    assert report.added == 0 and report.documents == 1
    assert reopened.store.chunks.count() == count
    assert counter.texts == 0
    assert [d.name for d in reopened.documents()] == ["harbour.txt"]


def test_only_the_changed_file_is_embedded(fresh: Callable[..., QAService], count_encodes, kit) -> None:
    service = fresh()
    corpus = service.settings.corpus_dir
    (corpus / "harbour.txt").write_text(kit.TXT)
    (corpus / "orchard.md").write_text(kit.MD)
    service.sync(show_bar=False)
    counter = count_encodes(service)
    (corpus / "orchard.md").write_text("# Orchard notes\n\nThe apricot trees were planted by Hedda Lindqvist.\n")
    service.sync(show_bar=False)
    assert 0 < counter.texts <= 4  # the changed file's passage and sentences, nothing of harbour.txt


def test_files_read_by_a_changed_reader_are_indexed_again(
    fresh: Callable[..., QAService], count_encodes, records, kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An HTML file indexed by an older reader (inline tags split into fragments) must not keep its
    # old passages just because its bytes did not change; other files are left alone.
    service = fresh()
    corpus = service.settings.corpus_dir
    (corpus / "harbour.txt").write_text(kit.TXT)
    (corpus / "festival.html").write_text("<p>The <b>Zorblax</b> festival happens every March in Quito.</p>")
    # as an index made before the reader's change: another output, under no reader version
    monkeypatch.setattr("qa.index.sync.READER_VERSIONS", {})
    monkeypatch.setattr("qa.ingest.load._html_text", lambda markup, *_: "The\n\nZorblax\n\nfestival happens in Quito.")
    service.sync(show_bar=False)
    monkeypatch.undo()
    counter = count_encodes(service)
    report = service.sync(show_bar=False)
    assert report.documents == 2 and report.added > 0
    assert 0 < counter.texts <= 4  # the HTML file's passage and sentence, nothing of harbour.txt
    assert "The Zorblax festival happens every March in Quito." in _texts(service, "chunks", records)
    assert "Zorblax" not in _texts(service, "sentences", records)  # the old fragments are gone
    assert service.sync(show_bar=False).added == 0  # and once only


def test_changed_file_replaces_its_passages(fresh: Callable[..., QAService], records) -> None:
    service = fresh()
    path = service.settings.corpus_dir / "notice.txt"
    path.write_text("The ferry to Inchmurrin leaves at seven o'clock.\nTickets cost nine pounds.")
    service.sync(show_bar=False)
    assert "Inchmurrin" in _all_text(service, records)

    path.write_text("The ferry to Luss leaves at noon.\nTickets are free on Sundays.")
    report = service.sync(show_bar=False)
    assert report.added > 0 and report.problems == []
    stored = _all_text(service, records)
    assert "Inchmurrin" not in stored and "nine pounds" not in stored
    assert "Luss" in stored
    doc = service.document("notice.txt")
    for passage in service.catalog.passages:
        assert doc.text[passage.start : passage.end] == passage.text
    for sentence in service.catalog.sentences:
        assert doc.text[sentence.start : sentence.end] == sentence.text
    answer = service.ask("When does the ferry to Inchmurrin leave?")
    assert all(
        "Inchmurrin" not in c.quote and "Inchmurrin" not in c.passage for c in answer.citations + answer.passages
    )


def test_deleted_file_leaves_both_collections(fresh: Callable[..., QAService], records, kit) -> None:
    service = fresh()
    corpus = service.settings.corpus_dir
    (corpus / "harbour.txt").write_text(kit.TXT)
    (corpus / "orchard.md").write_text(kit.MD)
    service.sync(show_bar=False)
    assert records(service, "sentences", "orchard.md")
    kept = records(service, "chunks", "harbour.txt")

    (corpus / "orchard.md").unlink()
    report = service.sync(show_bar=False)
    assert report.deleted >= 1
    assert records(service, "chunks", "orchard.md") == []
    assert records(service, "sentences", "orchard.md") == []
    assert records(service, "chunks", "harbour.txt") == kept
    assert [d.name for d in service.documents()] == ["harbour.txt"]
    assert "Tobias Renner" not in _all_text(service, records)
    answer = service.ask("Who planted the quince trees?")
    assert all(c.doc == "harbour.txt" for c in answer.citations + answer.passages)


def test_files_in_subfolders_are_indexed_by_relative_name(fresh: Callable[..., QAService], kit) -> None:
    service = fresh()
    sub = service.settings.corpus_dir / "notes" / "2024"
    sub.mkdir(parents=True)
    (sub / "harbour.txt").write_text(kit.TXT)
    service.sync(show_bar=False)
    assert [d.name for d in service.documents()] == ["notes/2024/harbour.txt"]
    assert "Agnes Whitcombe" in service.document("notes/2024/harbour.txt").text


def test_unreadable_inputs_are_reported_and_the_rest_indexed(mixed: tuple[QAService, object], kit, records) -> None:
    service, report = mixed
    problems = "\n".join(report.problems)
    assert len(report.problems) == len(kit.BAD_FILES), problems
    assert any(p.startswith("blob.txt:") and "binary" in p for p in report.problems), problems
    assert any(p.startswith("empty.md:") and "no text" in p for p in report.problems), problems
    assert any(p.startswith("broken.pdf:") and "not a readable PDF" in p for p in report.problems), problems
    assert report.documents == len(kit.GOOD_FILES)
    indexed = {d.name for d in service.documents()}
    assert indexed == set(kit.GOOD_FILES)
    for name in kit.BAD_FILES:
        assert records(service, "chunks", name) == [] and records(service, "sentences", name) == []
    # the latin-1 file was decoded, not skipped
    assert any("café in Málaga" in text for _, _, text in records(service, "chunks", "cafe.txt"))


def test_unreadable_inputs_do_not_corrupt_the_index(mixed: tuple[QAService, object], count_encodes, kit) -> None:
    service, first = mixed
    counter = count_encodes(service)
    again = QAService(service.settings).sync(show_bar=False)
    assert again.added == 0 and again.chunks == first.chunks  # type: ignore[attr-defined]
    assert sorted(again.problems) == sorted(first.problems)  # type: ignore[attr-defined]
    assert counter.texts == 0
    catalog = service.catalog
    assert {p.doc for p in catalog.passages} == set(kit.GOOD_FILES)
    assert all(catalog.passage_sentences), "every passage keeps its sentences"
    assert len(catalog.sentence_vectors) == len(catalog.sentences)


def test_file_that_becomes_unreadable_is_reported(fresh: Callable[..., QAService], records, kit) -> None:
    service = fresh()
    path = service.settings.corpus_dir / "report.pdf"
    path.write_bytes(kit.pdf_bytes(kit.PDF_PAGES))
    (service.settings.corpus_dir / "harbour.txt").write_text(kit.TXT)
    service.sync(show_bar=False)
    path.write_bytes(b"%PDF-1.7 this file was damaged by a bad copy")
    report = service.sync(show_bar=False)
    assert any(p.startswith("report.pdf:") for p in report.problems)
    assert records(service, "chunks", "harbour.txt")
    assert service.ask("Who lived at the lighthouse?") is not None


def test_missing_corpus_folder_changes_nothing(fresh: Callable[..., QAService], kit) -> None:
    service = fresh()
    (service.settings.corpus_dir / "harbour.txt").write_text(kit.TXT)
    service.sync(show_bar=False)
    count = service.store.chunks.count()
    shutil.rmtree(service.settings.corpus_dir)
    with pytest.raises(CorpusMissing, match="does not exist"):
        service.sync(show_bar=False)
    assert service.store.chunks.count() == count


def test_changed_chunk_settings_reindex_without_leftovers(tmp_path: Path, kit) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(kit.ARTICLE, corpus / kit.ARTICLE_NAME)
    big = QAService(kit.make_settings(tmp_path))
    big.sync(show_bar=False)
    before = big.store.chunks.count()

    small = QAService(kit.make_settings(tmp_path, chunk_size=300))
    report = small.sync(show_bar=False)
    assert any("chunking settings or index format changed" in p for p in report.notes)
    assert report.problems == []  # no file was skipped
    assert report.messages() == [f"note: {n}" for n in report.notes]
    passages = small.catalog.passages
    assert len(passages) == small.store.chunks.count() > before
    assert all(len(p.text) <= 300 for p in passages)
    text = small.document(kit.ARTICLE_NAME).text
    assert all(text[s.start : s.end] == s.text for s in small.catalog.sentences)


def _stored_texts(service: QAService, records: Callable[..., list[tuple[str, dict, str]]]) -> set[str]:
    return {text for kind in ("chunks", "sentences") for _, _, text in records(service, kind)}


def _three_files(service: QAService, kit) -> None:  # type: ignore[no-untyped-def]
    corpus = service.settings.corpus_dir
    (corpus / "harbour.txt").write_text(kit.TXT)
    (corpus / "orchard.md").write_text(kit.MD)
    (corpus / "glacier.html").write_text(kit.HTML)


def test_group_is_stored_while_the_next_is_embedded(
    fresh: Callable[..., QAService], count_encodes, kit, records, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With groups of one passage, storing the first waits until the second is being embedded: a
    run that stored and embedded in turn would time out here."""
    import threading

    from qa.index import sync

    service = fresh(index_batch_size=1)
    _three_files(service, kit)
    counter = count_encodes(service)
    embedding_next = threading.Event()
    prepared: list[list[str]] = []
    stored_on: list[str] = []
    real_prepare, real_index = service.encoder.prepare, sync._index_files

    def prepare(texts: list[str], tick=None) -> None:  # type: ignore[no-untyped-def]
        prepared.append(texts)
        if len(prepared) == 2:
            embedding_next.set()
        real_prepare(texts, tick)

    def index_files(*args, **kwargs):  # type: ignore[no-untyped-def]
        stored_on.append(threading.current_thread().name)
        if len(stored_on) == 1:
            assert embedding_next.wait(30), "the first group was stored before the next was embedded"
        return real_index(*args, **kwargs)

    monkeypatch.setattr(service.encoder, "prepare", prepare)
    monkeypatch.setattr(sync, "_index_files", index_files)

    report = service.sync(show_bar=False)
    assert report.problems == [] and report.documents == 3
    assert set(stored_on) == {"qa-index-writer_0"} and len(stored_on) >= 3  # a group per passage here
    # Every distinct text was embedded exactly once, by the main thread, none again by the writer.
    assert counter.texts == len(_stored_texts(service, records))
    assert service.sync(show_bar=False).added == 0


def test_repeated_text_is_embedded_once(fresh: Callable[..., QAService], count_encodes, records) -> None:
    service = fresh()
    line = "The lighthouse keeper rang the bell at dawn."
    (service.settings.corpus_dir / "bells.txt").write_text(f"{line}\n\n{line}\n\nThe fog lifted by noon.\n")
    counter = count_encodes(service)
    service.sync(show_bar=False)
    sentences = [text for _, _, text in records(service, "sentences")]
    assert sentences.count(line) == 2  # both places are stored, with their own offsets
    assert counter.texts == len(_stored_texts(service, records))


def test_failed_write_stops_the_run_and_records_only_what_was_stored(
    fresh: Callable[..., QAService], kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qa.index import sync

    service = fresh(index_batch_size=1)
    _three_files(service, kit)
    real_index = sync._index_files
    calls = {"n": 0}

    def failing_second(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real_index(*args, **kwargs)

    monkeypatch.setattr(sync, "_index_files", failing_second)
    with pytest.raises(RuntimeError, match="disk full"):
        service.sync(show_bar=False)
    # Groups of one passage: the first file's first piece is stored and noted, the file not yet whole.
    assert len(service.store.read_manifest()["files"]) == 0
    [(name, note)] = json.loads(next(service.settings.index_dir.glob("progress-*.json")).read_text()).items()
    assert note["done"] == 1 and name in {"harbour.txt", "orchard.md", "glacier.html"}
    assert service.encoder._ready == {}  # nothing held back after the failure

    monkeypatch.setattr(sync, "_index_files", real_index)
    report = service.sync(show_bar=False)
    assert report.problems == [] and report.documents == 3
    assert len(service.store.read_manifest()["files"]) == 3
    for kind in ("chunks", "sentences"):
        parts = service.store.kinds[kind]
        ids = parts.collection.get(include=[])["ids"]
        assert sorted(parts.records.list_keys()) == sorted(ids) and len(ids) == len(set(ids))


def test_questions_are_answered_from_the_last_index_while_a_sync_runs(
    fresh: Callable[..., QAService], kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upload or a start-up sync of a large file took minutes, and every question waited for it."""
    import threading

    service = fresh()
    corpus = service.settings.corpus_dir
    (corpus / "harbour.txt").write_text(kit.TXT)
    service.sync(show_bar=False)
    (corpus / "orchard.md").write_text(kit.MD)
    embedding, finish = threading.Event(), threading.Event()
    real_prepare = service.encoder.prepare

    def prepare(texts: list[str], tick=None) -> None:  # type: ignore[no-untyped-def]
        embedding.set()
        assert finish.wait(60)  # the sync stays here, its lock held, until the questions are answered
        real_prepare(texts, tick)

    monkeypatch.setattr(service.encoder, "prepare", prepare)
    reports = []
    syncing = threading.Thread(target=lambda: reports.append(service.sync(show_bar=False)), daemon=True)
    syncing.start()
    try:
        assert embedding.wait(60)
        answered: list[str] = []
        asking = threading.Thread(target=lambda: answered.append(service.ask("Who was the first curator?").text))
        asking.start()
        asking.join(30)
        assert answered and "Agnes Whitcombe" in answered[0]  # from the index as it was
        assert syncing.is_alive() and [d.name for d in service.documents()] == ["harbour.txt"]
    finally:
        finish.set()
        syncing.join(120)
    assert reports and reports[0].problems == [] and reports[0].added > 0
    assert "Tobias Renner" in service.ask("Who planted the quince trees?").text  # the new file, once indexed


def test_progress_moves_within_one_large_file(fresh: Callable[..., QAService]) -> None:
    """The page's progress went file by file, so one large upload showed 0% until it was done."""
    service = fresh(embed_batch_tokens=64)  # the encoder reports every batch: a few sentences
    text = "\n\n".join(f"Pier {n} of the harbour was rebuilt in {1900 + n} by crew {n}." for n in range(120))
    (service.settings.corpus_dir / "piers.txt").write_text(text)
    calls: list[tuple[float, str]] = []
    report = service.sync(progress=lambda fraction, message: calls.append((fraction, message)), show_bar=False)
    assert report.added > 0
    within = [f for f, message in calls if message == "indexing piers.txt" and 0.0 < f < 1.0]
    assert len(within) >= 3 and within == sorted(within)
    assert calls[-1] == (1.0, "index up to date")


def test_a_removed_document_is_kept_not_deleted(fresh, kit) -> None:  # type: ignore[no-untyped-def]
    """Review of 2026-11-29: Remove deleted the user's file at once, with no way back."""
    service = fresh()
    corpus = service.settings.corpus_dir
    (corpus / "note.txt").write_text("The lighthouse keeper rang the bell at dawn.\n", encoding="utf-8")
    service.sync(show_bar=False)
    service.remove_document("note.txt")
    kept = service.removed_dir / "note.txt"
    assert not (corpus / "note.txt").exists() and "note.txt" not in {d.name for d in service.documents()}
    assert kept.read_text(encoding="utf-8").startswith("The lighthouse keeper")
    # removed again under the same name: the older copy stays beside the newer
    (corpus / "note.txt").write_text("The ferry left at noon.\n", encoding="utf-8")
    service.sync(show_bar=False)
    service.remove_document("note.txt")
    assert kept.read_text(encoding="utf-8").startswith("The ferry")
    assert len(list(service.removed_dir.glob("note*.txt"))) == 2
    # what is kept is never read as corpus
    assert service.sync(show_bar=False).documents == 0


def test_busy_while_another_thread_writes_the_index(fresh) -> None:  # type: ignore[no-untyped-def]
    """The app's folder watcher waits while an upload indexes what it changed (a review saw the
    page report 'the corpus folder changed (0%)' through an upload)."""
    import threading

    service = fresh()
    assert not service.busy()
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with service._lock:
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    holding.wait(10)
    assert service.busy()
    release.set()
    thread.join(10)
    assert not service.busy()


def test_an_upload_or_removal_notes_the_folder_change_it_indexed_itself(fresh) -> None:  # type: ignore[no-untyped-def]
    """The folder watcher leaves such a change alone: syncing it again reset the page's document
    lists a few seconds later, under a user picking one to remove (a flaky browser test showed it)."""
    service = fresh()
    before = service.corpus_state()
    service.add_document("ferry.txt", b"The ferry left the harbour at noon.\n")
    after = service.corpus_state()
    assert [name for name, *_ in after] == ["ferry.txt"]
    assert service.own_change == (before, after)
    service.remove_document("ferry.txt")
    assert service.own_change == (after, service.corpus_state()) and service.corpus_state() == ()


def test_a_file_changed_after_an_interrupted_run_is_indexed_afresh(
    fresh: Callable[..., QAService], records, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Pieces stored by an interrupted run of a file's older version are not reused for the new one,
    and none of their rows is left once the new version is in."""
    from qa.index import sync

    service = fresh(index_batch_size=4)
    path = service.settings.corpus_dir / "piers.txt"
    path.write_text("\n\n".join(f"Pier {n} was rebuilt in {1900 + n} by crew {n}." for n in range(40)))
    real_index, calls = sync._index_files, {"n": 0}

    def failing_third(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("power cut")
        return real_index(*args, **kwargs)

    monkeypatch.setattr(sync, "_index_files", failing_third)
    with pytest.raises(RuntimeError, match="power cut"):
        service.sync(show_bar=False)
    monkeypatch.setattr(sync, "_index_files", real_index)
    assert service.store.chunks.count() > 0 and service.store.read_manifest()["files"] == {}

    path.write_text("\n\n".join(f"Dock {n} was painted in {1950 + n} by team {n}." for n in range(30)))
    assert service.sync(show_bar=False).problems == []
    clean_root = tmp_path / "clean"
    (clean_root / "corpus").mkdir(parents=True)
    shutil.copy(path, clean_root / "corpus" / "piers.txt")
    clean = QAService(Settings(corpus_dir=clean_root / "corpus", index_dir=clean_root / "index", index_batch_size=4))
    clean.sync(show_bar=False)
    for kind in ("chunks", "sentences"):
        got = sorted((m["start"], m["end"], text) for _, m, text in records(service, kind))
        assert got == sorted((m["start"], m["end"], text) for _, m, text in records(clean, kind)), kind
        parts = service.store.kinds[kind]
        assert sorted(parts.records.list_keys()) == sorted(parts.collection.get(include=[])["ids"])
    assert not list(service.settings.index_dir.glob("progress-*.json"))
