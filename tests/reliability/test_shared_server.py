"""Several app processes share one index: two `qa serve` processes with QA_CHROMA_URL answer from one
real `chroma run` server (and one index folder for the record managers, manifest and saved
catalog); the second embeds nothing, and both give the same answers over real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import chromadb
import httpx
import pytest
from browser_kit import free_port
from reliability_kit import ARTICLE, REPO, ChromaServer, stop_process

pytestmark = pytest.mark.slow

FERRY = "The Quorvath ferry leaves the harbour at seven every morning and returns at dusk.\n"
QUESTIONS = [
    ("When does the Quorvath ferry leave the harbour?", "seven"),
    ("What is CECOT?", "Terrorism Confinement Center"),
    ("Who made the offer to jail deportees?", "Bukele"),
]


def _counts(server: ChromaServer) -> dict[str, int]:
    client = chromadb.HttpClient(host="127.0.0.1", port=server.port)
    return {c.name: c.count() for c in client.list_collections()}


def _ask(url: str, question: str) -> str:
    response = httpx.post(f"{url}/v1/ask", json={"question": question}, timeout=120)
    response.raise_for_status()
    return str(response.json()["answer"])


def _serve(root: Path, server: ChromaServer, name: str) -> tuple[subprocess.Popen[bytes], str, Path]:
    """`qa serve` as a deployment starts it, on a free loopback port, once it says Ready and answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env.update(
        QA_CHROMA_URL=server.url,
        QA_CORPUS_DIR=str(root / "corpus"),
        QA_INDEX_DIR=str(root / "index"),
        QA_PORT=str(port),
        QA_WATCH_SECONDS="0",
    )
    log = root / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "qa", "serve"], cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env=env
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while True:
        assert proc.poll() is None, f"{name} exited: {log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"{name} was not ready in 10 minutes: {log.read_text()[-3000:]}"
        try:
            if "Ready:" in log.read_text() and "seven" in _ask(url, QUESTIONS[0][0]):
                return proc, url, log
        except httpx.HTTPError:
            pass
        time.sleep(1)


@pytest.fixture(scope="module")
def two_apps(
    tmp_path_factory: pytest.TempPathFactory, chroma_server: ChromaServer
) -> Iterator[tuple[Path, str, str, dict[str, int], dict[str, int]]]:
    root = tmp_path_factory.mktemp("shared-server")
    (root / "corpus").mkdir()
    (root / "corpus" / ARTICLE.name).write_bytes(ARTICLE.read_bytes())
    (root / "corpus" / "ferry.txt").write_text(FERRY)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        first, first_url, _ = _serve(root, chroma_server, "first")  # indexes the corpus into the server
        procs.append(first)
        after_first = _counts(chroma_server)
        second, second_url, _ = _serve(root, chroma_server, "second")  # opens what is there
        procs.append(second)
        yield root, first_url, second_url, after_first, _counts(chroma_server)
    finally:
        for proc in procs:
            stop_process(proc)


def test_two_app_processes_answer_from_one_chroma_server(
    two_apps: tuple[Path, str, str, dict[str, int], dict[str, int]],
) -> None:
    root, first_url, second_url, after_first, after_second = two_apps
    assert not (root / "index" / "chroma.sqlite3").exists()  # no embedded store on the side
    assert after_first and all(n > 0 for n in after_first.values())
    assert after_second == after_first  # the second process added nothing to the server
    for question, expected in QUESTIONS:
        first, second = _ask(first_url, question), _ask(second_url, question)
        assert expected in first, (question, first)
        assert second == first, question
