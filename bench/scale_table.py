"""The issue-25 scale table and plot from the measurements of each level, in bench/out:

    ready-<L>.json    bench/ready_bench.py   (qa serve: Ready, first answer, peak RSS, API latency)
    answers-<L>.json  bench/answer_bench.py --only inproc --questions 300 (in-process latency, peak RSS)
    open-<L>-again.json  bench/open_bench.py (open an existing index)
    server-<L>.json   bench/with_chroma_server.py, for a level named <N>x-server: the same runs with
                      QA_CHROMA_URL against `chroma run` on the index (the HNSW index in the server)

    .venv/bin/python bench/scale_table.py 1x 50x 200x 200x-server

Prints a markdown table and writes bench/scale.png.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from common import OUT, REPO


def _read(name: str) -> dict[str, Any]:
    path = OUT / name
    return (
        dict(
            json.loads(
                path.read_text().strip().splitlines()[-1] if name.startswith(("ready", "open")) else path.read_text()
            )
        )
        if path.exists()
        else {}
    )


def row(level: str) -> dict[str, Any]:
    ready = _read(f"ready-{level}.json")
    answers = _read(f"answers-{level}.json").get("inproc", {})
    opened = _read(f"open-{level}-again.json")
    server = _read(f"server-{level}.json")
    return {
        "level": level,
        "x": float(level.split("x")[0]),
        "server_mb": server.get("server_peak_rss_mb"),
        "passages": answers.get("passages"),
        "sentences": answers.get("sentences"),
        "open_s": opened.get("open_s"),
        "ready_s": ready.get("ready_s"),
        "rss_serving_mb": ready.get("peak_rss_after_mb"),
        "rss_inproc_mb": answers.get("peak_rss_mb"),
        "p50": answers.get("latency_ms", {}).get("p50"),
        "p95": answers.get("latency_ms", {}).get("p95"),
        "cpu_p50": answers.get("cpu_ms", {}).get("p50"),
        "api_p50": ready.get("api_latency_ms", {}).get("p50"),
        "load": answers.get("load_during"),
        "load_serve": ready.get("load_during"),
    }


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| level | passages | sentences | open index (s) | qa serve Ready (s) | peak RSS serving / in-process (MB) "
        "| Chroma server peak RSS (MB) | answer p50 / p95 (ms) | CPU p50 (ms) | API p50 (ms) "
        "| load avg: answers; serve |\n|---|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [
        f"| {r['level']} | {r['passages']:,} | {r['sentences']:,} | {r['open_s']} | {r['ready_s']} "
        f"| {r['rss_serving_mb']} / {r['rss_inproc_mb']} | {r['server_mb'] or 'embedded'} | {r['p50']} / {r['p95']} "
        f"| {r['cpu_p50']} | {r['api_p50']} | {r['load']}; {r['load_serve']} |"
        for r in rows
    ]
    return "\n".join([head, *lines])


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
    for kind, style in (("embedded", "-"), ("server", "--")):
        part = [r for r in rows if (r["server_mb"] is not None) == (kind == "server")]
        if not part:
            continue
        x = [r["x"] for r in part]
        tag = "" if kind == "embedded" else " (QA_CHROMA_URL)"
        axes[0].plot(x, [r["ready_s"] for r in part], "o" + style, label=f"qa serve to Ready{tag}")
        axes[0].plot(x, [r["open_s"] for r in part], "s:", label=f"open index{tag}")
        axes[1].plot(x, [r["rss_serving_mb"] for r in part], "o" + style, label=f"qa serve, 100 API questions{tag}")
        axes[1].plot(x, [r["rss_inproc_mb"] for r in part], "^" + style, label=f"in-process, 300 questions{tag}")
        if kind == "server":
            axes[1].plot(x, [r["server_mb"] for r in part], "D--", label="the Chroma server (its HNSW index)")
        axes[2].plot(x, [r["p50"] for r in part], "o" + style, label=f"p50{tag}")
        axes[2].plot(x, [r["p95"] for r in part], "v" + style, label=f"p95{tag}")
        axes[2].plot(x, [r["cpu_p50"] for r in part], "x:", label=f"CPU p50{tag}")
        for r in part:  # wall times depend on the load of the minute: say it at each point
            if r["load"] and r["p95"] is not None:
                axes[2].annotate(
                    f"load {r['load'][0]:g}", (r["x"], r["p95"]), fontsize=7, xytext=(4, 4), textcoords="offset points"
                )
    axes[0].axhline(15, color="grey", ls="--", lw=1, label="goal 15 s")
    axes[0].set(title="Start on an existing index", xlabel="corpus size (x squad-dev)", ylabel="seconds")
    axes[1].axhline(2500, color="grey", ls="--", lw=1, label="goal 2.5 GB")
    axes[1].set(title="Peak RSS", xlabel="corpus size (x squad-dev)", ylabel="MB")
    axes[2].axhline(150, color="grey", ls="--", lw=1, label="p95 goal 150 ms")
    axes[2].set(title="Answer latency, QAService.ask (warm)", xlabel="corpus size (x squad-dev)", ylabel="ms")
    for a in axes:
        a.grid(alpha=0.3)
        a.set_ylim(bottom=0)
        a.legend(fontsize=7)
    fig.suptitle("qa at scale: HNSW candidates, catalog mapped from disk (2 cores shared; load in RESULTS.md)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    rows = sorted((row(level) for level in sys.argv[1:]), key=lambda r: r["x"])
    print(table(rows))
    plot(rows, REPO / "bench" / "scale.png")


if __name__ == "__main__":
    main()
