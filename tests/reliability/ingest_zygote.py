"""Start `qa ingest` runs as forks of one process that has already imported everything.

The import of torch and sentence-transformers takes 15-25 s on a busy two-core machine; paying it
once instead of once per crash trial keeps the SIGKILL test to a couple of minutes. Each fork runs
exactly what `qa ingest --quiet` runs (`qa.cli.main.main`), in a process of its own, so a SIGKILL
hits it as it would hit the command. Nothing is opened before forking: no Chroma client, no model,
no torch thread pool.

Protocol (one line each way, JSON): {"run": {"QA_CORPUS_DIR": ..., "QA_INDEX_DIR": ...}, "log": path}
answers {"pid": N}; {"wait": N} answers {"code": exit status or -signal}.
"""

from __future__ import annotations

import importlib
import json
import os
import sys

import qa.service  # noqa: F401  (offline environment first, then chromadb, langchain, spaCy helpers)
from qa.cli.main import main

importlib.import_module("sentence_transformers")  # torch and transformers: most of the start-up


def _child(env: dict[str, str], log: str) -> None:
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115 (fresh objects: no lock inherited)
    sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
    os.environ.update(env)
    try:
        code = main(["ingest", "--quiet"])
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 70
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def serve() -> None:
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if "run" in request:
            pid = os.fork()
            if pid == 0:
                _child(request["run"], request["log"])
            print(json.dumps({"pid": pid}), flush=True)
        elif "wait" in request:
            _, status = os.waitpid(int(request["wait"]), 0)
            print(json.dumps({"code": os.waitstatus_to_exitcode(status)}), flush=True)


if __name__ == "__main__":
    serve()
