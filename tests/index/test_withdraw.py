"""An upload whose indexing fails leaves the corpus folder and the index as they were.

The upload's file is copied into the corpus before it is indexed; a failure after that (the encoder,
a store write) used to leave the file there, and any rows already written in the index.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qa.service import QAService

TRAMS = "The Ostvik tram depot repaints its trams green every spring.\n\nIts oldest tram dates from 1911.\n"


def _state(service: QAService) -> tuple[list[str], dict[str, list[str]], dict[str, list[str]], dict[str, str]]:
    """The corpus listing (hidden files too), each collection's ids, the record managers' keys, the manifest."""
    listing = sorted(p.name for p in service.settings.corpus_dir.iterdir())
    ids = {kind: sorted(parts.collection.get(include=[])["ids"]) for kind, parts in service.store.kinds.items()}
    keys = {kind: sorted(parts.records.list_keys()) for kind, parts in service.store.kinds.items()}
    return listing, ids, keys, dict(service.store.read_manifest()["files"])


def _failing_encoder(service: QAService, monkeypatch: pytest.MonkeyPatch) -> None:
    """Embedding fails before anything is written."""

    def prepare(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the encoder ran out of memory")

    monkeypatch.setattr(service.encoder, "prepare", prepare)


def _failing_sentence_write(service: QAService, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The passages are written; the sentences' write fails (the rows written stay in the store).
    Returns the number of passages stored when it fails."""
    sentences = service.store.kinds["sentences"].vectorstore
    stored: list[int] = []

    def add_documents(*args: Any, **kwargs: Any) -> list[str]:
        stored.append(service.store.chunks.count())
        raise OSError("disk full")

    monkeypatch.setattr(sentences, "add_documents", add_documents)
    return stored


@pytest.mark.parametrize("failure", [_failing_encoder, _failing_sentence_write], ids=["encoder", "store-write"])
def test_a_failed_upload_leaves_corpus_and_index_as_they_were(
    fresh: Callable[..., QAService], kit, monkeypatch: pytest.MonkeyPatch, failure: Callable[..., list[int] | None]
) -> None:
    service = kit.indexed(fresh(), {"harbour.txt": kit.TXT})
    before = _state(service)
    stored = failure(service, monkeypatch)
    with pytest.raises((RuntimeError, OSError)):
        service.add_document("trams.txt", TRAMS.encode())
    if stored is not None:
        assert stored[0] > len(before[1]["chunks"]), "the upload's passages were stored before the failure"
    assert _state(service) == before
    assert [d.name for d in service.documents()] == ["harbour.txt"]

    monkeypatch.undo()
    name, report = service.add_document("trams.txt", TRAMS.encode())
    assert name == "trams.txt" and report.problems == [] and report.added > 0
    assert "green" in service.ask("What colour does the Ostvik depot paint its trams?").text


def test_rows_left_while_the_store_was_unreachable_go_before_the_next_read(
    fresh: Callable[..., QAService], kit, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """When even removing the rows fails, the name is noted; the next refresh or sync removes them
    before anything reads the index, and a later upload of the same name is indexed afresh."""
    from qa.index.store import Store

    service = kit.indexed(fresh(), {"harbour.txt": kit.TXT})
    before = _state(service)
    _failing_sentence_write(service, monkeypatch)
    real_delete = Store.delete_source

    def unreachable(self: Store, source: str) -> int:
        raise ConnectionError("the store is not answering")

    monkeypatch.setattr(Store, "delete_source", unreachable)
    with pytest.raises(OSError, match="disk full"):
        service.add_document("trams.txt", TRAMS.encode())
    assert not (service.settings.corpus_dir / "trams.txt").exists()
    assert _state(service)[1] != before[1]  # the passages written are still in the store
    with pytest.raises(ConnectionError):  # a store that does not answer: the note is kept
        service.refresh()
    monkeypatch.setattr(Store, "delete_source", real_delete)

    restarted = QAService(service.settings)  # as after a restart of the app
    restarted.refresh()
    assert _state(restarted) == before
    assert [d.name for d in restarted.documents()] == ["harbour.txt"]
    monkeypatch.undo()
    name, report = restarted.add_document("trams.txt", TRAMS.encode())
    assert name == "trams.txt" and report.added > 0
    assert restarted.sync(show_bar=False).added == 0
