"""The server against hostile clients: `qa serve` as a user starts it (a real subprocess on a free
loopback port, its log in a file), attacked with raw sockets, httpx and Chromium.

Stalled and trickling connections, oversized headers and bodies, unknown queue events and sessions,
other Host names (DNS rebinding) and requests from other sites' pages; after each the app still
answers. docs/robustness.md ("Server") lists each case and what happens.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from browser_kit import chat_page, chromium, free_port
from playwright.sync_api import Page, expect
from reliability_kit import ARTICLE, REPO, stop_process

from qa.cli.main import build_parser, main, settings_from

READ_TIMEOUT = 2.0  # QA_READ_TIMEOUT of the served app: short, so stalled clients go quickly
KEEP_ALIVE = 2.0  # QA_KEEP_ALIVE_TIMEOUT
SLACK = 4.0  # a busy two-core machine: the bound, plus this, is when every connection must be gone
DEPLOYED = "qa.example.test"  # QA_ALLOWED_HOSTS of the served app


@dataclass
class Served:
    """`qa serve` in a subprocess: its address, folders and log."""

    proc: subprocess.Popen[bytes]
    port: int
    log: Path
    uploads: Path  # Gradio's upload folder (GRADIO_TEMP_DIR)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_size(self) -> int:
        return self.log.stat().st_size

    def log_since(self, offset: int) -> str:
        with self.log.open("rb") as handle:
            handle.seek(offset)
            return handle.read().decode("utf-8", "replace")

    def answers(self) -> bool:
        response = httpx.post(f"{self.url}/v1/ask", json={"question": "What is CECOT?"}, timeout=60)
        return response.status_code == 200 and "Terrorism Confinement Center" in response.json()["answer"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("served")
    (root / "corpus").mkdir()
    shutil.copy(ARTICLE, root / "corpus" / ARTICLE.name)
    uploads = root / "gradio-uploads"
    uploads.mkdir()
    port = free_port()
    env = {
        **os.environ,
        "QA_CORPUS_DIR": str(root / "corpus"),
        "QA_INDEX_DIR": str(root / "index"),
        "QA_PORT": str(port),
        "QA_READ_TIMEOUT": str(READ_TIMEOUT),
        "QA_KEEP_ALIVE_TIMEOUT": str(KEEP_ALIVE),
        "QA_ALLOWED_HOSTS": DEPLOYED,
        "QA_WATCH_SECONDS": "0",
        "GRADIO_TEMP_DIR": str(uploads),
    }
    log = root / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "qa", "serve"], cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env=env
        )
    app = Served(proc, port, log, uploads)
    try:
        deadline = time.monotonic() + 600
        while True:
            assert proc.poll() is None, f"qa serve exited: {log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"qa serve did not answer in 10 minutes: {log.read_text()[-3000:]}"
            try:  # ready (warmed up, said so in the log: nothing more comes on its own) and answering
                if "Ready:" in log.read_text() and app.answers():
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        yield app
    finally:
        stop_process(proc)


# --- the log (first: the log takes 20 lines a minute) ---


def test_refused_requests_write_one_short_line_each(served: Served) -> None:
    """Each GET of an unknown session's event stream wrote a 5 KB traceback (50: 259 KB)."""
    offset = served.log_size()
    for i in range(50):
        httpx.get(f"{served.url}/gradio_api/queue/data", params={"session_hash": f"unknown-{i}"}, timeout=30)
        httpx.get(f"{served.url}/gradio_api/call/ask/no-such-event-{i}", timeout=30)
    time.sleep(0.5)
    written = served.log_since(offset)
    print(f"\n100 refused requests wrote {len(written.encode()):,} bytes to the log")
    assert "Traceback" not in written
    lines = [line for line in written.splitlines() if line.strip()]
    assert lines and all(line.startswith("refused 127.0.0.1:") for line in lines), lines[:5]
    assert len(lines) <= 20  # at most 20 a minute, the rest counted
    assert len(written.encode()) < 4_000
    assert served.answers()


# --- slow clients ------------------------------------------------------------------------------


