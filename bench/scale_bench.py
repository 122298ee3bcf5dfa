"""How ingest, index size, memory and answer latency grow with the corpus (1x, 10x, 50x, ...).

    .venv/bin/python bench/scale_bench.py [--levels 1,10,50] [--ingest-levels 1,10] [--questions 300]

Corpus at level L: the 24 squad-dev articles (so every question keeps its answer) plus
(L-1) x 24 new documents made of the articles' sentences (split by our own sentencizer) shuffled
across articles with a fixed seed into paragraphs of 4-7 sentences and ~31 KB documents, so every
file and passage has a new content hash. Written to bench/out/corpus-<L>x/.

Two kinds of index build, never mixed up:
  * ingest (--ingest-levels): the real pipeline, every text embedded; these are the ingest times.
  * build (every level): the same pipeline (split, LangChain index(), record manager, Chroma) but
    the encoder reuses vectors from the 1x index (a generated sentence gets the vector of the same
    sentence in its article; a generated passage the normalized mean of its sentences' vectors).
    It gives the real index size, memory and answer latency at levels too slow to embed here;
    its time is NOT an ingest time.
Then answers on a fixed sample of squad questions through QAService.ask in a fresh process.
Writes bench/out/scale.json and bench/scale.png.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    CORPUS,
    OUT,
    REPO,
    THREADS,
    RssSampler,
    dir_size_mb,
    load,
    machine,
    peak_rss_mb,
    run_json,
    save,
)

SEED = 20240611
# Chroma rewrites a collection's whole HNSW index (and its id map) every `sync_threshold` vectors
# added (default 1000): past a few hundred thousand vectors the build spent most of its time
# writing gigabytes. The build raises it, and `--worker persist` puts the app's value back
# (`HNSW_SYNC_THRESHOLD`) and has the remaining vectors written, so the index measured is the one
# the app would have.
BUILD_SYNC_THRESHOLD = 50_000
DOC_CHARS = 31_000
PARA_MAX = 1400
_GEN = re.compile(r"^gen (\d+): ")


def _sentence_pool() -> list[str]:
    import qa  # noqa: F401
    from qa.ingest.split import split_sentences

    pool: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        pool.extend(s.text for s in split_sentences(path.read_text(encoding="utf-8")))
    return pool


def generated(count: int) -> list[tuple[str, list[list[str]]]]:
    """The first `count` generated documents: (file name, paragraphs as lists of sentences)."""
    pool = _sentence_pool()
    rng = random.Random(SEED)
    docs = []
    for i in range(count):
        paragraphs: list[list[str]] = []
        size = 0
        while size < DOC_CHARS:
            para: list[str] = []
            for sentence in rng.sample(pool, rng.randint(4, 7)):
                if para and sum(len(s) + 1 for s in para) + len(sentence) > PARA_MAX:
                    break
                para.append(sentence)
            paragraphs.append(para)
            size += sum(len(s) + 1 for s in para) + 1
        docs.append((f"gen-{i + 1:05d}.txt", paragraphs))
    return docs


def make_corpus(level: int) -> Path:
    target = OUT / f"corpus-{level}x"
    originals = sorted(CORPUS.glob("*.txt"))
    wanted = (level - 1) * len(originals)
    marker = target / ".complete"
    if marker.exists() and marker.read_text() == str(wanted):
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for path in originals:
        shutil.copyfile(path, target / path.name)
    for name, paragraphs in generated(wanted):
        (target / name).write_text("\n\n".join(" ".join(p) for p in paragraphs) + "\n", encoding="utf-8")
    marker.write_text(str(wanted))
    return target


def worker_build(corpus: Path, index: Path, reuse: Path, level: int, resume: bool = False) -> dict[str, Any]:
    """Index `corpus` with vectors reused from the 1x index `reuse` (see the module docstring)."""
    import numpy as np

    import qa  # noqa: F401
    from qa.config import Settings
    from qa.index.embeddings import Encoder
    from qa.index.store import Store
    from qa.index.sync import sync_corpus

    settings = Settings(corpus_dir=corpus, index_dir=index, threads=THREADS)
    base = Encoder(settings.model, batch_size=settings.embed_batch_size, threads=THREADS)
    source = Store(Settings(corpus_dir=CORPUS, index_dir=reuse, threads=THREADS), base)
    from qa.ingest.split import quote_frame

    exact: dict[str, np.ndarray] = {}
    by_sentence: dict[str, np.ndarray] = {}
    passages: dict[tuple[str, int], str] = {}
    for kind in ("chunks", "sentences"):
        got = source.kinds[kind].collection.get(include=["documents", "metadatas", "embeddings"])
        for text, meta, vec in zip(got["documents"], got["metadatas"], got["embeddings"], strict=True):
            v = np.asarray(vec, dtype=np.float32)
            if kind == "chunks":
                passages[(meta["source"], int(meta["start"]))] = text
                exact[text] = v
                continue
            # Sentences are stored without text: theirs is cut from their passage (a frame is made from it).
            passage, offset = passages[(meta["source"], int(meta["chunk_start"]))], int(meta["chunk_start"])
            sentence = passage[int(meta["start"]) - offset : int(meta["end"]) - offset]
            if meta.get("view") == "frame":
                exact[quote_frame(sentence) or sentence] = v
            else:
                exact[sentence] = by_sentence[sentence] = v
    paragraphs = {" ".join(p): p for _, doc in generated((level - 1) * 24) for p in doc}
    counts = {"reused": 0, "averaged": 0, "encoded": 0}

    class Reuse(Encoder):
        def encode(self, texts: list[str]) -> np.ndarray:
            out: list[np.ndarray | None] = []
            missing: list[int] = []
            for i, text in enumerate(texts):
                vec = exact.get(text)
                if vec is None and _GEN.match(text):
                    vec = by_sentence.get(_GEN.sub("", text, count=1))
                if vec is not None:
                    counts["reused"] += 1
                elif text in paragraphs and all(s in by_sentence for s in paragraphs[text]):
                    mean = np.mean([by_sentence[s] for s in paragraphs[text]], axis=0)
                    vec = (mean / np.linalg.norm(mean)).astype(np.float32)
                    counts["averaged"] += 1
                else:
                    missing.append(i)
                out.append(vec)
            if missing:
                counts["encoded"] += len(missing)
                fresh = super().encode([texts[i] for i in missing])
                for j, i in enumerate(missing):
                    out[i] = fresh[j]
            if not out:
                return np.zeros((0, 384), dtype=np.float32)
            return np.stack([v for v in out if v is not None]).astype(np.float32)

    encoder = Reuse(settings.model, batch_size=settings.embed_batch_size, threads=THREADS)
    encoder.encode(["warm up the model"])
    if not resume:  # else an interrupted build goes on where it stopped (files and pieces committed)
        shutil.rmtree(index, ignore_errors=True)
    store = Store(settings, encoder)
    for kind in store.kinds.values():
        kind.collection.modify(configuration={"hnsw": {"sync_threshold": BUILD_SYNC_THRESHOLD}})
    load0 = load()
    with RssSampler(every=2.0) as sampler:
        t0 = time.perf_counter()
        report = sync_corpus(settings, store, show_bar=False)
        took = time.perf_counter() - t0
    return {
        "build_s_reused_vectors": round(took, 1),
        "load_during": [load0, load()],
        "documents": report.documents,
        "passages": report.chunks,
        "sentences": store.sentences.count(),
        "vectors": counts,
        "peak_rss_build_mb": peak_rss_mb(),
        "rss_samples": sampler.samples[:: max(1, len(sampler.samples) // 40)],
        "index_mb": dir_size_mb(index),
    }


def unwritten_vectors(index: Path, collection_id: str) -> int:
    """Vectors of a collection in Chroma's log that its HNSW files do not hold yet (what a process
    opening the collection puts into its HNSW index before the first search)."""
    import sqlite3

    topic = f"persistent://default/default/{collection_id}"
    with sqlite3.connect(f"file:{index / 'chroma.sqlite3'}?mode=ro", uri=True) as db:
        return int(
            db.execute(
                "SELECT count(*) FROM embeddings_queue WHERE topic = ? AND seq_id > coalesce((SELECT m.seq_id "
                "FROM max_seq_id m JOIN segments s ON s.id = m.segment_id "
                "WHERE s.collection = ? AND s.scope = 'VECTOR'), 0)",
                (topic, collection_id),
            ).fetchone()[0]
        )


def worker_persist(corpus: Path, index: Path) -> dict[str, Any]:
    """Have every vector written to the HNSW files, with the app's sync threshold back (`Store`
    puts it back when it opens the collections): a new process applies the vectors added since the
    last write when a collection is first read, and writes the index when they are more than the
    threshold (the build's process cannot: it keeps the threshold it started with). Also times that
    first read against the vectors it applied: what a process opening an index pays for them."""
    import numpy as np

    import qa  # noqa: F401
    from qa.config import Settings
    from qa.index.embeddings import Encoder
    from qa.index.store import Store

    settings = Settings(corpus_dir=corpus, index_dir=index, threads=THREADS)
    store = Store(settings, Encoder(settings.model, threads=THREADS))
    t0 = time.perf_counter()
    out: dict[str, Any] = {"load_before": load()}
    for name, kind in store.kinds.items():
        before = unwritten_vectors(index, str(kind.collection.id))
        t1, c1 = time.perf_counter(), time.process_time()
        probe = kind.collection.get(limit=1, include=["embeddings"])["embeddings"]
        kind.collection.query(query_embeddings=[np.asarray(probe[0], np.float32)], n_results=1, include=[])
        out[name] = {
            "count": kind.collection.count(),
            "unwritten_before": before,
            "unwritten_after": unwritten_vectors(index, str(kind.collection.id)),
            "first_read_s": round(time.perf_counter() - t1, 1),
            "first_read_cpu_s": round(time.process_time() - c1, 1),
            "hnsw": (kind.collection.configuration_json or {}).get("hnsw"),
        }
    out["took_s"] = round(time.perf_counter() - t0, 1)
    out["load_after"] = load()
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def worker_attributions(corpus: Path, index: Path) -> dict[str, Any]:
    """Who said what in every corpus file, kept beside the index as `Library.attributions` keeps it
    (same keys, same extractor), without opening the index: it can run while the index is built,
    so the first open of the built index finds them done, as after `qa ingest`."""
    import qa  # noqa: F401
    from qa.attribute.cache import AttributionCache
    from qa.attribute.extract import extract_attributions
    from qa.config import Settings
    from qa.ingest.load import corpus_files, load_document
    from qa.service.library import attribution_key

    settings = Settings(corpus_dir=corpus, index_dir=index, threads=THREADS)
    cache = AttributionCache(index / f"attributions-{settings.collection_name('chunks')}.json")
    done = extracted = 0
    t0 = time.perf_counter()
    with cache.batch():
        for path, name in corpus_files(corpus):
            key = attribution_key(path, name)
            if cache.get(key) is None:
                cache.put(key, extract_attributions(load_document(path, name=name)))
                extracted += 1
            done += 1
    return {"files": done, "extracted": extracted, "took_s": round(time.perf_counter() - t0, 1)}


def ingest_level(corpus: Path, index: Path) -> dict[str, Any]:
    shutil.rmtree(index, ignore_errors=True)
    cmd = [sys.executable, str(REPO / "bench" / "ingest_bench.py"), "--worker", "ingest"]
    return run_json([*cmd, "--corpus", str(corpus), "--index", str(index)])


def answers_level(corpus: Path, index: Path, n: int, name: str) -> dict[str, Any]:
    cmd = [sys.executable, str(REPO / "bench" / "answer_bench.py"), "--only", "inproc"]
    cmd += ["--corpus", str(corpus), "--index", str(index), "--questions", str(n), "--save", name]
    return dict(run_json_multiline(cmd)["inproc"])


def run_json_multiline(cmd: list[str]) -> dict[str, Any]:
    import subprocess

    from common import bench_env

    proc = subprocess.run(cmd, cwd=REPO, env=bench_env(), stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}")
    return dict(json.loads(proc.stdout))


def extrapolate(rows: list[dict[str, Any]]) -> None:
    """Ingest time where it was not timed: the 1x ingest (this run's, or bench/out/ingest.json's)
    scaled by the number of texts embedded (passages + sentences), i.e. linear in embedding work."""
    base = next((r for r in rows if r["level"] == 1), None)
    if base is None:
        return
    if not base.get("ingest") and (OUT / "ingest.json").exists():
        ours = json.loads((OUT / "ingest.json").read_text())["ours"]
        base["ingest"] = {k: ours[k] for k in ("ingest_s", "peak_rss_ingest_mb", "load_during_ingest")}
        base["ingest"]["from"] = "bench/out/ingest.json"
    if not base.get("ingest"):
        return
    texts_1x = base["build"]["passages"] + base["build"]["sentences"]
    for r in rows:
        if not r.get("ingest"):
            texts = r["build"]["passages"] + r["build"]["sentences"]
            r["ingest_extrapolated_s"] = round(base["ingest"]["ingest_s"] * texts / texts_1x, 1)


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = [r["level"] for r in rows]
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    ax = axes[0][0]
    ingest = [(r["level"], r["ingest"]["ingest_s"]) for r in rows if r.get("ingest")]
    if ingest:
        ax.plot(*zip(*ingest, strict=True), "o-", label="ingest, measured")
    extra = [(r["level"], r["ingest_extrapolated_s"]) for r in rows if r.get("ingest_extrapolated_s")]
    if extra:
        ax.plot(*zip(*extra, strict=True), "x--", label="ingest, extrapolated (linear)")
    ax.plot(levels, [r["build"]["build_s_reused_vectors"] for r in rows], "s:", label="build with reused vectors")
    ax.set(title="Index build time", xlabel="corpus size (x squad-dev)", ylabel="seconds")
    ax.legend()
    ax = axes[0][1]
    ax.plot(levels, [r["build"]["index_mb"] for r in rows], "o-")
    ax.set(title="Index size on disk", xlabel="corpus size (x squad-dev)", ylabel="MB")
    ax = axes[1][0]
    ax.plot(levels, [r["build"]["peak_rss_build_mb"] for r in rows], "s:", label="build (reused vectors)")
    if ingest:
        ax.plot(
            [r["level"] for r in rows if r.get("ingest")],
            [r["ingest"]["peak_rss_ingest_mb"] for r in rows if r.get("ingest")],
            "o-",
            label="real ingest",
        )
    ax.plot(levels, [r["answers"]["peak_rss_mb"] for r in rows], "^-", label="answering (catalog in memory)")
    ax.set(title="Peak RSS", xlabel="corpus size (x squad-dev)", ylabel="MB")
    ax.legend()
    ax = axes[1][1]
    ax.plot(levels, [r["answers"]["latency_ms"]["p50"] for r in rows], "o-", label="p50")
    ax.plot(levels, [r["answers"]["latency_ms"]["p95"] for r in rows], "o-", label="p95")
    ax.set(title="Answer latency, QAService.ask (warm)", xlabel="corpus size (x squad-dev)", ylabel="ms")
    ax.legend()
    for a in axes.flat:
        a.grid(alpha=0.3)
        a.set_ylim(bottom=0)
    fig.suptitle("qa at scale (2-core machine shared with other jobs; load averages in RESULTS.md)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="1,10,50")
    parser.add_argument("--ingest-levels", default="1,10", help="levels whose ingest is really timed ('' for none)")
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--reuse", type=Path, default=OUT / "index-1x", help="1x index whose vectors are reused")
    parser.add_argument(
        "--answers-only",
        action="store_true",
        help="re-measure answers on the levels' existing indexes (after a change to answering), no rebuild",
    )
    parser.add_argument("--worker", choices=["build", "persist", "attributions"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--index", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--level", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--resume", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.levels == "plot":  # redraw bench/scale.png from bench/out/scale.json
        rows = json.loads((OUT / "scale.json").read_text())["rows"]
        extrapolate(rows)
        plot(rows, REPO / "bench" / "scale.png")
        return 0
    if args.worker == "build":
        print(json.dumps(worker_build(args.corpus, args.index, args.reuse, args.level, args.resume)))
        return 0
    if args.worker == "persist":
        print(json.dumps(worker_persist(args.corpus, args.index)))
        return 0
    if args.worker == "attributions":
        print(json.dumps(worker_attributions(args.corpus, args.index)))
        return 0
    if not (args.reuse / "chroma.sqlite3").exists():
        raise SystemExit(f"no 1x index at {args.reuse}: run bench/ingest_bench.py first")
    levels = [int(x) for x in args.levels.split(",")]
    if args.answers_only:
        result = json.loads((OUT / "scale.json").read_text())
        for row in result["rows"]:
            if row["level"] in levels:
                corpus, index = OUT / f"corpus-{row['level']}x", OUT / f"scale-{row['level']}x"
                row["answers"] = answers_level(corpus, index, args.questions, f"answers-scale-{row['level']}x")
                print(f"[scale] {row['level']}x answers: {row['answers']['latency_ms']}", file=sys.stderr, flush=True)
        result["machine"] = machine()
        save("scale", result)
        plot(result["rows"], REPO / "bench" / "scale.png")
        print(json.dumps(result, indent=2))
        return 0
    ingest_levels = {int(x) for x in args.ingest_levels.split(",") if x}
    previous = OUT / "scale.json"
    rows: list[dict[str, Any]] = []
    if previous.exists():
        rows = [r for r in json.loads(previous.read_text()).get("rows", []) if r["level"] not in levels]
    for level in levels:
        corpus = make_corpus(level)
        files = len(list(corpus.glob("*.txt")))
        row: dict[str, Any] = {"level": level, "corpus_mb": dir_size_mb(corpus), "files": files}
        print(f"[scale] {level}x: {row}", file=sys.stderr, flush=True)
        if level in ingest_levels:
            row["ingest"] = ingest_level(corpus, OUT / f"ingest-{level}x")
            print(f"[scale] {level}x ingest: {row['ingest']['ingest_s']} s", file=sys.stderr, flush=True)
            shutil.rmtree(OUT / f"ingest-{level}x", ignore_errors=True)
        index = OUT / f"scale-{level}x"
        me = [sys.executable, str(Path(__file__).resolve()), "--worker", "build", "--reuse", str(args.reuse)]
        row["build"] = run_json([*me, "--corpus", str(corpus), "--index", str(index), "--level", str(level)])
        row["build"]["persist"] = run_json([*me[:3], "persist", "--corpus", str(corpus), "--index", str(index)])
        print(f"[scale] {level}x build: {row['build']['build_s_reused_vectors']} s", file=sys.stderr, flush=True)
        row["answers"] = answers_level(corpus, index, args.questions, f"answers-scale-{level}x")
        print(f"[scale] {level}x answers: {row['answers']['latency_ms']}", file=sys.stderr, flush=True)
        rows = [r for r in rows if r["level"] != level] + [row]
        rows.sort(key=lambda r: r["level"])
        save("scale", {"machine": machine(), "rows": rows})
    extrapolate(rows)
    result = {"machine": machine(), "rows": rows}
    save("scale", result)
    plot(rows, REPO / "bench" / "scale.png")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
