"""Ingest speed and memory: our pipeline against the raw encoder on exactly the same texts.

    .venv/bin/python bench/ingest_bench.py [--corpus DIR] [--index DIR] [--pairs N]

Each measurement runs in a fresh subprocess so its RSS high-water mark is its own:
  1. ingest: the model is loaded and warmed first, then `sync_corpus` over an empty index is timed
     (wall time, passages/s, sentences/s), RSS sampled every second; then the same corpus again
     (re-ingest: must embed nothing); then the in-memory catalog load that follows an ingest.
  2. raw: the texts our pipeline embeds (passages and sentences, built with the pipeline's own
     splitter; each distinct text once, as ingest embeds them) encoded in one
     `SentenceTransformer.encode` call and by ONNX Runtime over the same export, batched as ingest batches.
Overhead = ingest seconds / faster raw encode seconds - 1, the median over `--pairs` runs of both
(alternating which goes first: this machine's speed drifts by several percent between minutes).
Prints JSON and saves bench/out/ingest.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    CORPUS,
    OUT,
    THREADS,
    RssSampler,
    dir_size_mb,
    load,
    machine,
    peak_rss_mb,
    run_json,
    save,
)


def _settings(corpus: Path, index: Path) -> Any:
    import qa  # noqa: F401  (offline environment first)
    from qa.config import Settings

    return Settings(corpus_dir=corpus, index_dir=index, threads=THREADS)


def worker_ingest(corpus: Path, index: Path, profile: Path | None) -> dict[str, Any]:
    from qa.index.sync import sync_corpus
    from qa.service import QAService

    settings = _settings(corpus, index)
    t0 = time.perf_counter()
    service = QAService(settings)
    service.encoder.encode(["warm up the model"])
    model_load = time.perf_counter() - t0
    rss_ready = peak_rss_mb()

    encoded: dict[str, float] = {"texts": 0, "calls": 0, "seconds": 0.0}
    inner = service.encoder.encode

    def counting(texts: list[str], **kwargs: Any) -> Any:
        encoded["texts"] += len(texts)
        encoded["calls"] += 1
        started = time.perf_counter()
        try:
            return inner(texts, **kwargs)
        finally:
            encoded["seconds"] += time.perf_counter() - started

    service.encoder.encode = counting  # type: ignore[method-assign]

    # The ONNX export is made inside the first ingest (the model is warm): timed on its own too.
    exporting = {"seconds": 0.0}
    real_export = service.encoder.prepare_export

    def timed_export() -> bool:
        started = time.perf_counter()
        try:
            return real_export()
        finally:
            exporting["seconds"] += time.perf_counter() - started

    service.encoder.prepare_export = timed_export  # type: ignore[method-assign]

    profiler = None
    if profile is not None:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.01)
        profiler.start()
    load0 = load()
    with RssSampler(every=1.0) as sampler:
        t0 = time.perf_counter()
        report = sync_corpus(settings, service.store, show_bar=False)
        ingest = time.perf_counter() - t0
    if profiler is not None:
        profiler.stop()
        assert profile is not None
        profile.write_text(profiler.output_text(unicode=False, color=False, show_all=False))
    load1 = load()
    rss_ingest = peak_rss_mb()
    first = dict(encoded)
    sentences = service.store.sentences.count()

    export = exporting["seconds"]
    exported = real_export()  # made by the ingest: True without any work

    encoded.update(texts=0, calls=0, seconds=0.0)
    t0 = time.perf_counter()
    again = sync_corpus(settings, service.store, show_bar=False)
    reingest = time.perf_counter() - t0

    t0 = time.perf_counter()
    service.refresh()
    catalog = time.perf_counter() - t0
    return {
        "model_load_s": round(model_load, 2),
        "ingest_s": round(ingest, 2),
        "load_during_ingest": [load0, load1],
        "documents": report.documents,
        "passages": report.chunks,
        "sentences": sentences,
        "embedded_texts": first["texts"],
        "encode_calls": first["calls"],
        # Time inside the model during ingest: against raw_encode_s it shows what the writer
        # thread beside it costs the encoder; ingest_s minus it is what is not overlapped.
        "encode_s": round(first["seconds"], 2),
        "passages_per_s": round(report.chunks / ingest, 1),
        "texts_per_s": round(first["texts"] / ingest, 1),
        "problems": report.problems,
        "export_s": round(export, 2),  # inside ingest_s
        "export_ok": exported,
        "reingest_s": round(reingest, 3),
        "reingest_added": again.added,
        "reingest_embedded_texts": encoded["texts"],
        "reingest_load": load(),
        "catalog_load_s": round(catalog, 2),
        "rss_after_model_mb": rss_ready,
        "peak_rss_ingest_mb": rss_ingest,
        "peak_rss_with_catalog_mb": peak_rss_mb(),
        "rss_samples": sampler.samples[:: max(1, len(sampler.samples) // 60)],
        "index_mb": dir_size_mb(index),
    }


def pipeline_texts(corpus: Path, grouped: bool = False) -> Any:
    """Exactly the texts our ingest embeds: every passage and every sentence.

    `grouped`: per file and kind, the grouping ingest used before it indexed several files at once."""
    from qa.index.sync import chunk_documents
    from qa.ingest.load import corpus_files, load_document
    from qa.ingest.split import split_document

    settings = _settings(corpus, Path("/nonexistent"))
    texts: list[str] = []
    groups: list[list[str]] = []
    for path, name in corpus_files(corpus):
        doc = load_document(path, name=name)
        chunks = list(split_document(doc, settings.chunk_size, settings.chunk_overlap))
        pairs = list(chunk_documents(chunks))
        texts.extend(d.page_content for _, d in pairs)
        for kind in ("chunks", "sentences"):
            groups.append([d.page_content for k, d in pairs if k == kind])
    return groups if grouped else texts


def worker_raw(corpus: Path, pipeline_batches: bool = False, onnx_only: bool = False) -> dict[str, Any]:
    import torch
    from sentence_transformers import SentenceTransformer

    from qa.index.embeddings import model_path

    settings = _settings(corpus, Path("/nonexistent"))
    torch.set_num_threads(THREADS)
    t0 = time.perf_counter()
    # Each distinct text once: ingest embeds a text that occurs twice (a repeated sentence) once.
    texts = list(dict.fromkeys(pipeline_texts(corpus)))
    split = time.perf_counter() - t0
    model = SentenceTransformer(str(model_path(settings.model)), device="cpu", local_files_only=True)
    model.encode(["warm up the model"])
    load0 = load()
    extra: dict[str, Any] = {}
    if not onnx_only:
        t0 = time.perf_counter()
        vectors = model.encode(
            texts, batch_size=settings.embed_batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        took = time.perf_counter() - t0
        extra.update(raw_encode_s=round(took, 2), texts_per_s=round(len(texts) / took, 1), dim=int(vectors.shape[1]))
    # The same texts through the ONNX export ingest embeds with (same token budget, all threads).
    import tempfile

    from qa.index import onnx_encoder

    with tempfile.TemporaryDirectory() as folder:
        graph = onnx_encoder.export(model, settings.model, Path(folder), "raw")
        onnx = onnx_encoder.load(Path(folder), "raw", settings.model, model_path(settings.model))
        assert onnx is not None, graph
        onnx.encode(["warm up the session"], threads=THREADS)
        t0 = time.perf_counter()
        onnx.encode(texts, threads=THREADS, max_tokens=settings.embed_batch_tokens)
        extra["raw_onnx_encode_s"] = round(time.perf_counter() - t0, 2)
    if pipeline_batches:
        # The same texts encoded one file and kind at a time (how ingest called the model before
        # it indexed several files together), so length sorting only spans such a group.
        groups = pipeline_texts(corpus, grouped=True)
        size = settings.index_batch_size
        t0 = time.perf_counter()
        for group in groups:
            for i in range(0, len(group), size):
                model.encode(group[i : i + size], batch_size=settings.embed_batch_size, normalize_embeddings=True)
        extra["pipeline_batches_encode_s"] = round(time.perf_counter() - t0, 2)
        extra["load_after_pipeline_batches"] = load()
    return {
        **extra,
        "texts": len(texts),
        "batch_size": settings.embed_batch_size,
        "chars": sum(len(t) for t in texts),
        "split_s": round(split, 2),
        "load_during_raw": [load0, load()],
        "peak_rss_mb": peak_rss_mb(),
    }


def _fastest_raw(raw: dict[str, Any]) -> float:
    """The faster raw encoder's time (sentence-transformers is timed in the first pair only)."""
    return float(min(raw[key] for key in ("raw_encode_s", "raw_onnx_encode_s") if key in raw))