def _closed(sock: socket.socket) -> bool:
    """Whether the server has closed the connection (what it sent before is read and dropped)."""
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except BlockingIOError:
        return False
    except OSError:  # reset
        return True


def test_stalled_and_trickling_connections_are_closed_within_the_bound(served: Served) -> None:
    """500 connections that never finish a request (the attack kept 500 open for over 10 s):
    nothing sent, half a request line, headers a byte every half second, a body that stops, and
    connections idle after a complete request. Each is closed within its bound."""
    host = f"127.0.0.1:{served.port}".encode()
    kinds = {
        "nothing sent": b"",
        "half the headers": b"GET / HTTP/1.1\r\nHost: " + host + b"\r\n",
        "a body that stops": b"POST /v1/ask HTTP/1.1\r\nHost: " + host + b"\r\n"
        b"Content-Type: application/json\r\nContent-Length: 500\r\n\r\n" + b'{"question": "What',
        "headers trickled": b"",
        "idle after a request": b"GET /gradio_api/info HTTP/1.1\r\nHost: " + host + b"\r\n\r\n",
    }
    trickle = b"GET /config HTTP/1.1\r\nHost: " + host + b"\r\nX-Slow: " + b"a" * 400
    sockets: list[tuple[str, socket.socket]] = []
    for i in range(500):
        kind = list(kinds)[i % len(kinds)]
        sock = socket.create_connection(("127.0.0.1", served.port), timeout=30)
        if kinds[kind]:
            sock.sendall(kinds[kind])
        sockets.append((kind, sock))
    began = time.monotonic()
    for _, sock in sockets:
        sock.setblocking(False)
    closed_after: dict[int, float] = {}
    sent = 0
    bound = max(READ_TIMEOUT, KEEP_ALIVE) + SLACK
    while len(closed_after) < len(sockets) and time.monotonic() - began < bound + 10:
        for i, (kind, sock) in enumerate(sockets):
            if i in closed_after:
                continue
            if _closed(sock):
                closed_after[i] = time.monotonic() - began
            elif kind == "headers trickled" and sent < len(trickle):
                try:
                    sock.send(trickle[sent : sent + 1])  # one more byte: the deadline holds regardless
                except OSError:
                    closed_after[i] = time.monotonic() - began
        sent += 1
        time.sleep(0.5)
    for _, sock in sockets:
        sock.close()
    still_open = [sockets[i][0] for i in range(len(sockets)) if i not in closed_after]
    assert not still_open, f"{len(still_open)} connections still open after {bound + 10:.0f} s: {set(still_open)}"
    slowest = {kind: max(t for i, t in closed_after.items() if sockets[i][0] == kind) for kind in kinds}
    print("\nclosed after (s):", {k: round(v, 1) for k, v in slowest.items()})
    assert all(t <= bound for t in slowest.values()), slowest
    assert served.answers()


def test_a_body_that_comes_steadily_is_not_cut(served: Served) -> None:
    """A slow but steady client (parts 1 s apart, longer in all than the read timeout) is answered."""
    body = json.dumps({"question": "What is CECOT?", "history": [["Who is Bukele?", "x " * 8000]] * 3}).encode()
    parts = [body[i : i + 16_000] for i in range(0, len(body), 16_000)]
    assert len(parts) >= 3 and (len(parts) - 1) * 1.0 > READ_TIMEOUT

    def slowly() -> Iterator[bytes]:
        for i, part in enumerate(parts):
            if i:
                time.sleep(1.0)
            yield part

    headers = {"content-type": "application/json", "content-length": str(len(body))}
    response = httpx.post(f"{served.url}/v1/ask", content=slowly(), headers=headers, timeout=60)
    assert response.status_code == 200, response.text
    assert "Terrorism Confinement Center" in response.json()["answer"]


def _raw(served: Served, request: bytes) -> bytes:
    """What the server replies to `request` sent as is on a new connection (until it closes)."""
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as sock:
        sock.sendall(request)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    return reply


