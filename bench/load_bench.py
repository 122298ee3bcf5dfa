"""Concurrent conversations against the running app: errors, crossed conversations, latency.

    .venv/bin/python bench/load_bench.py [--clients 30] [--seconds 30] [--api both|rest|gradio]

Starts `python app.py` on the article (a real subprocess on a free loopback port, its own index),
then `--clients` threads talk to it for `--seconds`: each holds one conversation about its own
person or thing and goes through it again and again, each follow-up sent with the history so far
("What does she specialize in?" after "Who is Leti Volpp?"). Half the clients use `POST /v1/ask`,
half Gradio's `/ask` through `gradio_client` (`--api` picks one). Counted: requests, errors (a
refused or failed request, an `error` field), wrong answers (the expected text missing), crossed
conversations (a follow-up understood as about another client's subject: the server keeps no
conversation, each request carries its own), and latency per answer. Prints JSON and saves
bench/out/load.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from common import REPO, load, machine, percentiles, save
from ui_latency import App

# (question, text the answer must hold, the subject the follow-up must be understood as about)
CONVERSATIONS: list[list[tuple[str, str, str | None]]] = [
    [("Who is Leti Volpp?", "UC Berkeley", None), ("What does she specialize in?", "immigration law", "Volpp")],
    [("Who confirmed the offer on X?", "Bukele", None), ("What did he say on X?", "Bukele", "Bukele")],
    [("Who is Mneesha Gellman?", "Emerson College", None), ("What did she call the proposal?", "bizarre", "Gellman")],
    [("Who called it a great idea?", "Musk", None), ("Where did he say it?", "on X", "Musk")],
    [("What is CECOT?", "Terrorism Confinement Center", None), ("How many inmates can it hold?", "40,000", "CECOT")],
]
SUBJECTS = {conversation[-1][2] for conversation in CONVERSATIONS}


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    crossed: list[str] = field(default_factory=list)


def _asker(url: str, api: str) -> Any:
    """A function (question, history) -> the answer dict, over one API."""
    if api == "gradio":
        from gradio_client import Client

        client = Client(url, verbose=False)
        return lambda question, history: client.predict(question, history, api_name="/ask")
    http = httpx.Client(timeout=120)

    def rest(question: str, history: list[list[str]]) -> dict[str, Any]:
        response = http.post(f"{url}v1/ask", json={"question": question, "history": history})
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
        return dict(response.json())

    return rest


def _client(url: str, api: str, number: int, start: threading.Barrier, until: list[float], tally: Tally) -> None:
    """One client: its conversation, again and again, from the start signal until `until[0]`."""
    conversation = CONVERSATIONS[number % len(CONVERSATIONS)]
    own = conversation[-1][2]
    try:
        ask = _asker(url, api)
    except Exception as exc:
        tally.errors.append(f"client {number}: {type(exc).__name__}: {exc}")
        start.wait()
        return
    start.wait()
    while time.monotonic() < until[0]:
        history: list[list[str]] = []
        for question, expected, subject in conversation:
            began = time.monotonic()
            try:
                result = ask(question, history)
            except Exception as exc:
                tally.errors.append(f"client {number} ({api}) {question!r}: {type(exc).__name__}: {exc}")
                break
            tally.latencies.append(time.monotonic() - began)
            where = f"client {number} ({api}) {question!r}"
            resolved = result.get("resolved_question") or ""
            if result.get("error"):
                tally.errors.append(f"{where}: {result['error']}")
            elif subject and any(other in resolved for other in SUBJECTS - {own}):
                tally.crossed.append(f"{where}: understood as {resolved!r}")
            elif expected not in result["answer"] or (subject and subject not in resolved):
                tally.wrong.append(f"{where}: {resolved!r} -> {result['answer'][:120]!r}")
            history.append([question, result["answer"]])


def run(url: str, clients: int, seconds: float, api: str) -> dict[str, Any]:
    tallies = [Tally() for _ in range(clients)]
    apis = [("rest", "gradio")[i % 2] if api == "both" else api for i in range(clients)]
    until: list[float] = []
    # the clock starts once every client is connected (gradio_client reads the API first)
    start = threading.Barrier(clients + 1, action=lambda: until.append(time.monotonic() + seconds))
    threads = [
        threading.Thread(target=_client, args=(url, apis[i], i, start, until, tallies[i])) for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    load_before = load()
    start.wait(timeout=600)
    began = time.monotonic()
    for thread in threads:
        thread.join(timeout=seconds + 600)
    wall = time.monotonic() - began
    latencies = [t for tally in tallies for t in tally.latencies]
    by_api = {
        name: percentiles([t for tally, a in zip(tallies, apis, strict=True) if a == name for t in tally.latencies])
        for name in sorted(set(apis))
    }
    errors = [e for tally in tallies for e in tally.errors]
    wrong = [w for tally in tallies for w in tally.wrong]
    crossed = [c for tally in tallies for c in tally.crossed]
    return {
        "clients": clients,
        "seconds_asked": seconds,
        "seconds": round(wall, 1),
        "requests": len(latencies) + len(errors),
        "answers_per_second": round(len(latencies) / wall, 1),
        "errors": len(errors),
        "wrong": len(wrong),
        "crossed_conversations": len(crossed),
        "latency_s": percentiles(latencies),
        "latency_s_by_api": by_api,
        "examples": {"errors": errors[:5], "wrong": wrong[:5], "crossed": crossed[:5]},
        "load_before": load_before,
        "load_after": load(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--api", choices=["both", "rest", "gradio"], default="both")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="qa-load-bench-"))
    app = App((REPO / "corpus").resolve(), work / "index", work / "app.log")
    try:
        app.wait_serving()
        app.wait_answering()
        result = {"machine": machine(), "api": args.api, **run(app.url, args.clients, args.seconds, args.api)}
    finally:
        app.stop()
    print(json.dumps(result, indent=2))
    save("load", result)
    return 0 if not (result["errors"] or result["crossed_conversations"]) else 1


if __name__ == "__main__":
    sys.exit(main())
