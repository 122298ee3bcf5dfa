"""Security: names and text from documents never run as markup, uploads stay in the corpus and
under the size limit, the server listens on loopback only, and QA_AUTH really locks the app."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from gradio_client import Client
from playwright.sync_api import Browser, Page, expect
from reliability_kit import UPLOAD_LIMIT_MB, start_app

from qa.config import Settings
from qa.service import BadRequest, QAService, safe_filename
from qa.ui.app import Running, parse_auth

DOC = "The Quorvath ferry leaves the harbour at seven every morning and returns at dusk.\n"


# --- file names: uploads cannot leave the corpus ----------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("../escape.txt", "escape.txt"),
        ("../../../../tmp/evil.txt", "evil.txt"),
        ("/etc/cron.d/evil.md", "evil.md"),
        ("..\\..\\windows\\evil.txt", "evil.txt"),
        ("sub/../../up.html", "up.html"),
        ("evil.txt\x00.pdf", "evil.txt_.pdf"),
        ("<img src=x onerror=window.__xss=1>.txt", "_img src_x onerror_window.__xss_1_.txt"),
        ("a" * 300 + ".txt", "a" * 196 + ".txt"),
    ],
)
def test_safe_filename_keeps_uploads_in_the_corpus(given: str, stored: str) -> None:
    assert safe_filename(given) == stored


@pytest.mark.parametrize("given", ["..", "../", "/", "", "../.bashrc", "evil.sh", "../../etc/passwd", "x.txt/.."])
def test_unusable_names_are_refused(given: str) -> None:
    with pytest.raises(BadRequest):
        safe_filename(given)


def test_add_document_writes_only_inside_the_corpus(fresh: Callable[..., QAService], tmp_path: Path) -> None:
    service = fresh()
    corpus = service.settings.corpus_dir.resolve()
    before = {p for p in tmp_path.rglob("*") if not p.is_relative_to(tmp_path / "index")}
    for given in ("../escape.txt", "/tmp/absolute-escape.txt", "..\\..\\back.txt", "a" * 300 + ".txt"):
        name, report = service.add_document(given, f"{DOC}\nFiled as {given}.".encode())  # not copies of each other
        assert (corpus / name).resolve().parent == corpus
        assert report.problems == []
        assert name in {d.name for d in service.documents()}
    after = {p for p in tmp_path.rglob("*") if not p.is_relative_to(tmp_path / "index")}
    assert {p.parent.resolve() for p in after - before} == {corpus}
    assert not Path("/tmp/absolute-escape.txt").exists()
    for name in ("../escape.txt", "../../etc/passwd", "/etc/hostname"):
        with pytest.raises(BadRequest):
            service.document(name)
        with pytest.raises(BadRequest):
            service.remove_document(name)


def test_upload_through_the_page_stays_in_the_corpus(rel_app: Running) -> None:
    """Gradio's upload route keeps only the base name; the page's handler then uses safe_filename."""
    response = httpx.post(
        f"{rel_app.url}gradio_api/upload",
        files={"files": ("../../../escape-ui.txt", DOC.encode(), "text/plain")},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    (saved,) = response.json()
    assert Path(saved).name == "escape-ui.txt"
    note, table, *_ = rel_app.chat.upload([saved])
    assert "escape-ui.txt indexed" in note and "escape-ui.txt" in table
    corpus = rel_app.service.settings.corpus_dir.resolve()
    assert (corpus / "escape-ui.txt").is_file()
    assert not (corpus.parent / "escape-ui.txt").exists()
    rel_app.service.remove_document("escape-ui.txt")


def test_upload_size_limit(rel_app: Running, fresh: Callable[..., QAService]) -> None:
    limit = int(UPLOAD_LIMIT_MB * 1e6)
    over = httpx.post(
        f"{rel_app.url}gradio_api/upload",
        files={"files": ("big.txt", b"word " * (limit // 5 + 1000), "text/plain")},
        timeout=60,
    )
    assert over.status_code == 413, over.text
    under = httpx.post(
        f"{rel_app.url}gradio_api/upload", files={"files": ("small.txt", b"word " * 1000, "text/plain")}, timeout=60
    )
    assert under.status_code == 200, under.text
    with pytest.raises(BadRequest, match=r"over the 0\.5 MB limit"):
        rel_app.service.add_document("big.txt", b"word " * (limit // 5 + 1000))
    assert not (rel_app.service.settings.corpus_dir / "big.txt").exists()
    assert not list(rel_app.service.settings.corpus_dir.glob(".upload-*"))


# --- names and text shown in the page ----------------------------------------------------------


@pytest.mark.slow
def test_markup_in_file_names_is_shown_never_run(rel_app: Running, rel_page: Page, tmp_path: Path) -> None:
    names = ["<img src=x onerror=window.__xss=1>.txt", '"><svg onload=window.__xss=2>.md']
    paths = []
    for i, name in enumerate(names):
        path = tmp_path / name
        path.write_text(f"The Quorvath ferry number {i} is painted with red stripes.\n", encoding="utf-8")
        paths.append(path)
    before = {d.name for d in rel_app.service.documents()}
    rel_page.locator("#qa-upload").wait_for(state="visible")  # open on arrival: a click would close it
    rel_page.locator("#qa-upload input[type=file]").set_input_files([str(p) for p in paths])
    expect(rel_page.locator("#qa-docs-note")).to_contain_text("indexed", timeout=180_000)
    # Gradio's upload route cleans the name first, then safe_filename: whatever is left is plain text.
    stored = sorted({d.name for d in rel_app.service.documents()} - before)
    print("stored as", stored)
    assert len(stored) == 2 and all("xss" in name for name in stored), stored
    assert not any(ch in name for name in stored for ch in "<>\"'=&")
    for name in stored:
        expect(rel_page.locator("#qa-docs-table")).to_contain_text(name)
    box = rel_page.locator("#qa-question textarea")
    box.fill("Which Quorvath ferry is painted with red stripes?")
    box.press("Enter")
    expect(rel_page.locator("#qa-sources .qa-card").first).to_contain_text("Quorvath", timeout=120_000)
    rel_page.wait_for_timeout(500)
    assert rel_page.evaluate("() => typeof window.__xss") == "undefined"
    shown = "#qa-docs-table, #qa-docs-note, #qa-sources, #qa-chat, #qa-upload"
    assert rel_page.locator(f":is({shown}) :is(img[src='x'], svg[onload], [onerror])").count() == 0
    for name in stored:
        rel_app.service.remove_document(name)


# --- where the server listens ------------------------------------------------------------------


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port`, from /proc/net/tcp{,6}."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.add(address)
    return found


def _own_non_loopback_ip() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.255.255.255", 1))  # no packet is sent; this only picks a route
            ip = str(sock.getsockname()[0])
        except OSError:
            return None
    return None if ip.startswith("127.") else ip


def test_server_binds_to_loopback_unless_told_otherwise(rel_app: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().host == "127.0.0.1"
    assert rel_app.demo.server_name == "127.0.0.1"
    port = rel_app.demo.server_port
    assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1, and nothing on IPv6 or 0.0.0.0
    ip = _own_non_loopback_ip()
    if ip is not None:
        with pytest.raises(OSError), socket.create_connection((ip, port), timeout=5):
            pass
    monkeypatch.setenv("QA_HOST", "0.0.0.0")
    assert Settings().host == "0.0.0.0"  # an explicit choice only


# --- optional login ----------------------------------------------------------------------------

USER, PASSWORD = "reader", "correct horse battery"


@pytest.fixture(scope="module")
def locked_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = start_app(tmp_path_factory.mktemp("locked-app"), auth=f"{USER}:{PASSWORD}")
    try:
        yield running
    finally:
        running.close()


def test_login_is_required_when_qa_auth_is_set(locked_app: Running) -> None:
    url = locked_app.url
    for path in ("config", "gradio_api/info"):
        assert httpx.get(url + path, timeout=30).status_code == 401
    assert httpx.post(url + "gradio_api/upload", files={"files": ("x.txt", b"x")}, timeout=30).status_code == 401
    with pytest.raises(Exception, match="credentials were not provided"):
        Client(url, verbose=False)
    with pytest.raises(ValueError, match="Could not login"):
        Client(url, auth=(USER, "wrong password"), verbose=False)
    result = Client(url, auth=(USER, PASSWORD), verbose=False).predict("What is CECOT?", api_name="/ask")
    assert "40,000" in result["answer"] or "Terrorism Confinement Center" in result["answer"]


@pytest.mark.slow
def test_login_page_in_the_browser(locked_app: Running, browser: Browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(locked_app.url, wait_until="load")
        expect(page.get_by_label("username")).to_be_visible()
        assert page.locator("#qa-question textarea").count() == 0
        page.get_by_label("username").fill(USER)
        page.get_by_label("password").fill(PASSWORD)
        page.get_by_role("button", name="Login").click()
        expect(page.locator("#qa-question textarea")).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("bad", ["nocolon", ":password", "user:", ""])
def test_malformed_qa_auth(bad: str) -> None:
    if bad:
        with pytest.raises(ValueError, match="user:password"):
            parse_auth(bad)
    else:
        assert parse_auth(bad) is None