def test_oversized_request_headers_are_refused(served: Served) -> None:
    # 100 KB of headers (httptools alone kept reading 100 MB of them, all held in memory)
    pads = b"".join(b"X-Pad-%d: " % i + b"a" * 10_000 + b"\r\n" for i in range(10))
    reply = _raw(served, f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n".encode() + pads)
    assert reply.startswith(b"HTTP/1.1 431"), reply[:200]
    assert b"request headers over 65,536 bytes" in reply
    assert served.answers()


def test_a_refusal_reaches_a_client_still_sending(served: Served) -> None:
    # Refused after 64 KB of 300 KB of headers sent in one go: a socket closed with the rest unread
    # resets the connection, and the client may lose the 431 or see its end as an error.
    pads = b"".join(b"X-Pad-%d: " % i + b"a" * 10_000 + b"\r\n" for i in range(30))
    for _ in range(3):
        reply = _raw(served, f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n".encode() + pads)
        assert reply.startswith(b"HTTP/1.1 431"), reply[:200]
    assert served.answers()


# --- bodies and queue events -------------------------------------------------------------------


def _ask_fn_index(served: Served) -> int:
    config = httpx.get(f"{served.url}/config", timeout=30).json()
    (index,) = [d["id"] for d in config["dependencies"] if d.get("api_name") == "ask"]
    return int(index)


def test_request_bodies_are_bounded_on_every_route(served: Served) -> None:
    join = f"{served.url}/gradio_api/queue/join"
    began = time.monotonic()
    host = f"Host: 127.0.0.1:{served.port}\r\n"
    request = f"POST /gradio_api/queue/join HTTP/1.1\r\n{host}Content-Length: 60000000\r\n\r\n{{"
    declared = _raw(served, request.encode())
    assert declared.startswith(b"HTTP/1.1 413") and b"over 8,000,000 bytes" in declared, declared[:300]
    assert time.monotonic() - began < 5  # refused unread

    def chunks(total: int) -> Iterator[bytes]:  # no Content-Length: counted as it comes
        yield b'{"data": ["What is CECOT?", null], "fn_index": 0, "session_hash": "s", "pad": "'
        for _ in range(total // 100_000):
            yield b"x" * 100_000
        yield b'"}'

    streamed = httpx.post(join, content=chunks(9_000_000), headers={"content-type": "application/json"}, timeout=60)
    assert streamed.status_code == 413, streamed.text
    # Gradio's /ask is held to the question limit of POST /v1/ask: 200,000 turns are not parsed
    history = [["What is CECOT?", "A prison."]] * 200_000
    event = {"data": ["How big is it?", history], "fn_index": _ask_fn_index(served), "session_hash": "big-history"}
    huge = httpx.post(join, json=event, timeout=60)
    assert huge.status_code == 413 and "over 1,000,000 bytes, the limit for a question" in huge.json()["detail"]
    called = httpx.post(f"{served.url}/gradio_api/call/ask", json={"data": ["How big is it?", history]}, timeout=60)
    assert called.status_code == 413
    rest = httpx.post(f"{served.url}/v1/ask", json={"question": "How big is it?", "history": history}, timeout=60)
    assert rest.status_code == 413
    upload = _raw(
        served,
        f"POST /gradio_api/upload HTTP/1.1\r\n{host}Content-Type: multipart/form-data; boundary=x\r\n"
        f"Content-Length: {600 * 10**6}\r\n\r\n--x".encode(),
    )
    assert upload.startswith(b"HTTP/1.1 413") and b"the limit for an upload" in upload, upload[:300]
    assert served.answers()


def test_an_unknown_queue_event_is_a_client_error(served: Served) -> None:
    offset = served.log_size()
    event = {"data": [], "fn_index": 999, "session_hash": "no-such-function"}
    response = httpx.post(f"{served.url}/gradio_api/queue/join", json=event, timeout=30)
    assert response.status_code == 400, response.text
    assert response.json()["detail"] == "the page has no function 999 (fn_index)"
    time.sleep(0.5)
    assert "Traceback" not in served.log_since(offset)
    known = {"data": ["What is CECOT?", None], "fn_index": _ask_fn_index(served), "session_hash": "known"}
    assert httpx.post(f"{served.url}/gradio_api/queue/join", json=known, timeout=30).status_code == 200


# --- Host names (DNS rebinding) ----------------------------------------------------------------


def _get(served: Served, host: str, path: str = "/config") -> httpx.Response:
    return httpx.get(f"{served.url}{path}", headers={"Host": host}, timeout=30)


def test_only_the_names_the_app_is_served_on_are_answered(served: Served) -> None:
    port = served.port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}", DEPLOYED):
        assert _get(served, host).status_code == 200, host
    assert _get(served, f"{DEPLOYED}:8443").status_code == 200  # a proxy's name, at any port
    for host in ("evil.example", f"evil.example:{port}", "evil.example:7861", f"localhost:{port + 1}", "a b", ""):
        response = _get(served, host)
        assert response.status_code == 421, host
        assert "only to the names it is served on" in response.json()["detail"]
        assert "QA_ALLOWED_HOSTS" in response.json()["detail"]
        assert "root" not in response.text
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:  # HTTP/1.0 without a Host
        sock.sendall(b"GET /config HTTP/1.0\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 421")


def test_the_allowed_hosts_setting_is_a_serve_flag(capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["serve", "--allowed-hosts", "qa.example.org, 10.0.0.5:7860"])
    assert settings_from(args).allowed_hosts == "qa.example.org, 10.0.0.5:7860"
    # a value that names no host stops the app before it serves, saying which
    assert main(["serve", "--allowed-hosts", "qa.example.org, not a host", "--port", str(free_port())]) == 2
    assert "QA_ALLOWED_HOSTS: 'not a host' is not a host name" in capsys.readouterr().err


def test_a_rebound_name_gets_no_page_in_the_browser(served: Served) -> None:
    """Chromium resolving evil.example to 127.0.0.1, as a rebinding attacker's page makes it do."""
    with chromium("--host-resolver-rules=MAP evil.example 127.0.0.1") as browser:
        context = browser.new_context()
        page = context.new_page()
        try:
            response = page.goto(f"http://evil.example:{served.port}/", wait_until="load")
            assert response is not None and response.status == 421
            expect(page.locator("body")).to_contain_text("only to the names it is served on")
            assert page.locator("#qa-question").count() == 0
        finally:
            context.close()


# --- requests from other sites -----------------------------------------------------------------


def _uploaded(served: Served) -> set[Path]:
    return {p for p in served.uploads.rglob("*") if p.is_file()}


def test_requests_from_other_sites_are_refused(served: Served) -> None:
    ask = f"{served.url}/v1/ask"
    question = json.dumps({"question": "What is CECOT?"})
    before = _uploaded(served)
    evil = {"Origin": "http://evil.example"}
    plain = {"content-type": "text/plain"}
    cross = [
        httpx.post(ask, content=question, headers={**plain, **evil}, timeout=30),
        httpx.post(ask, content=question, headers={"content-type": "application/json", **evil}, timeout=30),
        httpx.post(ask, content=question, headers={**plain, "Origin": "null"}, timeout=30),
        httpx.post(ask, content=question, headers={**plain, "Sec-Fetch-Site": "cross-site"}, timeout=30),
        httpx.post(ask, content=question, headers={**plain, "Sec-Fetch-Site": "same-site"}, timeout=30),  # other port
        httpx.post(ask, content=question, headers={**plain, "Referer": "http://evil.example/page"}, timeout=30),
        httpx.post(
            f"{served.url}/gradio_api/upload", files={"files": ("x.txt", b"written by another site")}, headers=evil
        ),
        httpx.post(f"{served.url}/gradio_api/queue/join", json={"fn_index": 0, "data": []}, headers=evil, timeout=30),
    ]
    for response in cross:
        assert response.status_code == 403, (response.request.url, response.request.headers, response.text)
        assert "a request from another site" in response.json()["detail"]
    assert _uploaded(served) == before  # nothing written
    # The app's own page, and programs that say nothing of a page, are served; reading is not changing.
    own = {"Origin": served.url, "Sec-Fetch-Site": "same-origin", "Referer": served.url + "/"}
    assert httpx.post(ask, content=question, headers={"content-type": "application/json", **own}).status_code == 200
    assert httpx.post(ask, content=question, headers={"content-type": "application/json"}).status_code == 200
    assert httpx.get(f"{served.url}/config", headers=evil, timeout=30).status_code == 200
    # JSON only: a plain-text body is what a form of another site can post without asking
    not_json = httpx.post(ask, content=question, headers=plain, timeout=30)
    assert not_json.status_code == 415 and "Content-Type: application/json" in not_json.json()["detail"]


ATTACK_PAGE = """<!doctype html><html><body>
<form id="ask" method="post" enctype="text/plain" action="{app}/v1/ask">
  <input name='{{"question": "What is CECOT?", "x": "' value='"}}'>
</form>
<script>
  const form = new FormData();
  form.append("files", new Blob(["written by another site"], {{type: "text/plain"}}), "evil.txt");
  fetch("{app}/gradio_api/upload", {{method: "POST", body: form, mode: "no-cors"}})
    .then(() => {{ document.title = "upload sent"; document.getElementById("ask").submit(); }});
</script>
</body></html>"""


class _AttackSite(BaseHTTPRequestHandler):
    page = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(self.page)))
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, *args: object) -> None:
        pass


