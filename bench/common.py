"""Shared helpers for the benchmarks: machine facts, load, percentiles, memory, questions, hits."""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO = Path(__file__).resolve().parents[1]
SQUAD = Path(os.environ.get("QA_BENCH_DATA", REPO.parent / "shared" / "bench" / "squad-dev"))
CORPUS = SQUAD / "corpus"
QUESTIONS = SQUAD / "questions.jsonl"
OUT = REPO / "bench" / "out"
THREADS = 2

os.environ.setdefault("QA_THREADS", str(THREADS))
import qa  # noqa: E402, F401  (offline, telemetry off, before any library reads the environment)

if TYPE_CHECKING:
    from qa.config import Settings


def bench_env(**extra: str) -> dict[str, str]:
    """Environment for child processes: offline, QA_THREADS=2, plus the QA_* overrides given.

    BLAS/OpenMP thread variables are left to `qa` itself (it pins numpy's BLAS to one thread)."""
    env = {
        **os.environ,
        "QA_THREADS": str(THREADS),
        "TOKENIZERS_PARALLELISM": "false",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "PYTHONPATH": str(REPO),
    }
    env.update(extra)
    return env


def load() -> float:
    """The 1-minute load average, to print next to every timing."""
    return round(os.getloadavg()[0], 2)


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--", "qa")
    return {
        "date": subprocess.run(["date"], capture_output=True, text=True).stdout.strip(),
        "nproc": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": sys.version.split()[0],
        "commit": git("rev-parse", "--short", "HEAD"),
        "qa_dirty_files": len(dirty.splitlines()) if dirty else 0,
        "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
    }


def percentiles(values: list[float]) -> dict[str, float]:
    import numpy as np

    if not values:
        return {"n": 0}
    arr = np.asarray(values, dtype=float)
    return {
        "n": len(values),
        "p50": round(float(np.percentile(arr, 50)), 2),
        "p95": round(float(np.percentile(arr, 95)), 2),
        "mean": round(float(arr.mean()), 2),
        "max": round(float(arr.max()), 2),
    }


def peak_rss_mb() -> float:
    """This process's RSS high-water mark (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def memory_mb(pid: int | str = "self") -> dict[str, float]:
    """A process's memory now (MB): VmHWM (peak RSS), VmRSS, and RSS split into anonymous memory
    (heap, Chroma's in-process HNSW index) and file pages (mapped catalog, BM25, libraries; the
    kernel can drop these under pressure and read them again)."""
    out: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key = line.split(":")[0]
            if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
                out[key] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return out


def current_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


class RssSampler:
    """Samples this process's RSS in a thread, to show whether memory grows with the corpus."""

    def __init__(self, every: float = 1.0) -> None:
        self.every = every
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._t0 = time.perf_counter()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((round(time.perf_counter() - self._t0, 1), current_rss_mb()))
            self._stop.wait(self.every)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append((round(time.perf_counter() - self._t0, 1), current_rss_mb()))


@contextmanager
def timed() -> Iterator[dict[str, float]]:
    box: dict[str, float] = {"load_before": load()}
    start = time.perf_counter()
    try:
        yield box
    finally:
        box["seconds"] = round(time.perf_counter() - start, 3)
        box["load_after"] = load()


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answers: list[str]
    doc: str
    answer_start: int


def questions(n: int | None = None, seed: int = 0) -> list[Question]:
    """The squad-dev questions, or a fixed-seed sample of n of them."""
    items = []
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            items.append(Question(raw["id"], raw["question"], raw["answers"], raw["doc"], int(raw["answer_start"])))
    if n is not None and n < len(items):
        items = random.Random(seed).sample(items, n)
    return items


def covers(q: Question, doc: str, start: int, end: int) -> bool:
    return doc == q.doc and start <= q.answer_start < end


def dir_size_mb(path: Path) -> float:
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return round(total / 1e6, 1)


def stop(proc: subprocess.Popen[Any], timeout: float = 20) -> None:
    """End a server the bench started: asked to stop, killed if it has not within `timeout`."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


def run_json(cmd: list[str], env: dict[str, str] | None = None, timeout: float | None = None) -> dict[str, Any]:
    """Run a worker that prints one JSON object on its last stdout line; stderr passes through."""
    proc = subprocess.run(cmd, cwd=REPO, env=env or bench_env(), stdout=subprocess.PIPE, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}")
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    return dict(json.loads(lines[-1]))


def corpus_settings(name: str, files: list[Path]) -> Settings:
    """Settings for a corpus of exactly `files` (copied afresh to bench/out/corpus-NAME) and its
    index bench/out/index-NAME, kept between runs (a sync brings it up to date)."""
    from qa.config import Settings

    corpus = OUT / f"corpus-{name}"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    for path in files:
        shutil.copy(path, corpus / path.name)
    return Settings(corpus_dir=corpus, index_dir=OUT / f"index-{name}")


def save(name: str, data: dict[str, Any]) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(data, indent=2))
    return path