def measure(corpus: Path, index: Path, profile: Path | None = None, pairs: int = 3) -> dict[str, Any]:
    """Both workers in fresh subprocesses, `pairs` times (the order alternating, so a slow spell
    of the machine does not always fall on the same side); the index is rebuilt from empty.

    The overhead is the median of the pairs' ratios; sentence-transformers is timed in the first
    pair only (ONNX Runtime, the faster raw encoder, in every pair)."""
    me = [sys.executable, str(Path(__file__).resolve())]
    runs = []
    for n in range(pairs):
        shutil.rmtree(index, ignore_errors=True)
        ours_cmd = [*me, "--worker", "ingest", "--corpus", str(corpus), "--index", str(index)]
        if profile is not None and n == 0:
            ours_cmd += ["--profile", str(profile)]
        raw_cmd = [*me, "--worker", "raw", "--corpus", str(corpus), *(["--onnx-only"] if n else [])]
        if n % 2 == 0:
            ours, raw = run_json(ours_cmd), run_json(raw_cmd)
        else:
            raw, ours = run_json(raw_cmd), run_json(ours_cmd)
        runs.append((ours, raw))
    ours, raw = runs[0]
    ratios = [o["ingest_s"] / _fastest_raw(r) - 1 for o, r in runs]
    return {
        "corpus": str(corpus),
        "corpus_mb": dir_size_mb(corpus),
        "ours": ours,
        "raw": raw,
        "pairs": [
            {
                "ingest_s": o["ingest_s"],
                "encode_s": o["encode_s"],
                "raw_onnx_encode_s": r["raw_onnx_encode_s"],
                "overhead": round(ratio, 3),
            }
            for (o, r), ratio in zip(runs, ratios, strict=True)
        ],
        "overhead": round(statistics.median(ratios), 3),
        "overhead_vs_sentence_transformers": round(ours["ingest_s"] / raw["raw_encode_s"] - 1, 3),
        "same_text_count": ours["embedded_texts"] == raw["texts"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--index", type=Path, default=OUT / "index-1x")
    parser.add_argument("--profile", type=Path, help="write a pyinstrument profile of the ingest here")
    parser.add_argument(
        "--pairs", type=int, default=3, help="ingest / raw-encode pairs to run; the overhead is their median"
    )
    parser.add_argument("--worker", choices=["ingest", "raw"], help=argparse.SUPPRESS)
    parser.add_argument("--onnx-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--pipeline-batches", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker == "ingest":
        print(json.dumps(worker_ingest(args.corpus, args.index, args.profile)))
        return 0
    if args.worker == "raw":
        print(json.dumps(worker_raw(args.corpus, args.pipeline_batches, args.onnx_only)))
        return 0
    result = {"machine": machine(), **measure(args.corpus, args.index, args.profile, max(1, args.pairs))}
    save("ingest", result)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
