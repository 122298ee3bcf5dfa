"""POST /v1/ask: plain JSON in and out, against the running app (and one with a password)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from browser_kit import free_port

from qa.config import Settings
from qa.ui.app import Running, start
from qa.ui.rest import ASK_PATH

ARTICLE = Path(__file__).resolve().parents[2] / "corpus" / "el-salvador-deportation-offer.txt"


def _post(app: Running, body: object, **kwargs: object) -> httpx.Response:
    return httpx.post(app.url.rstrip("/") + ASK_PATH, json=body, timeout=60, **kwargs)  # type: ignore[arg-type]


def test_answer_matches_the_service(app: Running) -> None:
    response = _post(app, {"question": "Who made which offer?"})
    assert response.status_code == 200
    assert response.json() == app.service.ask("Who made which offer?").to_dict()


def test_cited_answer_points_into_the_document(app: Running) -> None:
    result = _post(app, {"question": "What is CECOT?"}).json()
    assert not result["abstained"] and result["citations"]
    text = app.service.document(result["citations"][0]["doc"]).text
    first = result["citations"][0]
    assert text[first["start"] : first["end"]] == first["quote"]


def test_follow_up_uses_the_history(app: Running) -> None:
    first = _post(app, {"question": "What is CECOT?"}).json()
    result = _post(
        app, {"question": "How many inmates can it hold?", "history": [["What is CECOT?", first["answer"]]]}
    ).json()
    assert result["resolved_question"] and "CECOT" in result["resolved_question"]
    assert "40,000" in result["answer"]


def test_bad_requests_are_refused_clearly(app: Running) -> None:
    empty = _post(app, {"question": "  "})
    assert empty.status_code == 400
    assert empty.json()["error"] == "please type a question"
    missing = _post(app, {"history": []})
    assert missing.status_code == 422
    assert "question" in missing.text
    not_json = httpx.post(
        app.url.rstrip("/") + ASK_PATH, content=b"\x00\xff{", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 400
    bad_history = _post(app, {"question": "What is CECOT?", "history": "everything"})
    assert bad_history.status_code == 422
    assert _post(app, {"question": "What is CECOT?"}).status_code == 200  # still serving


def test_null_history_is_no_history_and_oversized_requests_are_refused_unread(app: Running) -> None:
    assert _post(app, {"question": "What is CECOT?", "history": None}).status_code == 200
    url = app.url.rstrip("/") + ASK_PATH
    huge = b'{"question": "What is CECOT?", "padding": "' + b"x" * 5_000_000 + b'"}'
    refused = httpx.post(url, content=huge, headers={"content-type": "application/json"}, timeout=60)
    assert refused.status_code == 413 and "over 1,000,000 bytes" in refused.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: refused while it is read
        yield b'{"question": "What is CECOT?", "padding": "'
        for _ in range(50):
            yield b"x" * 100_000
        yield b'"}'

    streamed = httpx.post(url, content=chunks(), headers={"content-type": "application/json"}, timeout=60)
    assert streamed.status_code == 413
    turns = [["What is CECOT?", "A prison."]] * 201
    too_long = _post(app, {"question": "How big is it?", "history": turns})
    assert too_long.status_code == 400 and too_long.json()["error"] == "the history has 201 turns; the limit is 200"
    assert _post(app, {"question": "How big is it?", "history": turns[:200]}).status_code == 200


@pytest.fixture(scope="module")
def locked_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    root = tmp_path_factory.mktemp("locked")
    (root / "corpus").mkdir()
    shutil.copy(ARTICLE, root / "corpus" / ARTICLE.name)
    settings = Settings(
        corpus_dir=root / "corpus", index_dir=root / "index", host="127.0.0.1", port=free_port(), auth="ana:s3cret"
    )
    running = start(settings, quiet=True)
    try:
        assert running.wait_ready(timeout=600)
        yield running
    finally:
        running.close()


def test_password_is_required_when_set(locked_app: Running) -> None:
    assert _post(locked_app, {"question": "What is CECOT?"}).status_code == 401
    assert _post(locked_app, {"question": "What is CECOT?"}, auth=("ana", "wrong")).status_code == 401
    ok = _post(locked_app, {"question": "What is CECOT?"}, auth=("ana", "s3cret"))
    assert ok.status_code == 200 and ok.json()["citations"]
