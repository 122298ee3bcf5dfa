"""Run a benchmark with the index's vectors in a `chroma run` server, and report the server's memory.

    .venv/bin/python bench/with_chroma_server.py --index INDEX --save server-200x -- \\
        .venv/bin/python bench/ready_bench.py --corpus CORPUS --index INDEX

Starts `chroma run --path INDEX --host 127.0.0.1 --port <free port>` (the folder embedded Chroma
uses), waits for its heartbeat, runs each command given after `--` (several: separate them with
`---`) with QA_CHROMA_URL pointing at it, its output passed through, then saves
bench/out/<save>.json: the server's peak RSS (VmHWM: every page it touched, the HNSW index it
loads included) and RSS at the end, the CPU seconds it spent during each command and its share of
a core while idle afterwards (`--idle` seconds), the load, and
the commands. With QA_CHROMA_URL the answering process holds no HNSW index: the server does, so
both figures belong next to each other.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "reliability"))
from common import OUT, REPO, load, save
from reliability_kit import ChromaServer


def _memory_mb(pid: int) -> dict[str, float]:
    """VmHWM and VmRSS of a process and its children (`chroma run` serves from its own process)."""
    total = {"VmHWM": 0.0, "VmRSS": 0.0}
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                key = line.split(":")[0]
                if key in total:
                    total[key] += int(line.split()[1]) / 1024
        except OSError:
            continue
    return {k: round(v, 1) for k, v in total.items()}


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far, its threads included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True, help="the index folder (its chroma.sqlite3)")
    parser.add_argument("--save", required=True, help="bench/out/<name>.json for the server's figures")
    parser.add_argument(
        "--idle", type=float, default=10.0, help="seconds after the commands to measure the idle server's CPU"
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- command [--- command ...]")
    args = parser.parse_args()
    words = args.command[1:] if args.command[:1] == ["--"] else args.command
    commands: list[list[str]] = [[]]
    for word in words:
        if word == "---":
            commands.append([])
        else:
            commands[-1].append(word)
    commands = [c for c in commands if c]
    if not commands:
        parser.error("no command given after --")
    server = ChromaServer(args.index.resolve(), OUT / f"{args.save}.log")
    t0 = time.perf_counter()
    server.start(timeout=900)
    assert server.proc is not None
    result: dict[str, Any] = {
        "index": str(args.index),
        "server_start_s": round(time.perf_counter() - t0, 2),
        "server_after_start_mb": _memory_mb(server.proc.pid),
        "load_before": load(),
        "runs": [],
    }
    try:
        env = {**os.environ, "QA_CHROMA_URL": server.url}
        for command in commands:
            cpu0 = _cpu_s(server.proc.pid)
            proc = subprocess.run(command, cwd=REPO, env=env)
            result["runs"].append(
                {
                    "command": " ".join(command),
                    "exit": proc.returncode,
                    "server_mb": _memory_mb(server.proc.pid),
                    "server_cpu_s": round(_cpu_s(server.proc.pid) - cpu0, 2),
                }
            )
            if proc.returncode != 0:
                break
        # A server that keeps working when nothing is asked (a background task, spinning threads)
        # takes a core from the app on a small machine.
        cpu0 = _cpu_s(server.proc.pid)
        time.sleep(args.idle)
        result["server_idle_cpu_share"] = round((_cpu_s(server.proc.pid) - cpu0) / max(args.idle, 1e-9), 3)
        result["server_peak_rss_mb"] = _memory_mb(server.proc.pid)["VmHWM"]
        result["load_after"] = load()
    finally:
        server.stop()
    save(args.save, result)
    print(json.dumps(result), file=sys.stderr)
    return max(r["exit"] for r in result["runs"])


if __name__ == "__main__":
    sys.exit(main())