def test_another_sites_page_cannot_post_to_the_app_in_the_browser(served: Served) -> None:
    """A page at evil.example, open in the user's browser, posts a plain-text form to /v1/ask and a
    file to the upload route (both need no CORS permission to be sent): both are refused."""
    _AttackSite.page = ATTACK_PAGE.format(app=f"http://localhost:{served.port}").encode()
    site = ThreadingHTTPServer(("127.0.0.1", 0), _AttackSite)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    before = _uploaded(served)
    answered: dict[str, int] = {}  # what the app answered the page's requests (the page cannot read it)
    try:
        with chromium("--host-resolver-rules=MAP evil.example 127.0.0.1") as browser:
            context = browser.new_context()
            page = context.new_page()
            page.on("response", lambda r: answered.update({r.url.split(str(served.port), 1)[-1]: r.status}))
            try:
                page.goto(f"http://evil.example:{site.server_address[1]}/", wait_until="load")
                page.wait_for_url(f"http://localhost:{served.port}/v1/ask", timeout=60_000)  # the form's reply
                expect(page.locator("body")).to_contain_text("a request from another site")
            finally:
                context.close()
    finally:
        site.shutdown()
    assert answered.get("/gradio_api/upload") == 403 and answered.get("/v1/ask") == 403, answered
    assert _uploaded(served) == before


