"""Warm answer latency with and without the work started ahead of the reader (qa/answer/ahead.py).

The same seeded TEST sample as bench/heldout_bench.py --n 400 (squad-dev and squad2-dev), each
question asked once, by one variant: question i goes to variant (i + offset) % 2, so on a shared
machine whose load drifts both variants are measured in the same minutes and the same cache
state. Each offset runs in a fresh process (nothing warmed by the other assignment), and the
figures of both are pooled.

    .venv/bin/python bench/ahead_bench.py --index bench/out/index-main
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from common import CORPUS, OUT, bench_env, load
from same_answers import SETS, sample

VARIANTS = ("ahead", "inline")


@contextmanager
def _inline(*_: object) -> Iterator[None]:
    yield None


def measure(index: Path, n: int, seed: int, offset: int) -> dict[str, list[float]]:
    """Latency (ms) per `variant|set`, each question asked once by the variant its turn gives."""
    import qa.answer.compose as compose
    from qa.config import Settings
    from qa.service import QAService

    kinds = {"ahead": compose.work_ahead, "inline": _inline}
    service = QAService(Settings(corpus_dir=CORPUS, index_dir=index))
    service.sync(show_bar=False)
    service.warm_up()
    out: dict[str, list[float]] = {f"{v}|{s}": [] for v in VARIANTS for s in SETS}
    for name, source in SETS.items():
        for i, row in enumerate(sample(source, n, seed)):
            variant = VARIANTS[(i + offset) % len(VARIANTS)]
            compose.work_ahead = kinds[variant]  # type: ignore[assignment]
            start = time.perf_counter()
            service.ask(row["question"])
            out[f"{variant}|{name}"].append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=OUT / "index-main", help="index of all squad-dev articles")
    parser.add_argument("--n", type=int, default=400, help="a seeded sample of this many questions per set")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--offset", type=int, help="(internal) measure one assignment and print it as JSON")
    args = parser.parse_args()
    if args.offset is not None:
        print(json.dumps(measure(args.index, args.n, args.seed, args.offset)))
        return
    pooled: dict[str, list[float]] = {}
    loads = [load()]
    for offset in range(len(VARIANTS)):
        command = [sys.executable, __file__, "--index", str(args.index), "--n", str(args.n)]
        command += ["--seed", str(args.seed), "--offset", str(offset)]
        done = subprocess.run(command, env=bench_env(), capture_output=True, text=True, check=True)
        for key, values in json.loads(done.stdout.strip().splitlines()[-1]).items():
            pooled.setdefault(key, []).extend(values)
        loads.append(load())
    print(f"load average {loads}")
    for key in sorted(pooled):
        values = np.asarray(pooled[key])
        p50, p95 = np.percentile(values, 50), np.percentile(values, 95)
        print(f"| {key} | {len(values)} | p50 {p50:.1f} ms | p95 {p95:.1f} ms | mean {values.mean():.1f} ms |")


if __name__ == "__main__":
    main()
