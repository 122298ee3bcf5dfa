"""Hostile uploads (issue 26), through the real page and server: each refused with its reason in
bounded time, `corpus/` left as it was, no copy left in Gradio's upload cache, and no statements
kept for documents that left the index."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from gradio.utils import get_upload_folder
from hostile_files import amplified_pdf, flate_bomb_pdf, nested_html, noise
from playwright.sync_api import Page, expect
from reliability_kit import start_app

import qa.service.library as library_module
from qa.service import BadRequest, QAService
from qa.ui.app import Running

QUOTED = (
    "The Vellmar ferry company announced a new night crossing on Tuesday.\n"
    "“We will sail at midnight from April,” harbour master Odile Brannock told the Vellmar Courier.\n"
)


def _everything_in(folder: Path) -> set[str]:
    """Every file and folder under `folder`, hidden ones included, as relative paths."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def _cached_copies(*names: str) -> list[Path]:
    cache = Path(get_upload_folder())
    return [p for name in names for p in cache.rglob(name)]


def _statements_kept(service: QAService) -> set[str]:
    """The documents the who-said-what cache holds statements of, in memory and on disk."""
    cache = service._attributions
    on_disk = json.loads(cache.path.read_text()) if cache.path.exists() else {}
    return {key[0] for key in cache._entries} | set(on_disk)


@pytest.mark.slow
def test_hostile_uploads_in_the_page_leave_nothing_behind(rel_app: Running, rel_page: Page, tmp_path: Path) -> None:
    service = rel_app.service
    corpus = service.settings.corpus_dir
    files = {
        "flate-bomb-26.pdf": (flate_bomb_pdf(), "not a readable PDF: part of it unpacks to more than"),
        "amplified-26.pdf": (amplified_pdf(), "unpacks to more than"),
        "noise-26.txt": (noise(), "does not look like text"),
        "nested-26.html": (nested_html(10_000).encode(), "HTML nested more than 512 elements deep"),
        "vellmar-ferry-26.txt": (QUOTED.encode(), None),
    }
    paths = []
    for name, (data, _) in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    before = _everything_in(corpus)

    started = time.monotonic()
    rel_page.locator("#qa-upload input[type=file]").set_input_files(paths)
    note = rel_page.locator("#qa-docs-note")
    expect(note).to_contain_text("vellmar-ferry-26.txt indexed", timeout=180_000)
    handled = time.monotonic() - started

    for name, (_, reason) in files.items():
        if reason is not None:
            expect(note).to_contain_text(f"not added: {name}: ")
            assert reason in note.inner_text().split(f"not added: {name}: ")[1].split("\n")[0], note.inner_text()
    # only the good file came in: no staging file, hidden or not, and nothing else
    assert _everything_in(corpus) == before | {"vellmar-ferry-26.txt"}
    assert [d.name for d in service.documents()].count("vellmar-ferry-26.txt") == 1
    assert handled < 120, f"five uploads took {handled:.0f} s"
    # Gradio's copies are gone, the refused ones' and the added one's
    assert _cached_copies(*files) == []

    # its statements are extracted, then dropped with it
    assert any("Brannock" in a.speaker for a in service.attributions("vellmar-ferry-26.txt"))
    assert "vellmar-ferry-26.txt" in _statements_kept(service)
    service.remove_document("vellmar-ferry-26.txt")
    assert "vellmar-ferry-26.txt" not in _statements_kept(service)
    assert _everything_in(corpus) == before


def test_a_bomb_or_any_failure_while_reading_an_upload_leaves_the_corpus_as_it_was(
    fresh: Callable[..., QAService], monkeypatch: pytest.MonkeyPatch
) -> None:
    service = fresh()
    corpus = service.settings.corpus_dir
    (corpus / "kept.txt").write_text("The lighthouse on Carrow Point was lit in 1871.\n")
    before = _everything_in(corpus)
    with pytest.raises(BadRequest, match=r"flate-bomb\.pdf: not a readable PDF: part of it unpacks"):
        service.add_document("flate-bomb.pdf", flate_bomb_pdf())
    assert _everything_in(corpus) == before

    # Fault injection: a reader failing in a way nobody foresaw (here: out of memory) still
    # takes the staging file with it.
    def exhausted(*_: object, **__: object) -> None:
        raise MemoryError

    monkeypatch.setattr(library_module, "load_document", exhausted)
    with pytest.raises(MemoryError):
        service.add_document("fine.txt", b"The ferry leaves at seven.\n")
    assert _everything_in(corpus) == before


def test_statements_of_a_file_taken_out_of_the_corpus_folder_are_dropped(rel_app: Running) -> None:
    """The folder watcher's sync, not only the page's Remove, forgets a document's statements."""
    service = rel_app.service
    path = service.settings.corpus_dir / "vellmar-dropped-26.txt"
    path.write_text(QUOTED, encoding="utf-8")
    deadline = time.monotonic() + 120
    while "vellmar-dropped-26.txt" not in [d.name for d in service.documents()]:
        assert time.monotonic() < deadline, "the watcher did not index the file"
        time.sleep(0.5)
    assert service.attributions("vellmar-dropped-26.txt")
    assert "vellmar-dropped-26.txt" in _statements_kept(service)
    path.unlink()
    while "vellmar-dropped-26.txt" in [d.name for d in service.documents()]:
        assert time.monotonic() < deadline, "the watcher did not drop the file"
        time.sleep(0.5)
    assert "vellmar-dropped-26.txt" not in _statements_kept(service)


@pytest.mark.slow
def test_uploads_never_handled_leave_gradio_s_cache(tmp_path: Path) -> None:
    """A file sent to the upload route alone (no page handles it) is deleted once old enough."""
    running = start_app(tmp_path, upload_cache_seconds=1)
    try:
        response = httpx.post(
            f"{running.url}gradio_api/upload",
            files={"files": ("orphan-26.txt", b"Nobody ever adds this file.\n", "text/plain")},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        (saved,) = response.json()
        assert Path(saved).is_file()
        deadline = time.monotonic() + 30
        while Path(saved).exists():
            assert time.monotonic() < deadline, "the unhandled upload is still in Gradio's cache"
            time.sleep(0.5)
    finally:
        running.close()