@pytest.fixture()
def served_page(served: Served) -> Iterator[Page]:
    with chromium() as browser, chat_page(browser, f"http://localhost:{served.port}/") as page:
        yield page


def test_the_page_itself_still_asks_uploads_and_removes(served: Served, served_page: Page, tmp_path: Path) -> None:
    page = served_page
    box = page.locator("#qa-question textarea")
    box.fill("Who made which offer?")
    box.press("Enter")
    expect(page.locator("#qa-chat .qa-a").first).to_contain_text("Bukele", timeout=120_000)
    doc = tmp_path / "harbour-lamp.txt"
    doc.write_text("The harbour lamp of Port Quillon was lit by Odile Fenwick in 1887.\n", encoding="utf-8")
    page.locator("#qa-upload").wait_for(state="visible")
    page.locator("#qa-upload input[type=file]").set_input_files(str(doc))
    expect(page.locator("#qa-docs-note")).to_contain_text("harbour-lamp.txt indexed", timeout=180_000)
    box.fill("Who lit the harbour lamp of Port Quillon?")
    box.press("Enter")
    expect(page.locator("#qa-chat .qa-a").nth(1)).to_contain_text("Odile Fenwick", timeout=120_000)
    page.locator("#qa-remove-choice input").click()
    page.locator("#qa-remove-choice").get_by_role("option", name="harbour-lamp.txt").click()
    page.locator("#qa-remove").click()
    expect(page.locator("#qa-docs-note")).to_contain_text("harbour-lamp.txt removed", timeout=120_000)
