"""Near-duplicate passages (the same article saved twice) are shown once."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest

from qa.config import Settings
from qa.retrieve.hybrid import make_query, retrieve
from qa.service import QAService

QUESTION = "What is El Salvador's largest prison called?"


@pytest.fixture
def doubled(fresh: Callable[..., QAService], kit: SimpleNamespace) -> QAService:
    """The article, plus a re-posted copy with a different name and a line of its own at the end."""
    service = fresh()
    corpus = service.settings.corpus_dir
    text = kit.ARTICLE.read_text(encoding="utf-8")
    (corpus / kit.ARTICLE_NAME).write_text(text, encoding="utf-8")
    copy = text + "\n\nReposted with permission.\n"
    (corpus / "reposted.txt").write_text(copy, encoding="utf-8")
    service.sync(show_bar=False)
    return service


def _passage_texts(service: QAService, settings: Settings) -> list[str]:
    catalog = service.catalog
    vector = service.encoder.encode([QUESTION])[0]
    hits, _ = retrieve(make_query(QUESTION, vector), catalog, settings)
    return [catalog.passages[h.index].text.strip() for h in hits]


def test_a_reposted_copy_does_not_fill_the_results(doubled: QAService) -> None:
    texts = _passage_texts(doubled, doubled.settings)
    # Five passages in all: the article's two, their two copies and the copy's own last line.
    assert len(doubled.catalog.passages) == 5
    assert len(texts) == len(set(texts)) == 3
    # Without the collapsing the copy's passages would come back beside their originals.
    keep_all = doubled.settings.model_copy(update={"duplicate_cosine": 1.01})
    assert len(set(_passage_texts(doubled, keep_all))) < len(_passage_texts(doubled, keep_all))


def test_the_answer_cites_one_copy(doubled: QAService) -> None:
    answer = doubled.ask(QUESTION)
    assert not answer.abstained
    quoted = [(c.quote, c.passage.strip()) for c in answer.citations]
    assert len(quoted) == len(set(quoted))
    related = [c.passage.strip() for c in answer.passages]
    assert len(related) == len(set(related))
