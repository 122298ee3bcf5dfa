"""Answer latency and retrieval hits: in-process, through the running app's API, and cold start.

    .venv/bin/python bench/answer_bench.py [--corpus DIR] [--index DIR] [--questions 1000]
        [--api-questions 200] [--cold-runs 3] [--only inproc,api,cold] [--profile FILE]

The index must exist (bench/ingest_bench.py builds bench/out/index-1x); nothing is re-indexed.
  inproc: QAService.ask, warm (catalog loaded, 10 questions asked first), on a fixed-seed sample.
          hit@1 = the first citation's passage covers the answer; hit@4 / hit@5 = one of the first
          4 / 5 retrieved passages (`answer.passages`) does; also the retriever's own hit@1.
  api:    `python app.py` in a subprocess (QA_PORT free): `POST /v1/ask` with httpx (one keep-alive
          connection, the headline figure), then gradio_client `predict(q, api_name="/ask")` (the
          Gradio queue + event stream) on the same questions for comparison.
  cold:   wall time of `qa ask "..." --no-sync` from process start to exit, a few runs.
Prints JSON and saves bench/out/answers.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from browser_kit import free_port
from common import (
    CORPUS,
    OUT,
    REPO,
    THREADS,
    bench_env,
    covers,
    load,
    machine,
    memory_mb,
    peak_rss_mb,
    percentiles,
    questions,
    save,
    stop,
)

COLD_QUESTION = "Which NFL team represented the AFC at Super Bowl 50?"


def service_for(corpus: Path, index: Path) -> Any:
    import qa  # noqa: F401  (offline environment first)
    from qa.config import Settings
    from qa.service import QAService

    service = QAService(Settings(corpus_dir=corpus, index_dir=index, threads=THREADS))
    # As the app's start (sync) leaves an index: with the model's ONNX export for questions.
    service.encoder.prepare_export()
    return service


def _stage_timers(service: Any) -> dict[str, list[float]]:
    """Wrap the steps of QAService.ask (in this process only) to collect per-step CPU ms."""
    import qa.service.asking as module

    spent: dict[str, list[float]] = {"encode": [], "retrieve": [], "special replies": [], "compose": []}

    def timing(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            c0 = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name].append((time.process_time() - c0) * 1000)

        return wrapper

    service.encoder.encode = timing("encode", service.encoder.encode)
    module.retrieve = timing("retrieve", module.retrieve)  # type: ignore[attr-defined]
    module.compose = timing("compose", module.compose)  # type: ignore[attr-defined]
    module.special_reply = timing("special replies", module.special_reply)  # type: ignore[attr-defined]
    return spent


def in_process(corpus: Path, index: Path, n: int, profile: Path | None = None, stages: bool = False) -> dict[str, Any]:
    t0 = time.perf_counter()
    service = service_for(corpus, index)
    catalog = service.catalog
    open_s = time.perf_counter() - t0
    items = questions(n)
    for item in items[:10]:
        service.ask(item.question)
    profiler = None
    if profile is not None:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
    spent = _stage_timers(service) if stages else None
    latencies: list[float] = []
    cpu: list[float] = []
    cited1 = retrieved1 = hit4 = hit5 = abstained = 0
    digests: list[str] = []  # of each whole reply (text, citations, passages): compare two runs
    load0 = load()
    for item in items:
        if profiler is not None:
            profiler.start()
        t0, c0 = time.perf_counter(), time.process_time()
        answer = service.ask(item.question)
        latencies.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        if profiler is not None:
            profiler.stop()
        digests.append(hashlib.sha256(json.dumps(answer.to_dict(), sort_keys=True).encode()).hexdigest()[:16])
        passages = [covers(item, p.doc, p.passage_start, p.passage_end) for p in answer.passages]
        first = answer.citations[0] if answer.citations else None
        cited1 += bool(first and covers(item, first.doc, first.passage_start, first.passage_end))
        retrieved1 += bool(passages and passages[0])
        hit4 += any(passages[:4])
        hit5 += any(passages[:5])
        abstained += answer.abstained
    if profiler is not None and profile is not None:
        profile.write_text(profiler.output_text(unicode=False, color=False))
    k = len(items)
    return {
        "open_index_and_catalog_s": round(open_s, 2),
        "passages": len(catalog.passages),
        "sentences": len(catalog.sentences),
        "latency_ms": percentiles(latencies),
        "cpu_ms": percentiles(cpu),
        **({"cpu_ms_by_step": {k: percentiles(v) for k, v in spent.items()}} if spent else {}),
        "load_during": [load0, load()],
        "questions": k,
        "hit_at_1_cited": round(cited1 / k, 4),
        "hit_at_1_retrieved": round(retrieved1 / k, 4),
        "hit_at_4": round(hit4 / k, 4),
        "hit_at_5": round(hit5 / k, 4),
        "abstained": round(abstained / k, 4),
        "peak_rss_mb": peak_rss_mb(),
        "memory_mb": memory_mb(),
        "answer_digests": digests,
        "chroma": os.environ.get("QA_CHROMA_URL") or "embedded",
    }


def through_api(corpus: Path, index: Path, n: int) -> dict[str, Any]:
    import httpx
    from gradio_client import Client

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = bench_env(QA_CORPUS_DIR=str(corpus), QA_INDEX_DIR=str(index), QA_HOST="127.0.0.1", QA_PORT=str(port))
    OUT.mkdir(parents=True, exist_ok=True)
    log = (OUT / "app.log").open("w")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        with httpx.Client(base_url=base, timeout=600) as http:

            def ask(question: str) -> dict[str, Any]:
                response = http.post("/v1/ask", json={"question": question})
                result: dict[str, Any] = response.json()
                if response.status_code != 200 or result.get("error"):
                    raise RuntimeError(f"API error {response.status_code}: {result.get('error')}")
                return result

            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"app.py exited with {proc.returncode}; see {log.name}")
                if time.perf_counter() - started > 600:
                    raise TimeoutError("app did not serve in 600 s")
                try:
                    ask(COLD_QUESTION)  # answered once the model and the index are loaded
                    break
                except (httpx.HTTPError, RuntimeError, ValueError):
                    time.sleep(0.2)
            first_answer = time.perf_counter() - started
            items = questions(n, seed=1)
            for item in items[:5]:
                ask(item.question)
            rest: list[float] = []
            load0 = load()
            for item in items:
                t0 = time.perf_counter()
                ask(item.question)
                rest.append((time.perf_counter() - t0) * 1000)
            load1 = load()
        client = Client(base + "/", verbose=False)
        streamed: list[float] = []
        for item in items:
            t0 = time.perf_counter()
            client.predict(item.question, api_name="/ask")
            streamed.append((time.perf_counter() - t0) * 1000)
        return {
            "start_to_first_answer_s": round(first_answer, 2),
            "latency_ms": percentiles(rest),
            "endpoint": "POST /v1/ask (httpx, keep-alive)",
            "gradio_client_latency_ms": percentiles(streamed),
            "load_during": [load0, load1, load()],
            "questions": len(items),
        }
    finally:
        stop(proc)
        log.close()


def cold_start(corpus: Path, index: Path, runs: int) -> dict[str, Any]:
    env = bench_env(QA_CORPUS_DIR=str(corpus), QA_INDEX_DIR=str(index))
    qa_bin = str(Path(sys.executable).with_name("qa"))
    times: list[float] = []
    loads: list[float] = []
    for _ in range(runs):
        loads.append(load())
        t0 = time.perf_counter()
        proc = subprocess.run(
            [qa_bin, "ask", COLD_QUESTION, "--no-sync"], cwd=REPO, env=env, capture_output=True, text=True
        )
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0 or "[1]" not in proc.stdout:  # a cited answer, not a refusal
            raise RuntimeError(f"qa ask failed ({proc.returncode}): {proc.stdout[-500:]} {proc.stderr[-500:]}")
    return {
        "command": f'qa ask "{COLD_QUESTION}" --no-sync',
        "runs_s": [round(t, 2) for t in times],
        "median_s": round(statistics.median(times), 2),
        "load_before_runs": loads,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--index", type=Path, default=OUT / "index-1x")
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--api-questions", type=int, default=200)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--only", default="inproc,api,cold")
    parser.add_argument("--profile", type=Path, help="pyinstrument profile of the in-process asks")
    parser.add_argument("--stages", action="store_true", help="CPU ms per step of ask (encode, retrieve, ...)")
    parser.add_argument("--save", default="answers", help="bench/out/<name>.json")
    args = parser.parse_args(argv)
    if not (args.index / "chroma.sqlite3").exists():
        raise SystemExit(f"no index at {args.index}: run bench/ingest_bench.py first")
    parts = set(args.only.split(","))
    os.environ.setdefault("QA_THREADS", str(THREADS))
    result: dict[str, Any] = {"machine": machine(), "index": str(args.index)}
    if "cold" in parts:
        result["cold"] = cold_start(args.corpus, args.index, args.cold_runs)
    if "inproc" in parts:
        result["inproc"] = in_process(args.corpus, args.index, args.questions, args.profile, args.stages)
    if "api" in parts:
        result["api"] = through_api(args.corpus, args.index, args.api_questions)
    save(args.save, result)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
