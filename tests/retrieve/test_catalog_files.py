"""The catalog is saved beside the index and memory-mapped, its records read on demand: opening an
index again reads nothing back from Chroma, what is read equals what Chroma stores, a changed
index is saved again, and a damaged saved copy is never used."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qa.retrieve import catalog_files
from qa.retrieve.catalog import Catalog
from qa.retrieve.records import PassageRecords, SentenceRecords, read_rows
from qa.service import QAService

ARTICLES = ("05-1973-oil-crisis.txt", "17-Jacksonville-Florida.txt")
QUESTIONS = [
    "When did the 1973 oil crisis begin?",
    "Who negotiated an Israeli troop withdrawal from the Sinai?",
    "What is the county seat of Duval County?",
    "Which river is Jacksonville centered on?",
    "Who made the offer to jail deportees?",
    "Where does Leti Volpp teach?",
    "What is the recipe for pupusas?",
]


@pytest.fixture(scope="module")
def corpus_root(tmp_path_factory: pytest.TempPathFactory, kit) -> Path:  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("catalog-files")
    service = kit.beside_article(base, [kit.SQUAD_CORPUS / name for name in ARTICLES])
    assert service.sync(show_bar=False).documents == 3
    return base


def _copy(root: Path, tmp_path: Path) -> Path:
    shutil.copytree(root, tmp_path / "copy")
    return tmp_path / "copy"


def _saved(root: Path) -> list[Path]:
    return [f for f in (root / "index" / "catalog").glob("*/*") if not f.name.startswith(".tmp-")]


def _writes(spy: Callable[..., list[Any]]) -> list[Any]:
    return spy(catalog_files, "_write", lambda store, folder, key: key)


def _contents(catalog: Catalog) -> dict[str, Any]:
    """Everything the catalog reads, copied (a mapped file harmed later must not change it)."""
    arrays = ("passage_vectors", "sentence_vectors", "view_vectors", "view_sentence", "first_sentence")
    got: dict[str, Any] = {name: np.array(getattr(catalog, name)) for name in arrays}
    got.update(passages=list(catalog.passages), sentences=list(catalog.sentences))
    got.update(doc_passages=catalog.doc_passages, doc_names=catalog.doc_names)
    return got


def _same(a: Catalog, b: dict[str, Any]) -> None:
    got = _contents(a)
    for name, value in b.items():
        assert np.array_equal(got[name], value) if isinstance(value, np.ndarray) else got[name] == value, name


def test_records_equal_what_chroma_stores_and_are_read_on_demand(corpus_root: Path, kit) -> None:  # type: ignore[no-untyped-def]
    service = QAService(kit.make_settings(corpus_root))
    catalog = service.catalog
    assert isinstance(catalog.passages, PassageRecords) and isinstance(catalog.sentences, SentenceRecords)
    assert isinstance(catalog.sentence_vectors, np.memmap)  # mapped, not copied into the process
    stored = service.store.chunks.get(include=["documents", "metadatas", "embeddings"])
    by_id = dict(
        zip(
            stored["ids"], zip(stored["documents"], stored["metadatas"], stored["embeddings"], strict=True), strict=True
        )
    )
    assert len(catalog.passages) == len(by_id)
    for row, passage in enumerate(catalog.passages):
        text, meta, vector = by_id[passage.id]
        assert (passage.text, passage.doc, passage.start, passage.end) == (
            text,
            meta["source"],
            meta["start"],
            meta["end"],
        )
        assert np.array_equal(catalog.passage_vectors[row], np.asarray(vector, dtype=np.float32))
    sentences = service.store.sentences.get(include=["metadatas", "embeddings"])
    own = 0
    for key, meta, vector in zip(sentences["ids"], sentences["metadatas"], sentences["embeddings"], strict=True):
        [row] = catalog.rows_of_ids([key])  # how an HNSW result is found
        ref = catalog.sentences[row]
        assert (ref.doc, ref.start, ref.end) == (meta["source"], meta["start"], meta["end"])
        if not meta.get("view"):
            own += 1
            assert np.array_equal(catalog.sentence_vectors[row], np.asarray(vector, dtype=np.float32))
            passage = catalog.passages[ref.passage]
            assert ref.text == passage.text[ref.start - passage.start : ref.end - passage.start]
        else:
            assert row in catalog.view_sentence
    assert own == len(catalog.sentences)
    assert catalog.rows_of_ids(["no-such-id", *sentences["ids"][:3]]) == catalog.rows_of_ids(sentences["ids"][:3])
    assert [s for s in catalog.sentences] == [catalog.sentences[i] for i in range(len(catalog.sentences))]


def test_reopened_index_maps_its_saved_catalog_and_answers_the_same(
    corpus_root: Path, tmp_path: Path, kit, spy: Callable[..., list[Any]]
) -> None:  # type: ignore[no-untyped-def]
    root = _copy(corpus_root, tmp_path)
    first = QAService(kit.make_settings(root))
    writes = _writes(spy)
    again = QAService(kit.make_settings(root))
    _same(again.catalog, _contents(first.catalog))
    assert writes == []  # nothing read back from Chroma
    for question in QUESTIONS:
        assert again.ask(question).text == first.ask(question).text, question


def _truncated(folder: Path) -> None:
    path = folder / "sentence_vectors.npy"
    path.write_bytes(path.read_bytes()[:-100])


def _half_written(folder: Path) -> None:
    (folder / "catalog.json").unlink()


def _other_version(folder: Path) -> None:
    record = json.loads((folder / "catalog.json").read_text())
    record["format"] = -1
    (folder / "catalog.json").write_text(json.dumps(record))


@pytest.mark.parametrize("harm", [_truncated, _half_written, _other_version])
def test_a_damaged_saved_catalog_is_read_again_not_trusted(
    corpus_root: Path, tmp_path: Path, kit, spy: Callable[..., list[Any]], harm: Callable[[Path], None]
) -> None:  # type: ignore[no-untyped-def]
    root = _copy(corpus_root, tmp_path)
    reference = _contents(QAService(kit.make_settings(root)).catalog)
    [folder] = _saved(root)
    harm(folder)
    writes = _writes(spy)
    _same(QAService(kit.make_settings(root)).catalog, reference)
    assert len(writes) == 1
    assert [f.name for f in _saved(root)] == [folder.name]
    QAService(kit.make_settings(root)).catalog  # noqa: B018
    assert len(writes) == 1  # and used from then on


def test_the_saved_catalog_follows_the_index(corpus_root: Path, tmp_path: Path, kit) -> None:  # type: ignore[no-untyped-def]
    root = _copy(corpus_root, tmp_path)
    service = QAService(kit.make_settings(root))
    [first] = _saved(root)
    name, report = service.add_document("orchard.md", kit.MD.encode())
    assert report.added > 0
    [second] = _saved(root)
    assert second.name != first.name  # another state, another folder; the old one is gone
    assert "Tobias Renner" in service.ask("Who planted the quince trees?").text
    assert "orchard.md" in QAService(kit.make_settings(root)).catalog.doc_names
    service.remove_document(name)
    assert "orchard.md" not in service.catalog.doc_names
    assert len(_saved(root)) == 1


def test_vector_rows_are_read_exactly_as_indexed(corpus_root: Path, kit) -> None:  # type: ignore[no-untyped-def]
    catalog = QAService(kit.make_settings(corpus_root)).catalog
    vectors = catalog.sentence_vectors
    rng = np.random.default_rng(0)
    for rows in (
        np.arange(5, 40),
        np.sort(rng.choice(len(vectors), 50, replace=False)),
        rng.choice(len(vectors), 50),  # any order, repeats
        np.array([len(vectors) - 1]),
        np.zeros(0, dtype=np.int64),
    ):
        assert np.array_equal(read_rows(vectors, rows), np.asarray(vectors)[rows])


def test_a_catalog_in_use_still_reads_its_vectors_once_its_folder_is_replaced(
    corpus_root: Path, tmp_path: Path, kit
) -> None:  # type: ignore[no-untyped-def]
    """Questions asked while an upload is indexed are answered from the catalog opened before it,
    whose folder the new state's saving removes."""
    root = _copy(corpus_root, tmp_path)
    service = QAService(kit.make_settings(root))
    old = service.catalog
    before = service.ask(QUESTIONS[0]).text
    [folder] = _saved(root)
    shutil.rmtree(folder)
    rows = np.arange(0, 10)
    assert np.array_equal(read_rows(old.sentence_vectors, rows), np.asarray(old.sentence_vectors)[rows])
    service._catalog = old
    assert service.ask(QUESTIONS[0]).text == before
