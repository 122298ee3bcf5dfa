"""What comes back from Chroma (the catalog) still points at exactly its document text."""

from __future__ import annotations

import pytest

from qa.retrieve.hybrid import make_query, retrieve
from qa.service import QAService


def test_catalog_offsets_round_trip_for_every_file_type(mixed_service: QAService, kit) -> None:
    catalog = mixed_service.catalog
    docs = {name: mixed_service.document(name) for name in kit.GOOD_FILES}
    assert {p.doc for p in catalog.passages} == set(docs)
    for passage in catalog.passages:
        assert docs[passage.doc].text[passage.start : passage.end] == passage.text
    for sentence in catalog.sentences:
        doc = docs[sentence.doc]
        assert doc.text[sentence.start : sentence.end] == sentence.text
        passage = catalog.passages[sentence.passage]
        assert passage.doc == sentence.doc and passage.start <= sentence.start < sentence.end <= passage.end


def test_catalog_keeps_pdf_pages(mixed_service: QAService) -> None:
    doc = mixed_service.document("observatory.pdf")
    pages = {p.page for p in mixed_service.catalog.passages if p.doc == "observatory.pdf"}
    assert pages == {1, 2}
    for p in mixed_service.catalog.passages:
        if p.doc == "observatory.pdf":
            assert p.page == doc.page_at(p.start)
        else:
            assert p.page is None


def test_catalog_matches_the_collections(mixed_service: QAService) -> None:
    catalog = mixed_service.catalog
    assert len(catalog.passages) == mixed_service.store.chunks.count()
    frames = mixed_service.store.sentences.get(where={"view": "frame"})["ids"]
    assert len(catalog.sentences) + len(frames) == mixed_service.store.sentences.count()
    assert catalog.sentence_vectors.shape == (len(catalog.sentences), mixed_service.encoder.dimension)
    assert sum(len(ids) for ids in catalog.doc_passages.values()) == len(catalog.passages)


def test_retrieval_finds_the_document_that_holds_the_fact(mixed_service: QAService) -> None:
    cases = {
        "Which radio operator works at the glacier station?": "glacier.html",
        "Who planted the quince trees?": "orchard.md",
        "How wide is the telescope mirror on Mount Kerrigan?": "observatory.pdf",
        "On which day is the Harbour Museum closed?": "harbour.txt",
    }
    catalog = mixed_service.catalog
    for question, doc in cases.items():
        query = make_query(question, mixed_service.encoder.encode([question])[0])
        hits, _ = retrieve(query, catalog, mixed_service.settings)
        assert hits, question
        assert len(hits) <= mixed_service.settings.k
        assert catalog.passages[hits[0].index].doc == doc, question
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True)


def test_a_quoting_sentence_is_as_near_as_its_frame(article_service: QAService) -> None:
    """The frame ("Leti Volpp, a law professor at UC Berkeley ..., told CNN") is stored beside the
    sentence; a question about the speaker scores the sentence by the nearer of the two."""
    catalog, encoder = article_service.catalog, article_service.encoder
    framed = {catalog.sentences[int(s)].text for s in catalog.view_sentence}
    assert len(framed) == len(catalog.view_sentence) == 5  # one per sentence quoting someone
    volpp = next(i for i, s in enumerate(catalog.sentences) if "Leti Volpp" in s.text)
    assert volpp in catalog.view_sentence
    question = "What does Leti Volpp specialize in?"
    vector = encoder.encode([question])[0]
    own = float(catalog.sentence_vectors[volpp] @ vector)
    frame = float(catalog.view_vectors[list(catalog.view_sentence).index(volpp)] @ vector)
    assert frame > own + 0.2  # the quotation drowns the speaker
    _, sig = retrieve(make_query(question, vector), catalog, article_service.settings)
    assert float(sig.sentence_dense[volpp]) == pytest.approx(frame, abs=1e-5)
    answer = article_service.ask("What field does Mneesha Gellman study?")
    assert not answer.abstained and "international politics" in answer.citations[0].quote


def test_a_sentence_opening_with_a_pronoun_knows_the_names_before_it(article_service: QAService) -> None:
    """ "He was reportedly visiting El Salvador ..." follows "Rubio’s announcement came during his
    visit to Central America ...": BM25 and coverage count it as a sentence about Rubio."""
    catalog = article_service.catalog
    texts = [s.text for s in catalog.sentences]
    visiting = next(i for i, t in enumerate(texts) if t.startswith("He was reportedly visiting"))
    assert "Rubio" not in texts[visiting] and texts[visiting - 1].startswith("Rubio’s announcement")
    assert {"rubio", "central", "america"} <= catalog.sentence_terms[visiting]
    scores = catalog.sentences_lexical.scores(["rubio"])
    assert scores[visiting] > 0
    # a sentence that names its own subject takes nothing from the one before
    cecot = next(i for i, t in enumerate(texts) if t.startswith("El Salvador’s Terrorism Confinement Center"))
    assert "bukel" not in catalog.sentence_terms[cecot] and "bukel" in catalog.sentence_terms[cecot - 1]
