"""Dense candidates come from Chroma's HNSW index at every size, and rank exactly as a scan of every
sentence vector (the path taken only when Chroma cannot answer)."""

from __future__ import annotations

import dataclasses

import pytest

from qa.config import Settings
from qa.retrieve.hybrid import make_query, retrieve
from qa.service import QAService

QUESTIONS = [
    "Who made the offer to jail deportees?",
    "What did El Salvador's president offer?",
    "How many inmates can the prison hold?",
    "Where was Marco Rubio travelling?",
    "When was the offer announced?",
    "What did critics say about the mega-prison?",
    "Which gangs are mentioned?",
    "Where does Leti Volpp teach?",
    "Which news network did Volpp speak to?",
    "What would El Salvador get in return?",
    "What is the capital of Australia?",
    "How many deportees has El Salvador already received?",
    "prison",
    "What caused the 1973 oil crisis?",
    "Which countries imposed the embargo?",
    "What is the population of Jacksonville?",
    "When was Jacksonville founded?",
    "What is the capital of Victoria?",
    "How many people live in Melbourne?",
    "What does a construction project manager do?",
    "Who designs buildings?",
]
ARTICLES = ("05-1973-oil-crisis.txt", "17-Jacksonville-Florida.txt", "03-Victoria-Australia.txt", "15-Construction.txt")


@pytest.fixture(scope="module")
def searched(tmp_path_factory: pytest.TempPathFactory, kit) -> QAService:  # type: ignore[no-untyped-def]
    """The article and four squad-dev articles (about 800 sentences): HNSW candidates, small as it is."""
    service = kit.beside_article(tmp_path_factory.mktemp("nearest"), [kit.SQUAD_CORPUS / name for name in ARTICLES])
    assert service.sync(show_bar=False).documents == 5
    assert service.catalog.nearest_sentences is not None
    return service


@pytest.fixture(scope="module")
def scanned(searched: QAService) -> QAService:
    """The same index, every sentence vector scanned (as when the HNSW search fails)."""
    settings = searched.settings
    service = QAService(Settings(corpus_dir=settings.corpus_dir, index_dir=settings.index_dir))
    service._catalog = dataclasses.replace(service.catalog, nearest_sentences=None)
    return service


def test_collections_search_broadly(searched: QAService) -> None:
    """The HNSW search breadth is the setting's, also on a collection made with another one."""
    for kind in ("chunks", "sentences"):
        collection = searched.store.kinds[kind].collection
        assert collection.configuration_json["hnsw"]["ef_search"] == searched.settings.ann_ef
    collection = searched.store.sentences
    collection.modify(configuration={"hnsw": {"ef_search": 10}})
    settings = searched.settings
    reopened = QAService(Settings(corpus_dir=settings.corpus_dir, index_dir=settings.index_dir, ann_ef=321))
    assert reopened.store.sentences.configuration_json["hnsw"]["ef_search"] == 321
    QAService(Settings(corpus_dir=settings.corpus_dir, index_dir=settings.index_dir))  # back to the default


@pytest.mark.parametrize(("k", "candidates"), [(1, 2), (2, 5), (5, 20), (5, 10_000)])
def test_hnsw_candidates_rank_exactly_as_the_full_scan(
    scanned: QAService, searched: QAService, k: int, candidates: int
) -> None:
    scan, ann = scanned.catalog, searched.catalog
    assert len(scan.sentences) == len(ann.sentences) > 400
    assert len(scan.view_sentence) == len(ann.view_sentence) > 0  # quoting sentences' frames count too
    settings = Settings(k=k, ann_candidates=candidates)
    partly_scored = 0
    for question in QUESTIONS:
        query = make_query(question, scanned.encoder.encode([question])[0])
        expected, full = retrieve(query, scan, settings)
        got, bounded = retrieve(query, ann, settings)
        assert [h.index for h in got] == [h.index for h in expected], question
        for a, b in zip(got, expected, strict=True):
            assert a.score == pytest.approx(b.score, abs=1e-5)
            assert [s.index for s in a.sentences] == [s.index for s in b.sentences]
            assert [s.dense for s in a.sentences] == pytest.approx([s.dense for s in b.sentences], abs=1e-5)
        # The best sentence anywhere (abstention reads it) is the same.
        assert float(bounded.sentence_dense.max()) == pytest.approx(float(full.sentence_dense.max()), abs=1e-5)
        partly_scored += int((bounded.sentence_dense == -1.0).any())
    if candidates < 100:
        assert partly_scored > 0  # the bound did spare sentences, so the comparison above means something


def test_answers_are_the_same_through_either_path(scanned: QAService, searched: QAService) -> None:
    for question in QUESTIONS:
        assert searched.ask(question).text == scanned.ask(question).text, question
