"""A large file is indexed in pieces, each committed on its own: `qa ingest` killed in the middle
of one (SIGKILL, a real subprocess, a real Chroma store) resumes at the first piece it had not
committed, and the resumed index equals a clean one.

The file is generated: about 2 MB of long sentences, most of them repeated (so embedding it stays
cheap here) and every twentieth paragraph opening with a sentence of its own, so each piece holds
texts no other piece holds. The resumed run must embed none of the texts only committed pieces hold.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qa.config import Settings
from qa.index.resume import cut
from qa.index.sync import chunk_documents, sync_corpus
from qa.ingest.load import load_document
from qa.ingest.split import split_document
from qa.schema import IngestReport
from qa.service import QAService

BIN = Path(sys.executable).parent
BATCH = 256  # texts per piece: about twenty pieces in this file
WORDS = [
    "depot",
    "wheel",
    "lantern",
    "yard",
    "gate",
    "tram",
    "paint",
    "recipe",
    "crew",
    "switch",
    "canteen",
    "barley",
    "clock",
    "office",
    "cistern",
    "roof",
    "shed",
    "bay",
    "ledger",
    "route",
]


def _paragraph(n: int) -> str:
    body = " ".join(WORDS[(n // 20 % 5 + k) % len(WORDS)] for k in range(140))
    mark = f"Ledger entry {n} names tram {n * 7 % 9973}. " if n % 20 == 0 else ""
    return f"{mark}The {body}."


def _corpus(root: Path, kit) -> Path:  # type: ignore[no-untyped-def]
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "ledger.txt").write_text("\n\n".join(_paragraph(n) for n in range(2500)) + "\n", encoding="utf-8")
    (corpus / "harbour.txt").write_text(kit.TXT, encoding="utf-8")
    assert (corpus / "ledger.txt").stat().st_size > 2_000_000
    return corpus


def _settings(corpus: Path, index: Path) -> Settings:
    return Settings(corpus_dir=corpus, index_dir=index, index_batch_size=BATCH)


def _note(index: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(next(index.glob("progress-*.json")).read_text()))
    except (StopIteration, OSError, ValueError):
        return {}


def _rows(service: QAService, records: Callable[..., list[tuple[str, dict, str]]]) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    for kind, parts in service.store.kinds.items():
        got = records(service, kind)
        ids = [i for i, _, _ in got]
        assert sorted(parts.records.list_keys()) == sorted(ids), f"{kind}: record manager out of step"
        out[kind] = Counter((str(m["source"]), int(m["start"]), int(m["end"]), m.get("view"), t) for _, m, t in got)
    return out


def _encoded(service: QAService, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Instrumentation: every text the real encoder embeds."""
    texts: list[str] = []
    real = service.encoder.encode

    def encode(batch: list[str], **kwargs: Any):  # type: ignore[no-untyped-def]
        texts.extend(batch)
        return real(batch, **kwargs)

    monkeypatch.setattr(service.encoder, "encode", encode)
    return texts


def _sync(service: QAService) -> IngestReport:
    """What `qa ingest` runs, without what follows it (the catalog, who-said-what extraction of a
    2 MB file): only the index is compared here."""
    return sync_corpus(service.settings, service.store, show_bar=False)


def _piece_texts(corpus: Path, settings: Settings) -> list[set[str]]:
    doc = load_document(corpus / "ledger.txt", name="ledger.txt")
    chunks = list(split_document(doc, settings.chunk_size, settings.chunk_overlap))
    return [{d.page_content for _, d in chunk_documents(part)} for part in cut(chunks, BATCH)]


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_ingest_killed_mid_file_resumes_without_embedding_committed_pieces(
    tmp_path: Path, kit, records, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    corpus = _corpus(tmp_path, kit)
    killed_index = tmp_path / "killed-index"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_") or k == "QA_ENCODER_DIR"}
    env |= {"QA_CORPUS_DIR": str(corpus), "QA_INDEX_DIR": str(killed_index), "QA_INDEX_BATCH_SIZE": str(BATCH)}
    proc = subprocess.Popen([str(BIN / "qa"), "ingest", "--quiet"], env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300
        while proc.poll() is None and _note(killed_index).get("ledger.txt", {}).get("done", 0) < 3:
            assert time.monotonic() < deadline, "no piece of the large file was committed in 5 minutes"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, err.decode()[-3000:]
    done = int(_note(killed_index)["ledger.txt"]["done"])
    settings = _settings(corpus, killed_index)
    pieces = _piece_texts(corpus, settings)
    assert 3 <= done < len(pieces) - 1, (done, len(pieces))
    killed = QAService(settings)
    assert "ledger.txt" not in killed.store.read_manifest()["files"]  # killed in the middle of the file
    assert killed.store.chunks.count() > 0  # its committed pieces are in the index

    # The clean reference, in this process (the model is loaded once for both runs).
    clean = QAService(_settings(corpus, tmp_path / "clean-index"))
    clean_texts = _encoded(clean, monkeypatch)
    assert _sync(clean).problems == []

    resumed_texts = _encoded(killed, monkeypatch)
    report = _sync(killed)
    assert report.problems == [] and report.documents == 2

    assert _rows(killed, records) == _rows(clean, records)
    assert killed.store.read_manifest()["files"] == clean.store.read_manifest()["files"]
    assert _note(killed_index) == {}  # nothing left half-done
    assert _sync(killed).added == 0

    # The committed pieces were not embedded again: none of the texts only they hold.
    committed = set().union(*pieces[:done])
    remaining = set().union(*pieces[done:])
    only_committed = committed - remaining
    assert len(only_committed) >= 30
    assert not only_committed & set(resumed_texts)
    assert only_committed <= set(clean_texts)
    assert len(resumed_texts) < len(clean_texts)
    print(f"\n{len(pieces)} pieces, killed after {done}; {len(resumed_texts)} texts embedded resuming")
    print(f"{len(clean_texts)} embedded by a clean run")
