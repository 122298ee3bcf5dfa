"""Crash safety: `qa ingest` killed with SIGKILL anywhere, then re-run, equals a clean ingest.

A clean `qa ingest` (a real subprocess) builds the reference index in its own folder. Each trial
starts `qa ingest` on an empty index folder of its own over the same corpus and SIGKILLs it (a
calibration run says when its first and last files are recorded; before that, a small run loads
the model, makes the ONNX export and embeds and stores its first groups): half the trials after a
random delay before the first file is recorded, half at a random moment within about one file's
writing after the n-th file was recorded (n random). The
trial runs are forks of a process that has already imported torch (ingest_zygote.py): the import
costs 15-25 s here and is not what is being tested. The trial then re-runs the ingest to completion
(in this process, the same `QAService.sync` that `qa ingest` calls) and compares every record of
both Chroma collections with the reference: the same (source, start, end, text) multiset, so no
duplicates, no orphans, nothing missing; the record managers hold exactly the Chroma ids; the
manifest matches; the export matches the model; a further run adds nothing.
"""

from __future__ import annotations

import json
import os
import random
import shutil
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
from qa.index import onnx_encoder
from qa.service import QAService

BIN = Path(sys.executable).parent
ZYGOTE = Path(__file__).with_name("ingest_zygote.py")
TRIALS = 10
Record = tuple[str, int, int, str]


def _corpus(root: Path, kit) -> Path:  # type: ignore[no-untyped-def]
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "harbour.txt").write_text(kit.TXT, encoding="utf-8")
    (corpus / "orchard.md").write_text(kit.MD, encoding="utf-8")
    (corpus / "glacier.html").write_text(kit.HTML, encoding="utf-8")
    (corpus / "observatory.pdf").write_bytes(kit.pdf_bytes(kit.PDF_PAGES))
    (corpus / "cafe.txt").write_bytes(kit.LATIN1)
    shutil.copy(kit.ARTICLE, corpus / kit.ARTICLE_NAME)
    return corpus


def _env(corpus: Path, index: Path) -> dict[str, str]:
    # Small index groups, so this six-file corpus is indexed in several steps like a large one
    # and a kill can land between them, not only before or after one group of everything.
    return {"QA_CORPUS_DIR": str(corpus), "QA_INDEX_DIR": str(index), "QA_INDEX_BATCH_SIZE": "8"}


