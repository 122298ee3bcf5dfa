"""The int8 encoder's CPU time over squad-dev's texts for several token budgets per batch.

    .venv/bin/python bench/batch_tokens_bench.py [--budgets 4096,2048,1024,512] [--rounds 2] [--threads 2]

Every text ingest embeds (passages and sentences, each distinct text once) is encoded by the int8
export of the machine's encoder cache, in batches of `token_batches(lengths, budget)`, the budgets
alternating round by round. The figure is CPU time, not wall time: on a machine shared with other
jobs wall time moves by tens of percent between minutes, while the CPU a fixed piece of work takes
moves far less. With two threads the sessions do not spin while they wait (spinning would count
waiting as work); one thread is timed with `thread_time`. The minimum of the rounds is reported.
Prints JSON and saves bench/out/batch_tokens.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CORPUS, load, machine, save
from ingest_bench import pipeline_texts


def _encoder(threads: int) -> Any:
    import onnxruntime as ort

    import qa  # noqa: F401  (offline environment first)
    from qa.config import Settings
    from qa.index.embeddings import Encoder

    settings = Settings()
    cache = settings.encoder_cache.expanduser() if settings.encoder_cache else None
    folder = Path(tempfile.mkdtemp(prefix="qa-batch-bench-"))
    encoder = Encoder(settings.model, onnx_dir=folder, int8=True, cache_dir=cache)
    exported = encoder._onnx() if encoder.prepare_export() else None
    if exported is None:
        raise SystemExit("no int8 export could be made")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    exported._sessions[threads] = ort.InferenceSession(str(exported.graph), options, providers=["CPUExecutionProvider"])
    return exported


def run(budgets: list[int], rounds: int, threads: int) -> dict[str, Any]:
    import numpy as np

    from qa.index.onnx_encoder import token_batches

    texts = list(dict.fromkeys(pipeline_texts(CORPUS)))
    encoder = _encoder(threads)
    encoded = encoder.tokenizer.encode_batch(texts)
    lengths = np.fromiter((len(e.ids) for e in encoded), dtype=np.int64, count=len(encoded))
    clock = time.thread_time if threads == 1 else time.process_time
    encoder.encode(texts[:32], threads=threads)  # warm the session
    seconds: dict[int, list[float]] = {budget: [] for budget in budgets}
    load0 = load()
    for _ in range(rounds):
        for budget in budgets:
            started = clock()
            for rows in token_batches(lengths, budget):
                encoder._run(*encoder._inputs([encoded[i] for i in rows], lengths[rows]), threads)
            seconds[budget].append(round(clock() - started, 2))
    best = {budget: min(times) for budget, times in seconds.items()}
    first = best[budgets[0]]
    return {
        "texts": len(texts),
        "tokens": int(lengths.sum()),
        "threads": threads,
        "cpu_s": {str(b): seconds[b] for b in budgets},
        "best_cpu_s": {str(b): best[b] for b in budgets},
        f"against_{budgets[0]}": {str(b): round(best[b] / first, 3) for b in budgets},
        "load": [load0, load()],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budgets", default="4096,2048,1024,512")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    budgets = [int(b) for b in args.budgets.split(",")]
    result = {"machine": machine(), **run(budgets, args.rounds, args.threads)}
    save("batch_tokens", result)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
