"""Load: 20 gradio_client sessions ask 10 questions each (follow-ups included) while a document is
uploaded in the browser; every answer is right, none errs, no conversation leaks into another."""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client
from playwright.sync_api import Page, expect

from qa.ui.app import Running, concurrency

SESSIONS = 20
QUESTIONS = 10

# Conversations about the article: (question, text the answer must contain, name the follow-up
# must have been resolved to or None). Each session walks them from its own starting point, so at
# any moment different sessions are in different conversations about different people.
CONVERSATIONS: list[list[tuple[str, str, str | None]]] = [
    [("What is CECOT?", "Terrorism Confinement Center", None), ("How many inmates can it hold?", "40,000", "CECOT")],
    [("Who is Leti Volpp?", "UC Berkeley", None), ("What does she specialize in?", "immigration law", "Volpp")],
    [("Who confirmed the offer on X?", "Bukele", None), ("What did he say on X?", "Bukele", "Bukele")],
    [("Who is Mneesha Gellman?", "Emerson College", None), ("What did she call the proposal?", "bizarre", "Gellman")],
    [("Where was Rubio visiting?", "Central America", None)],
    [("Can the US deport its own citizens?", "absolutely prohibited", None)],
    [("Who called it a great idea?", "Musk", None), ("Where did he say it?", "on X", "Musk")],
]

UPLOAD = (
    "The Pemberton lighthouse was painted emerald green in 1932 by the keeper, Oswin Tarrant.\n"
    "Its lamp can be seen forty kilometres out to sea on a clear night.\n"
)


def _plan(session: int) -> list[list[tuple[str, str, str | None]]]:
    """This session's conversations: 10 questions, starting at its own place in the list."""
    plan: list[list[tuple[str, str, str | None]]] = []
    count, i = 0, session
    while count < QUESTIONS:
        conversation = CONVERSATIONS[i % len(CONVERSATIONS)][: QUESTIONS - count]
        plan.append(conversation)
        count += len(conversation)
        i += 1
    return plan


@dataclass
class SessionResult:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _session(url: str, session: int, start: threading.Barrier, out: SessionResult) -> None:
    try:
        client = Client(url, verbose=False)
        start.wait(timeout=300)
        for conversation in _plan(session):
            history: list[list[str]] = []
            for question, expected, resolved_to in conversation:
                began = time.monotonic()
                result: dict[str, Any] = client.predict(question, history, api_name="/ask")
                out.latencies.append(time.monotonic() - began)
                where = f"session {session}, {question!r} after {[h[0] for h in history]}"
                if result.get("error"):
                    out.failures.append(f"{where}: error {result['error']}")
                elif result["question"] != question:
                    out.failures.append(f"{where}: answered another question {result['question']!r}")
                elif expected not in result["answer"]:
                    out.failures.append(f"{where}: {expected!r} not in {result['answer'][:200]!r}")
                elif resolved_to and resolved_to not in (result["resolved_question"] or ""):
                    out.failures.append(f"{where}: understood as {result['resolved_question']!r}")
                history.append([question, result["answer"]])
    except Exception as exc:  # the thread reports, the test fails
        out.failures.append(f"session {session}: {type(exc).__name__}: {exc}")


def _upload_in_browser(page: Page, path: Path) -> None:
    page.locator("#qa-upload").wait_for(state="visible")  # open on arrival: a click would close it
    page.locator("#qa-upload input[type=file]").set_input_files(str(path))
    expect(page.locator("#qa-docs-note")).to_contain_text(f"{path.name} indexed", timeout=300_000)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_twenty_sessions_with_follow_ups_and_an_upload(rel_app: Running, rel_page: Page, tmp_path: Path) -> None:
    assert concurrency(rel_app.service.settings) >= 2
    results = [SessionResult() for _ in range(SESSIONS)]
    barrier = threading.Barrier(SESSIONS + 1)
    threads = [
        threading.Thread(target=_session, args=(rel_app.url, i, barrier, results[i]), daemon=True)
        for i in range(SESSIONS)
    ]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=300)
    began = time.monotonic()
    doc = tmp_path / "pemberton-lighthouse.txt"
    doc.write_text(UPLOAD, encoding="utf-8")
    _upload_in_browser(rel_page, doc)  # while the sessions are asking
    uploaded_after = time.monotonic() - began
    for thread in threads:
        thread.join(timeout=1200)
    wall = time.monotonic() - began

    failures = [f for r in results for f in r.failures]
    latencies = [t for r in results for t in r.latencies]
    p50, p95 = statistics.median(latencies), _percentile(latencies, 0.95)
    print(
        f"\n{len(latencies)} answers from {SESSIONS} sessions in {wall:.1f} s "
        f"({len(latencies) / wall:.1f}/s): p50 {p50:.2f} s, p95 {p95:.2f} s, max {max(latencies):.2f} s; "
        f"upload indexed after {uploaded_after:.1f} s"
    )
    assert not failures, "\n".join(failures[:20])
    assert len(latencies) == SESSIONS * QUESTIONS
    assert uploaded_after < wall, "the upload should have finished while the sessions were still asking"
    assert p95 < 120, f"p95 {p95:.1f} s"

    client = Client(rel_app.url, verbose=False)
    answer = client.predict("What colour was the Pemberton lighthouse painted?", api_name="/ask")
    assert "emerald green" in answer["answer"], answer
    assert answer["citations"][0]["doc"] == doc.name
    rel_app.service.remove_document(doc.name)
