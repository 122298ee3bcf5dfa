"""How long attribution extraction takes on the squad-dev corpus, to keep it cheap next to ingest.

    .venv/bin/python bench/attribution_cost.py [--corpus DIR] [--limit N]

Prints the pipeline load time, then extraction seconds, chars/s and the share of sentences parsed.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import qa  # noqa: F401  (offline environment first)
from qa.attribute.extract import extract_attributions, parser_pipeline
from qa.attribute.lexicon import has_speech_cue
from qa.ingest.load import load_document
from qa.ingest.split import split_sentences

DEFAULT_CORPUS = Path("/work/shared/bench/squad-dev/corpus")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of .txt files")
    parser.add_argument("--limit", type=int, default=None, help="only the first N files")
    args = parser.parse_args(argv)

    paths = sorted(args.corpus.glob("*.txt"))[: args.limit]
    docs = [load_document(p) for p in paths]
    chars = sum(len(d.text) for d in docs)

    t0 = time.perf_counter()
    parser_pipeline()
    load = time.perf_counter() - t0

    t0 = time.perf_counter()
    sentences = [s for d in docs for s in split_sentences(d.text)]
    split = time.perf_counter() - t0
    cued = sum(1 for s in sentences if has_speech_cue(s.text))

    t0 = time.perf_counter()
    found = [a for d in docs for a in extract_attributions(d)]
    took = time.perf_counter() - t0

    share = cued / max(1, len(sentences))
    print(f"{len(docs)} documents, {chars:,} chars, {len(sentences):,} sentences, {cued:,} parsed ({share:.0%})")
    print(f"pipeline load: {load:.1f} s (once per process)")
    print(f"sentence split alone: {split:.1f} s (included in extraction)")
    print(f"extraction: {took:.1f} s, {chars / took:,.0f} chars/s, {len(found)} attributions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
