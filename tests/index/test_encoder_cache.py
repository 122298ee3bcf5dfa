"""The ONNX export is made once per machine: a new index copies it from the cache, without torch."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qa.index import encoder_cache, onnx_encoder
from qa.service import QAService


def _index(base: Path, kit, **overrides: object) -> QAService:  # type: ignore[no-untyped-def]
    """A new index of the harbour file with an encoder folder of its own."""
    (base / "corpus").mkdir(parents=True)
    (base / "corpus" / "harbour.txt").write_text(kit.TXT)
    return QAService(kit.make_settings(base, encoder_dir=None, **overrides))


def _entry(cache: Path) -> Path:
    entries = [p for p in cache.iterdir() if not p.name.startswith(".")]
    assert len(entries) == 1, entries
    return entries[0]


def test_a_new_index_copies_the_export_from_the_cache_without_torch(tmp_path: Path, kit, spy) -> None:
    cache = tmp_path / "cache"
    exports = spy(onnx_encoder, "export", lambda *args, **kwargs: args[1])
    first = _index(tmp_path / "first", kit, encoder_cache=cache)
    first.sync(show_bar=False)
    assert len(exports) == 1  # made once, in the cache
    entry = _entry(cache)
    sums = json.loads((entry / encoder_cache.SUMS).read_text())
    slug = first.encoder._slug
    assert sorted(sums) == [f"{slug}.json", f"{slug}.onnx"]
    own = first.settings.index_dir / "encoder"
    # the index holds a copy of the file it embeds with, not the cache's float source
    assert sorted(p.name for p in own.iterdir()) == sorted(sums)
    assert (own / f"{slug}.onnx").read_bytes() == (entry / f"{slug}.onnx").read_bytes()

    # A second index, in a process of its own: nothing exported, torch never imported.
    second = tmp_path / "second"
    (second / "corpus").mkdir(parents=True)
    (second / "corpus" / "harbour.txt").write_text(kit.TXT)
    script = (
        "import sys\n"
        "from qa.service import QAService\n"
        "service = QAService()\n"
        "report = service.sync(show_bar=False)\n"
        "answer = service.ask('Who was the first curator?')\n"
        "print(report.added, 'torch' in sys.modules, 'Agnes Whitcombe' in answer.text)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env.update(QA_CORPUS_DIR=str(second / "corpus"), QA_INDEX_DIR=str(second / "index"), QA_ENCODER_CACHE=str(cache))
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    added, torch_loaded, answered = out.stdout.split()
    assert int(added) > 0 and torch_loaded == "False" and answered == "True"
    assert (second / "index" / "encoder" / f"{slug}.onnx").read_bytes() == (entry / f"{slug}.onnx").read_bytes()

    # Both indexes embed questions alike: the same graph.
    again = QAService(first.settings)
    questions = ["Who catalogued the seashells?"]
    assert np.array_equal(again.encoder.encode(questions), first.encoder.encode(questions))


def test_a_damaged_entry_is_made_again_and_an_index_keeps_its_own_copy(tmp_path: Path, kit, spy) -> None:
    cache = tmp_path / "cache"
    first = _index(tmp_path / "first", kit, encoder_cache=cache)
    first.sync(show_bar=False)
    entry = _entry(cache)
    graph = entry / f"{first.encoder._slug}.onnx"
    graph.write_bytes(graph.read_bytes()[:-1000] + bytes(1000))  # loadable length, changed bytes

    # the first index never reads the cache again: it answers from its own copy
    assert "Agnes Whitcombe" in QAService(first.settings).ask("Who was the first curator?").text

    exports = spy(onnx_encoder, "export", lambda *args, **kwargs: args[1])
    second = _index(tmp_path / "second", kit, encoder_cache=cache)
    second.sync(show_bar=False)
    assert len(exports) == 1  # the damaged entry was noticed and made again, not copied
    sums = json.loads((_entry(cache) / encoder_cache.SUMS).read_text())
    copied = second.settings.index_dir / "encoder" / graph.name
    assert encoder_cache._sha256(copied) == sums[graph.name] == encoder_cache._sha256(graph)
    assert "Agnes Whitcombe" in second.ask("Who was the first curator?").text


def test_an_entry_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    cache = tmp_path / "cache"

    def dies(folder: Path) -> list[str]:
        (folder / "half.onnx").write_bytes(b"half a graph")
        raise RuntimeError("killed while exporting")

    with pytest.raises(RuntimeError):
        encoder_cache.build(cache, "entry", dies)
    assert list(cache.iterdir()) == []
    assert not encoder_cache.fetch(cache, "entry", ["half.onnx"], tmp_path / "index")

    # an entry folder without its sums (not made by `build`) is replaced, not used
    (cache / "entry").mkdir()
    (cache / "entry" / "half.onnx").write_bytes(b"stray")

    def makes(folder: Path) -> list[str]:
        (folder / "g.onnx").write_bytes(b"graph")
        return ["g.onnx"]

    encoder_cache.build(cache, "entry", makes)
    assert encoder_cache.fetch(cache, "entry", ["g.onnx"], tmp_path / "index")
    assert (tmp_path / "index" / "g.onnx").read_bytes() == b"graph"
    assert sorted(p.name for p in (cache / "entry").iterdir()) == ["g.onnx", encoder_cache.SUMS]


def test_an_unusable_cache_leaves_the_export_to_the_index(tmp_path: Path, kit, caplog) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    service = _index(tmp_path / "index", kit, encoder_cache=blocked)
    with caplog.at_level("WARNING"):
        report = service.sync(show_bar=False)
    assert report.added > 0 and "encoder cache" in caplog.text
    assert service.encoder._onnx() is not None  # exported into the index's own folder
    assert (service.settings.index_dir / "encoder" / f"{service.encoder._slug}.onnx").is_file()
    assert "Agnes Whitcombe" in service.ask("Who was the first curator?").text


def test_the_entry_is_named_by_what_the_export_depends_on(tmp_path: Path, kit) -> None:
    from qa.index.embeddings import model_path

    folder = model_path("all-MiniLM-L6-v2")
    key = encoder_cache.entry_key("slug", "all-MiniLM-L6-v2", folder, True)
    assert key == encoder_cache.entry_key("slug", "all-MiniLM-L6-v2", folder, True)
    assert key != encoder_cache.entry_key("slug", "all-MiniLM-L6-v2", folder, False)
    copy = tmp_path / "model"
    shutil.copytree(folder, copy)
    assert key != encoder_cache.entry_key("slug", "all-MiniLM-L6-v2", copy, True)
