"""The embedding model names the collections, so switching models never mixes vectors."""

from __future__ import annotations

import shutil
from pathlib import Path

from qa.index.embeddings import model_path
from qa.service import QAService


def test_a_different_model_indexes_into_its_own_collections(tmp_path: Path, kit, count_encodes) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "harbour.txt").write_text(kit.TXT)
    default = QAService(kit.make_settings(tmp_path))
    default.sync(show_bar=False)
    default_ids = sorted(default.store.chunks.get(include=[])["ids"])

    folder = tmp_path / "models" / "my-minilm"
    shutil.copytree(model_path(default.settings.model), folder)
    other = QAService(kit.make_settings(tmp_path, model=str(folder)))
    assert other.store.chunks.name != default.store.chunks.name
    assert other.store.sentences.name != default.store.sentences.name
    assert other.store.chunks.count() == 0, "a new model starts from an empty collection"

    counter = count_encodes(other)
    report = other.sync(show_bar=False)
    assert report.added > 0 and counter.texts > 0, "files are embedded again with the new model"
    assert other.store.chunks.count() == len(default_ids)
    assert other.store.chunks.metadata["model"] == str(folder)
    assert default.store.chunks.metadata["model"] == default.settings.model
    # the first model's collection is untouched and still answers
    assert sorted(default.store.chunks.get(include=[])["ids"]) == default_ids
    again = QAService(kit.make_settings(tmp_path)).sync(show_bar=False)
    assert again.added == 0
    answer = other.ask("Who catalogued the seashells?")
    assert not answer.abstained and "Agnes Whitcombe" in answer.text
