"""Who said what is extracted at ingest and kept with the index, so unchanged files cost nothing."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import qa.attribute.extract as extract_module
import qa.ingest.load as load_module
from qa.service import QAService

Spy = Callable[..., list[str]]
ARTICLE = Path(__file__).resolve().parents[2] / "corpus" / "el-salvador-deportation-offer.txt"


def test_ingest_extracts_once_and_a_new_process_reuses_it(fresh: Callable[..., QAService], spy: Spy) -> None:
    calls = spy(extract_module, "extract_attributions", lambda doc: doc.name)
    service = fresh()
    shutil.copy(ARTICLE, service.settings.corpus_dir / ARTICLE.name)
    service.sync(show_bar=False)
    assert calls == [ARTICLE.name]
    speakers = {a.speaker for a in service.attributions()}
    assert {"Marco Rubio", "Nayib Bukele"} <= speakers

    again = QAService(service.settings)  # a new process would start like this
    again.sync(show_bar=False)
    assert calls == [ARTICLE.name], "an unchanged file is not parsed again"
    assert again.attributions() == service.attributions()

    path = again.settings.corpus_dir / ARTICLE.name
    path.write_text(path.read_text() + "\nThe mayor said the harbour would reopen on Monday.\n")
    again.sync(show_bar=False)
    assert calls == [ARTICLE.name, ARTICLE.name], "a changed file is parsed again"


def test_statements_are_found_again_when_the_extractor_changes(
    fresh: Callable[..., QAService], spy: Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Statements kept on disk by an older extractor would keep its mistakes ("she" said by a man).
    calls = spy(extract_module, "extract_attributions", lambda doc: doc.name)
    service = fresh()
    shutil.copy(ARTICLE, service.settings.corpus_dir / ARTICLE.name)
    monkeypatch.setattr(extract_module, "EXTRACTOR_VERSION", "old")
    service.sync(show_bar=False)
    QAService(service.settings).sync(show_bar=False)
    assert calls == [ARTICLE.name]
    monkeypatch.setattr(extract_module, "EXTRACTOR_VERSION", "new")
    again = QAService(service.settings)
    again.sync(show_bar=False)
    assert calls == [ARTICLE.name, ARTICLE.name]
    assert again.attributions() == service.attributions()


def test_statements_are_found_again_when_the_reader_changes(
    fresh: Callable[..., QAService], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cache of who said what is kept per file; a reader that now gives other text (other
    # offsets) must not leave statements whose offsets point into the old text.
    service = fresh()
    (service.settings.corpus_dir / "council.html").write_text(
        "<p>Engineer <b>Sarah Johnson</b> said the bridge will open in May.</p>", encoding="utf-8"
    )
    real = load_module._html_text
    monkeypatch.setattr("qa.index.sync.READER_VERSIONS", {})
    monkeypatch.setattr("qa.service.library.READER_VERSIONS", {})
    monkeypatch.setattr(load_module, "_html_text", lambda markup, *_: "Council notes\n\n" + real(markup))
    service.sync(show_bar=False)
    assert service.attributions("council.html")
    monkeypatch.undo()
    service.sync(show_bar=False)
    text = service.document("council.html").text
    found = service.attributions("council.html")
    assert found and text.startswith("Engineer Sarah Johnson said")
    for a in found:
        assert text[a.statement_start : a.statement_end] == a.statement
        assert text[a.speaker_start : a.speaker_end] == a.speaker_mention


def test_a_corpus_of_many_files_saves_the_statements_in_batches(
    fresh: Callable[..., QAService], spy: Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The whole cache is written at each save: one save per file made the first extraction of a
    # large corpus quadratic (thousands of files, each save writing megabytes).
    service = fresh()
    text = ARTICLE.read_text()
    for i in range(12):
        (service.settings.corpus_dir / f"copy-{i:02d}.txt").write_text(f"Edition {i}.\n\n{text}")
    saves = spy(os, "replace", lambda src, dst: Path(dst).name)
    service.sync(show_bar=False)
    cache_saves = [name for name in saves if name.startswith("attributions-")]
    assert 1 <= len(cache_saves) <= 3, cache_saves

    again = QAService(service.settings)
    extracted = spy(extract_module, "extract_attributions", lambda doc: doc.name)
    assert again.attributions() == service.attributions()
    assert extracted == [], "every file's statements were saved"
    assert {"Marco Rubio", "Nayib Bukele"} <= {a.speaker for a in again.attributions("copy-11.txt")}
