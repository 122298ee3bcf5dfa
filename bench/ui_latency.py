"""How fast the chat starts on an existing index, and how fast an answer shows up in the browser.

    .venv/bin/python bench/ui_latency.py [--corpus corpus] [--index DIR] [--rounds 3]

Starts `python app.py` as a real subprocess (QA_* variables point it at the corpus, the index and a
free port). The first start builds the index if needed; the measured start reuses it. Then headless
Chromium types each question, presses Enter and waits for the answer bubble; the time between the
two is the figure the issue asks for (goal < 0.5 s on the article). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from browser_kit import chat_page, chromium, free_port  # noqa: E402  (the tests' Chromium launcher)

QUESTIONS = [
    "Who made which offer?",
    "What is CECOT?",
    "Who called it a great idea?",
    "What is the maximum capacity of the prison?",
    "Can the US deport its own citizens?",
]


def _get(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


class App:
    """`python app.py` in a subprocess, with the times it reached each milestone."""

    def __init__(self, corpus: Path, index: Path, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {
            **os.environ,
            "QA_CORPUS_DIR": str(corpus),
            "QA_INDEX_DIR": str(index),
            "QA_HOST": "127.0.0.1",
            "QA_PORT": str(self.port),
        }
        self.log = log.open("w")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "app.py"], cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def wait_serving(self, timeout: float = 300) -> float:
        """Seconds from launch until the page is served."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app.py exited with {self.proc.returncode}; see {self.log.name}")
            if _get(self.url + "config"):
                return time.perf_counter() - self.started
            time.sleep(0.05)
        raise TimeoutError("the app did not start serving")

    def wait_answering(self) -> float:
        """Seconds from launch until /ask answers (the index is up to date and the model warm)."""
        from gradio_client import Client

        client = Client(self.url, verbose=False)
        result = client.predict("What is CECOT?", api_name="/ask")
        if not result.get("citations"):
            raise RuntimeError(f"no citations in the first answer: {result}")
        return time.perf_counter() - self.started

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def browser_latencies(url: str, rounds: int) -> list[dict[str, Any]]:
    """Enter → answer bubble visible, per question, in a fresh chat each round."""
    rows: list[dict[str, Any]] = []
    with chromium() as browser, chat_page(browser, url) as page:
        box = page.locator("#qa-question textarea")
        answers = page.locator("#qa-chat .qa-a")
        for r in range(rounds):
            page.locator("#qa-new-chat").click()
            page.wait_for_function("() => document.querySelectorAll('#qa-chat .qa-a').length === 0")
            for i, question in enumerate(QUESTIONS):
                box.fill(question)
                start = time.perf_counter()
                box.press("Enter")
                answers.nth(i).wait_for(state="visible")
                took = time.perf_counter() - start
                rows.append({"round": r, "question": question, "seconds": round(took, 3)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--index", type=Path, help="existing index to reuse (default: a temporary one)")
    parser.add_argument("--rounds", type=int, default=3, help="times each question is asked (default 3)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="qa-ui-bench-"))
    index = args.index or work / "index"
    try:
        first = App(args.corpus.resolve(), index, work / "first.log")
        try:
            first.wait_serving()
            build = first.wait_answering()
        finally:
            first.stop()
        app = App(args.corpus.resolve(), index, work / "second.log")
        try:
            serving = app.wait_serving()
            answering = app.wait_answering()
            rows = browser_latencies(app.url, args.rounds)
        finally:
            app.stop()
    finally:
        if args.index is None:
            shutil.rmtree(work, ignore_errors=True)
    seconds = [row["seconds"] for row in rows]
    summary = {
        "first_start_with_indexing_s": round(build, 2),
        "start_to_serving_s": round(serving, 2),
        "start_to_first_answer_s": round(answering, 2),
        "enter_to_answer_s": {
            "median": round(statistics.median(seconds), 3),
            "p90": round(sorted(seconds)[max(0, int(len(seconds) * 0.9) - 1)], 3),
            "max": round(max(seconds), 3),
            "n": len(seconds),
        },
        "per_question": rows,
        "load_average": os.getloadavg(),
    }
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
