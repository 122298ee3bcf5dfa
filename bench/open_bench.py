"""Time to open an existing index and make its in-memory catalog, and the process's peak RSS then.

    .venv/bin/python bench/open_bench.py --corpus bench/out/corpus-10x --index bench/out/scale-10x

Prints one JSON line: seconds to open, peak RSS (MB), rows, and whether BM25 was memory-mapped
(saved beside the index by an earlier open) or built. Run it with PYTHONPATH pointing at another
checkout's code to compare with that code on the same index.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--save", type=Path, help="also write the line to this file")
    args = parser.parse_args()

    import qa
    from qa.config import Settings
    from qa.service import QAService

    started = time.perf_counter()
    catalog = QAService(Settings(corpus_dir=args.corpus, index_dir=args.index, threads=2)).catalog
    took = time.perf_counter() - started
    data = catalog.sentences_lexical.model.scores["data"]
    line = json.dumps(
        {
            "code": str(Path(qa.__file__).parents[1]),
            "open_s": round(took, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "passages": len(catalog.passages),
            "sentences": len(catalog.sentences),
            "bm25": "mapped" if type(data).__name__ == "memmap" else "built",
            "chroma": os.environ.get("QA_CHROMA_URL") or "embedded",
            "load": [round(x, 2) for x in os.getloadavg()],
        }
    )
    if args.save:
        args.save.write_text(line + "\n")
    print(line)


if __name__ == "__main__":
    main()
