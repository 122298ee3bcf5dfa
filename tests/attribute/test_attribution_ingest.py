"""Who said what is extracted at ingest and kept with the index, so unchanged files cost nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import qa.attribute.extract as extract_module
from qa.service import QAService

ARTICLE = Path(__file__).resolve().parents[2] / "corpus" / "el-salvador-deportation-offer.txt"


def test_ingest_extracts_once_and_a_new_process_reuses_it(
    fresh: Callable[..., QAService], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = extract_module.extract_attributions

    def counted(doc):  # instrumentation around the real extractor
        calls.append(doc.name)
        return real(doc)

    monkeypatch.setattr(extract_module, "extract_attributions", counted)
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
