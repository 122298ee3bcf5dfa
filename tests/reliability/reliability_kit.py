"""Helpers of the reliability suite: start the real app, a real `chroma run`, free loopback ports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from browser_kit import free_port

import qa  # noqa: F401  (offline environment first)
from qa.config import Settings
from qa.ui.app import Running, start

REPO = Path(__file__).resolve().parents[2]
ARTICLE = REPO / "corpus" / "el-salvador-deportation-offer.txt"
BIN = Path(sys.executable).parent
# The reliability app refuses uploads over this many MB (Gradio's max_file_size and add_document).
UPLOAD_LIMIT_MB = 0.5  # fractional on purpose: the page and the service agree on bytes


def start_app(root: Path, **overrides: object) -> Running:
    """The chat over a copy of the article in `root`, on a free loopback port, ready to answer."""
    corpus = root / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    options: dict[str, object] = {"corpus_dir": corpus, "index_dir": root / "index", "port": free_port()}
    options.update(overrides)
    running = start(Settings(**options), quiet=True)  # type: ignore[arg-type]
    assert running.wait_ready(timeout=600), "the start-up index update did not finish in 10 minutes"
    assert running.status.error is None, running.status.error
    return running


def call_api(url: str, api_name: str, *data: Any) -> Any:
    """A Gradio API call as raw JSON through the queue (`/gradio_api/call/...`): what no well-behaved
    client sends still gets through (`gradio_client` cannot encode a lone surrogate, "\\ud800")."""
    body = json.dumps({"data": list(data)})  # ASCII: a lone surrogate is sent as its escape
    joined = httpx.post(
        f"{url.rstrip('/')}/gradio_api/call/{api_name}",
        content=body,
        headers={"content-type": "application/json"},
        timeout=60,
    )
    joined.raise_for_status()
    event_id = joined.json()["event_id"]
    with httpx.stream("GET", f"{url.rstrip('/')}/gradio_api/call/{api_name}/{event_id}", timeout=120) as stream:
        lines = list(stream.iter_lines())
    events = [line.removeprefix("event:").strip() for line in lines if line.startswith("event:")]
    payload = [line.removeprefix("data:").strip() for line in lines if line.startswith("data:")]
    assert events and events[-1] == "complete", lines
    return json.loads(payload[-1])[0]


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Stop a server process: asked to end, then killed if it has not within `timeout` seconds."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


class ChromaServer:
    """`chroma run` from the venv on a loopback port; stop() and start() keep port and folder."""

    def __init__(self, path: Path, log: Path) -> None:
        self.path = path
        self.port = free_port()
        self.log = log
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 120.0) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [str(BIN / "chroma"), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.proc.returncode}: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"chroma run did not answer in {timeout:.0f} s")

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)
        self.proc = None
