"""The tutorial pipeline on the same corpus, model and machine, for a side-by-side comparison.

    .venv/bin/python bench/tutorial_bench.py [--corpus DIR] [--index DIR] [--questions 1000]

RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
+ langchain_chroma.Chroma.from_documents(docs, embedding=<qa's Encoder>, client=PersistentClient)
+ similarity_search(q, k=4). The model is loaded and warmed before anything is timed (as for ours).
A chunk hits when it is from the question's document and [start_index, start_index + len) covers
answer_start. Prints JSON and saves bench/out/tutorial.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CORPUS, OUT, THREADS, covers, load, machine, peak_rss_mb, percentiles, questions, save


def run(corpus: Path, index: Path, n_questions: int) -> dict[str, Any]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    import qa  # noqa: F401  (offline environment first)
    from qa.config import Settings
    from qa.index.embeddings import Encoder

    shutil.rmtree(index, ignore_errors=True)
    t0 = time.perf_counter()
    # The same model through sentence-transformers, in batches of our default size.
    encoder = Encoder("all-MiniLM-L6-v2", batch_size=Settings().embed_batch_size, threads=THREADS)
    encoder.embed_query("warm up the model")
    model_load = time.perf_counter() - t0

    load0 = load()
    t0 = time.perf_counter()
    docs = [Document(p.read_text(encoding="utf-8"), metadata={"source": p.name}) for p in sorted(corpus.glob("*.txt"))]
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
    chunks = splitter.split_documents(docs)
    client = chromadb.PersistentClient(path=str(index), settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma.from_documents(chunks, embedding=encoder, client=client, collection_name="tutorial")
    ingest = time.perf_counter() - t0
    load1 = load()

    items = questions(n_questions)
    for item in items[:5]:
        store.similarity_search(item.question, k=4)
    latencies: list[float] = []
    hit1 = hit4 = 0
    load2 = load()
    for item in items:
        t0 = time.perf_counter()
        found = store.similarity_search(item.question, k=4)
        latencies.append((time.perf_counter() - t0) * 1000)
        hits = [
            covers(
                item,
                d.metadata["source"],
                int(d.metadata["start_index"]),
                int(d.metadata["start_index"]) + len(d.page_content),
            )
            for d in found
        ]
        hit1 += bool(hits and hits[0])
        hit4 += any(hits[:4])
    return {
        "model_load_s": round(model_load, 2),
        "ingest_s": round(ingest, 2),
        "load_during_ingest": [load0, load1],
        "chunks": len(chunks),
        "chunks_per_s": round(len(chunks) / ingest, 1),
        "latency_ms": percentiles(latencies),
        "load_during_queries": [load2, load()],
        "questions": len(items),
        "hit_at_1": round(hit1 / len(items), 4),
        "hit_at_4": round(hit4 / len(items), 4),
        "peak_rss_mb": peak_rss_mb(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--index", type=Path, default=OUT / "tutorial-index")
    parser.add_argument("--questions", type=int, default=1000)
    args = parser.parse_args(argv)
    result = {"machine": machine(), **run(args.corpus, args.index, args.questions)}
    save("tutorial", result)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
