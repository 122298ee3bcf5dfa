"""Time from `qa serve` starting on an existing index to Ready, and the serving process's peak RSS.

    .venv/bin/python bench/ready_bench.py --corpus bench/out/corpus-1x --index bench/out/index-1x [--questions 100]

Starts `qa serve` (a real subprocess, loopback port, no folder watching) on the index, and times
the "Ready:" line of its log (start-up index check done, index opened, warmed up) and the first
answer to `POST /v1/ask`; then asks `--questions` squad-dev questions over HTTP and reports the
process's RSS high-water mark (VmHWM: every page it touched, mapped files included). Prints one
JSON line.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from common import OUT, REPO, bench_env, load, memory_mb, percentiles, questions, stop

sys.path.insert(0, str(REPO / "tests"))
from browser_kit import free_port


def _hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def measure(corpus: Path, index: Path, n: int) -> dict[str, Any]:
    port = free_port()
    env = bench_env(QA_CORPUS_DIR=str(corpus), QA_INDEX_DIR=str(index), QA_PORT=str(port), QA_WATCH_SECONDS="0")
    log = OUT / f"ready-{index.name}.log"
    url = f"http://127.0.0.1:{port}"
    load0 = load()
    t0 = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "qa", "serve"], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        ready = first = None
        while first is None:
            if proc.poll() is not None:
                raise RuntimeError(f"qa serve exited: {log.read_text()[-3000:]}")
            if ready is None and "Ready:" in log.read_text(errors="replace"):
                ready = time.perf_counter() - t0
            if ready is not None:
                try:
                    httpx.post(
                        f"{url}/v1/ask", json={"question": "What is the capital of Victoria?"}, timeout=60
                    ).raise_for_status()
                    first = time.perf_counter() - t0
                except httpx.HTTPError:
                    pass
            time.sleep(0.1)
        rss_ready = _hwm_mb(proc.pid)
        latencies = []
        with httpx.Client(timeout=60) as client:
            for item in questions(n):
                a = time.perf_counter()
                client.post(f"{url}/v1/ask", json={"question": item.question}).raise_for_status()
                latencies.append((time.perf_counter() - a) * 1000)
        return {
            "index": str(index),
            "ready_s": round(ready, 2),
            "first_answer_s": round(first, 2),
            "peak_rss_ready_mb": rss_ready,
            "peak_rss_after_mb": _hwm_mb(proc.pid),
            "memory_after_mb": memory_mb(proc.pid),
            "chroma": env.get("QA_CHROMA_URL") or "embedded",
            "api_latency_ms": percentiles(latencies),
            "load_during": [load0, load()],
        }
    finally:
        stop(proc, timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--save", help="also write the line to bench/out/<name>.json")
    args = parser.parse_args()
    line = json.dumps(measure(args.corpus, args.index, args.questions))
    if args.save:
        (OUT / f"{args.save}.json").write_text(line + "\n")
    print(line)


if __name__ == "__main__":
    main()
