"""`python app.py` on an index already built: it answers without ever loading torch."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from browser_kit import free_port

from qa.service import QAService
from qa.ui.rest import ASK_PATH

ROOT = Path(__file__).resolve().parents[2]


def test_the_app_answers_from_a_built_index_without_torch(article_service: QAService, tmp_path: Path) -> None:
    settings = article_service.settings
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env.update(QA_CORPUS_DIR=str(settings.corpus_dir), QA_PORT="1")  # the flags below win over these
    env.update(QA_ENCODER_DIR=str(article_service.encoder.onnx_dir))  # where the index's sync left the export
    log = (tmp_path / "app.log").open("wb")
    # app.py takes the flags of `qa serve` (a review found them ignored: it served ./corpus on 7860)
    argv = [sys.executable, str(ROOT / "app.py"), "--index", str(settings.index_dir), "--port", str(port)]
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        deadline, answer = time.monotonic() + 120, None
        while time.monotonic() < deadline and answer is None:
            assert proc.poll() is None, (tmp_path / "app.log").read_text()
            try:
                url = f"http://127.0.0.1:{port}{ASK_PATH}"
                reply = httpx.post(url, json={"question": "What is CECOT?"}, timeout=30)
                answer = reply.json() if reply.status_code == 200 else None
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        assert answer is not None and not answer["abstained"] and "CECOT" in answer["answer"]
        # Give the start-up index check time to finish, then look at what the process has loaded.
        time.sleep(3)
        maps = Path(f"/proc/{proc.pid}/maps").read_text()
        assert "libtorch" not in maps, "the answering app loaded torch"
        assert "onnxruntime" in maps  # the question encoder it uses instead
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_app_py_explains_itself() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "app.py"), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "--port" in done.stdout and "--corpus" in done.stdout and "QA_PORT" in done.stdout