class Zygote:
    """The forking helper: run(corpus, index) -> pid of a fresh `qa ingest`; wait(pid) -> exit code."""

    def __init__(self, log: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
        self.log = log
        self.proc = subprocess.Popen(
            [sys.executable, str(ZYGOTE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log.open("ab"),
            env=env,
            text=True,
        )

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout
        line = self.proc.stdout.readline()
        assert line, f"the ingest helper died: {self.log.read_text()[-3000:]}"
        return dict(json.loads(line))

    def ready(self) -> None:
        assert self._read() == {"ready": True}

    def run(self, corpus: Path, index: Path) -> int:
        return int(self._call({"run": _env(corpus, index), "log": str(self.log)})["pid"])

    def wait(self, pid: int) -> int:
        return int(self._call({"wait": pid})["code"])

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _settings(corpus: Path, index: Path) -> Settings:
    return Settings(corpus_dir=corpus, index_dir=index)


def _manifest_files(index: Path, settings: Settings) -> int:
    path = index / f"manifest-{settings.collection_name('chunks')}.json"
    try:
        return len(json.loads(path.read_text())["files"])
    except (OSError, ValueError, KeyError):
        return 0


def _contents(service: QAService, records: Callable[..., list[tuple[str, dict, str]]]) -> dict[str, list[Record]]:
    out: dict[str, list[Record]] = {}
    for kind, parts in service.store.kinds.items():
        got = records(service, kind)  # a sentence's text is cut from its stored passage
        out[kind] = [(str(m["source"]), int(m["start"]), int(m["end"]), text) for _, m, text in got]
        ids = [i for i, _, _ in got]
        assert len(ids) == len(set(ids))
        # The record manager knows exactly what Chroma holds: no stray records, no ghost keys.
        assert sorted(parts.records.list_keys()) == sorted(ids), f"{kind}: record manager out of step"
    return out


def _kill_after(
    zygote: Zygote,
    pid: int,
    index: Path,
    settings: Settings,
    rng: random.Random,
    trial: int,
    recorded: tuple[float, float],
) -> str:
    """SIGKILL the ingest at a random point; returns how it was chosen and what the run had done.

    `recorded`: when the calibration run recorded its first and its last file. Most of a small
    run is loading the model and making the ONNX export; the kills after the n-th file are aimed
    at the writing.
    """
    first, last = recorded
    started = time.monotonic()
    if trial % 2 == 0:
        # Before the first file is recorded (model load, the ONNX export, the first groups being
        # embedded and stored). Aiming later is not reliable: the writing of six small files lasts
        # ~0.2 s, and later forks run faster than the calibration run.
        delay = rng.uniform(0.3, 1.0) * first
        how = f"after {delay:.1f} s"
        while time.monotonic() - started < delay and _running(pid):
            time.sleep(0.01)
    else:
        files = rng.randint(0, 5)
        extra = rng.uniform(0.0, 1.0) * (last - first) / 5  # within about one file's writing
        how = f"{extra:.2f} s after {files} file(s) were recorded"
        marker = index / "chroma.sqlite3"
        while _running(pid) and (not marker.exists() or _manifest_files(index, settings) < files):
            time.sleep(0.01)
        time.sleep(extra)
    finished = not _running(pid)
    os.kill(pid, signal.SIGKILL)
    code = zygote.wait(pid)
    assert code in (0, -signal.SIGKILL), f"the ingest failed on its own (exit {code}): {zygote.log.read_text()[-3000:]}"
    done = _manifest_files(index, settings)
    state = "had already finished" if finished or code == 0 else "killed"
    return f"{how}: {state} with {done}/6 files recorded"


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_sigkill_during_ingest_then_rerun_equals_clean_ingest(tmp_path: Path, kit, records) -> None:  # type: ignore[no-untyped-def]
    corpus = _corpus(tmp_path, kit)
    zygote = Zygote(tmp_path / "ingest.log")
    try:
        clean_index = tmp_path / "clean-index"
        env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")} | _env(corpus, clean_index)
        clean = subprocess.run([str(BIN / "qa"), "ingest", "--quiet"], env=env, capture_output=True, timeout=900)
        assert clean.returncode == 0, clean.stderr.decode()
        reference_service = QAService(_settings(corpus, clean_index))
        reference = {kind: Counter(rows) for kind, rows in _contents(reference_service, records).items()}
        assert len({r[0] for r in reference["chunks"]}) == 6
        assert sum(reference["sentences"].values()) > sum(reference["chunks"].values()) > 6
        zygote.ready()

        # When one forked ingest records its first and its last file: the kills are aimed there.
        calibration = tmp_path / "calibration-index"
        started = time.monotonic()
        pid = zygote.run(corpus, calibration)
        calibration_settings = _settings(corpus, calibration)
        first = 0.0
        while _running(pid) and (done := _manifest_files(calibration, calibration_settings)) < 6:
            if done and not first:
                first = time.monotonic() - started
            time.sleep(0.01)
        recorded = (first or time.monotonic() - started, time.monotonic() - started)
        assert zygote.wait(pid) == 0

        rng = random.Random(20250211)
        outcomes: list[str] = []
        for trial in range(TRIALS):
            index = tmp_path / f"trial-{trial}"
            settings = _settings(corpus, index)
            outcome = _kill_after(zygote, zygote.run(corpus, index), index, settings, rng, trial, recorded)
            service = QAService(settings)
            report = service.sync(show_bar=False)
            assert report.problems == [], report.problems
            got = {kind: Counter(rows) for kind, rows in _contents(service, records).items()}
            for kind in ("chunks", "sentences"):
                missing = reference[kind] - got[kind]
                extra = got[kind] - reference[kind]
                assert not missing and not extra, f"trial {trial} ({outcome}) {kind}: missing {missing}, extra {extra}"
            assert service.sync(show_bar=False).added == 0
            # A kill during the encoder export leaves no half-written export in use.
            exported = service.encoder._onnx()
            assert exported is not None and onnx_encoder.matches(exported, service.encoder.model, settings.int8)
            assert service.store.read_manifest()["files"] == reference_service.store.read_manifest()["files"]
            outcomes.append(f"trial {trial}: {outcome}; re-run equals the clean ingest")
    finally:
        zygote.close()
    print(f"\na forked ingest records its first file after {recorded[0]:.1f} s, its last after {recorded[1]:.1f} s")
    print("\n".join(outcomes))
    killed_mid_index = [o for o in outcomes if "killed with" in o and "killed with 6/6" not in o]
    assert len(killed_mid_index) >= TRIALS // 2, outcomes
