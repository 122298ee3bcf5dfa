"""BM25 is saved beside the index and memory-mapped when the index is opened again, never rebuilt
then; it is built again when the index changes, and a damaged or stale saved copy is never used.
Answers do not change: the loaded indexes score exactly as freshly built ones, and `qa eval` gives
the same figures and the same answers."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qa.evaluate.run import evaluate, load_items
from qa.retrieve import catalog as catalog_module
from qa.retrieve.catalog import Catalog
from qa.retrieve.lexical import terms
from qa.service import QAService

ARTICLES = ("05-1973-oil-crisis.txt", "17-Jacksonville-Florida.txt", "03-Victoria-Australia.txt")
QUESTIONS = [
    ("When did the 1973 oil crisis begin?", ["October 1973"]),
    ("Who negotiated an Israeli troop withdrawal from the Sinai?", ["Henry Kissinger"]),
    ("What was the price of oil per barrel before the embargo?", ["US$3", "$3"]),
    ("When did the United States pull out of the Bretton Woods Accord?", ["August 15, 1971"]),
    ("What is the county seat of Duval County?", ["Jacksonville"]),
    ("What was the estimated population of Jacksonville in 2014?", ["853,382"]),
    ("Which river is Jacksonville centered on?", ["St. Johns River"]),
    ("Which people originally inhabited the Jacksonville area?", ["Timucua"]),
    ("Where is the largest stadium in Australia?", ["Melbourne Cricket Ground"]),
    ("Which Olympics did the Melbourne Cricket Ground host?", ["1956 Summer Olympics"]),
    ("Who made the offer to jail deportees?", ["Bukele"]),
    ("What is the recipe for pupusas?", []),
]
KINDS = ("chunks", "sentences", "docs")


@pytest.fixture(scope="module")
def corpus_root(tmp_path_factory: pytest.TempPathFactory, kit) -> Path:  # type: ignore[no-untyped-def]
    """Three squad-dev articles and the news article, indexed once (their BM25 saved then)."""
    base = tmp_path_factory.mktemp("lexical-cache")
    service = kit.beside_article(base, [kit.SQUAD_CORPUS / name for name in ARTICLES])
    assert service.sync(show_bar=False).documents == 4
    return base


def _copy(root: Path, tmp_path: Path) -> Path:
    shutil.copytree(root, tmp_path / "copy")
    return tmp_path / "copy"


def _builds(spy: Callable[..., list[Any]]) -> list[Any]:
    return spy(catalog_module, "_build_lexicals", lambda catalog, titles: len(catalog.passages))


def _saved(root: Path) -> list[Path]:
    folders = list((root / "index" / "bm25").glob("*/*"))
    return [f for f in folders if not f.name.startswith(".tmp-")]


def _assert_same_bm25(got: Catalog, built: dict[str, Any], probes: list[list[str]]) -> None:
    for kind, lex in zip(KINDS, (got.chunks_lexical, got.sentences_lexical, got.docs_lexical), strict=True):
        ref = built[kind]
        assert lex.size == ref.size and lex.vocab == ref.vocab, kind
        for probe in probes:
            assert np.array_equal(lex.scores(probe), ref.scores(probe)), (kind, probe)
        for term in [*list(ref.vocab)[:2000], "neverseenterm"]:
            assert lex.weight(term) == ref.weight(term), (kind, term)


def test_reopened_index_maps_its_saved_bm25_and_scores_exactly_as_built(
    corpus_root: Path, tmp_path: Path, kit, spy: Callable[..., list[Any]]
) -> None:  # type: ignore[no-untyped-def]
    root = _copy(corpus_root, tmp_path)
    assert len(_saved(root)) == 1  # saved by the sync that built the index
    builds = _builds(spy)
    catalog = QAService(kit.make_settings(root)).catalog
    assert builds == []  # opened, not built
    for lex in (catalog.chunks_lexical, catalog.sentences_lexical, catalog.docs_lexical):
        assert isinstance(lex.model.scores["data"], np.memmap)  # read from disk on demand, not copied in
    built = catalog_module._build_lexicals(catalog, _titles(catalog))
    probes = [terms(q) for q, _ in QUESTIONS] + [[t] for t in list(built["sentences"].vocab)[:300]]
    _assert_same_bm25(catalog, built, probes)
    assert [catalog.sentence_terms[i] for i in range(len(catalog.sentences))] == [
        frozenset(catalog_module.sentence_terms(catalog.sentences, i)) for i in range(len(catalog.sentences))
    ]


def _titles(catalog: Catalog) -> dict[str, list[str]]:
    from qa.ingest.load import doc_title

    return {name: terms(doc_title(name)) for name in catalog.doc_names}


def _question_file(path: Path) -> Path:
    rows = [
        {"id": f"q{i}", "question": q, "answers": a} if a else {"id": f"q{i}", "question": q, "answerable": False}
        for i, (q, a) in enumerate(QUESTIONS)
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def _eval(service: QAService, questions: Path, out: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    summary = evaluate(service, load_items(questions), out)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    for row in rows:
        row.pop("latency_ms")
    return {k: v for k, v in summary.items() if "latency" not in k}, rows


def test_qa_eval_gives_the_same_figures_and_answers_from_saved_bm25(
    corpus_root: Path, tmp_path: Path, kit, spy: Callable[..., list[Any]]
) -> None:  # type: ignore[no-untyped-def]
    built_root, loaded_root = _copy(corpus_root, tmp_path / "a"), _copy(corpus_root, tmp_path / "b")
    shutil.rmtree(built_root / "index" / "bm25")  # as before BM25 was saved: built when opened
    builds = _builds(spy)
    questions = _question_file(tmp_path / "questions.jsonl")
    built = _eval(QAService(kit.make_settings(built_root)), questions, tmp_path / "built.jsonl")
    assert len(builds) == 1
    loaded = _eval(QAService(kit.make_settings(loaded_root)), questions, tmp_path / "loaded.jsonl")
    assert len(builds) == 1  # the second service mapped its saved BM25
    assert loaded == built
    summary = built[0]
    assert summary["questions"] == len(QUESTIONS) and summary["accuracy"] >= 0.5, summary


def _rewrite(path: Path, data: bytes) -> None:
    """A new file in its place: the copy the reference catalog has mapped stays as it was."""
    path.with_suffix(".new").write_bytes(data)
    path.with_suffix(".new").replace(path)


def _damage(folder: Path) -> None:
    data = folder / "sentences" / "data.csc.index.npy"
    raw = bytearray(data.read_bytes())
    raw[-8:] = b"\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f"  # the last scores: same size, other values
    _rewrite(data, bytes(raw))


def _half_written(folder: Path) -> None:
    (folder / "lexical.json").unlink()  # a crash before the record was written


def _truncated(folder: Path) -> None:
    path = folder / "chunks" / "indices.csc.index.npy"
    _rewrite(path, path.read_bytes()[:100])


def _other_version(folder: Path) -> None:
    record = json.loads((folder / "lexical.json").read_text())
    record["format"] = -1
    _rewrite(folder / "lexical.json", json.dumps(record).encode())


@pytest.mark.parametrize("harm", [_damage, _half_written, _truncated, _other_version])
def test_a_damaged_saved_bm25_is_built_again_not_trusted(
    corpus_root: Path, tmp_path: Path, kit, spy: Callable[..., list[Any]], harm: Callable[[Path], None]
) -> None:  # type: ignore[no-untyped-def]
    root = _copy(corpus_root, tmp_path)
    reference = QAService(kit.make_settings(root)).catalog
    [folder] = _saved(root)
    harm(folder)
    builds = _builds(spy)
    catalog = QAService(kit.make_settings(root)).catalog
    assert len(builds) == 1
    probes = [terms(q) for q, _ in QUESTIONS]
    built = {
        "chunks": reference.chunks_lexical,
        "sentences": reference.sentences_lexical,
        "docs": reference.docs_lexical,
    }
    _assert_same_bm25(catalog, built, probes)
    assert [f.name for f in _saved(root)] == [folder.name]  # saved again, whole
    assert QAService(kit.make_settings(root)).catalog.sentences
    assert len(builds) == 1  # and used from then on


def test_bm25_follows_the_index_when_a_document_is_added_or_removed(
    corpus_root: Path, tmp_path: Path, kit, spy: Callable[..., list[Any]]
) -> None:  # type: ignore[no-untyped-def]
    root = _copy(corpus_root, tmp_path)
    service = QAService(kit.make_settings(root))
    [first] = _saved(root)
    builds = _builds(spy)
    name, report = service.add_document("orchard.md", kit.MD.encode())
    assert report.added > 0 and len(builds) == 1
    [second] = _saved(root)
    assert second.name != first.name  # another state of the index, another folder; the old one is gone
    assert "Tobias Renner" in service.ask("Who planted the quince trees?").text  # found by BM25 too
    reopened = QAService(kit.make_settings(root)).catalog
    assert len(builds) == 1 and "renner" in reopened.sentences_lexical.vocab
    service.remove_document(name)
    assert len(builds) == 2
    [third] = _saved(root)
    assert third.name == first.name  # the same rows as at first: the same fingerprint
    assert "renner" not in service.catalog.sentences_lexical.vocab
