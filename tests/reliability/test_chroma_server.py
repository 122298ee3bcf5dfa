"""Client/server: with QA_CHROMA_URL the CLI and the app keep their vectors in a real `chroma run`;
losing the server mid-use gives a clear error, and everything works again once it is back."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import chromadb
import pytest
from gradio_client import Client
from reliability_kit import ChromaServer, start_app

from qa.cli.main import main as qa_main
from qa.config import Settings
from qa.index.store import StoreUnavailable
from qa.ui.app import Running

pytestmark = pytest.mark.slow

QA = str(Path(sys.executable).parent / "qa")
FERRY = "The Quorvath ferry leaves the harbour at seven every morning and returns at dusk.\n"
BAKERY = "The Lindgren bakery on Mill Street sells cardamom buns only on Fridays.\n"


def _env(server: ChromaServer, root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env.update(QA_CHROMA_URL=server.url, QA_CORPUS_DIR=str(root / "corpus"), QA_INDEX_DIR=str(root / "index"))
    return env


def _server_counts(server: ChromaServer) -> dict[str, int]:
    client = chromadb.HttpClient(host="127.0.0.1", port=server.port)
    return {c.name: c.count() for c in client.list_collections()}


@pytest.fixture(scope="module")
def server_root(tmp_path_factory: pytest.TempPathFactory, chroma_server: ChromaServer, kit) -> Path:  # type: ignore[no-untyped-def]
    """A corpus indexed into the server by `qa ingest` (a real subprocess)."""
    root = tmp_path_factory.mktemp("server-mode")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "ferry.txt").write_text(FERRY)
    (corpus / "harbour.txt").write_text(kit.TXT)
    done = subprocess.run([QA, "ingest", "--quiet"], env=_env(chroma_server, root), capture_output=True, timeout=900)
    assert done.returncode == 0, done.stderr.decode()
    assert "2 documents" in done.stdout.decode()
    return root


@pytest.fixture(scope="module")
def server_app(server_root: Path, chroma_server: ChromaServer) -> Iterator[Running]:
    running = start_app(server_root, chroma_url=chroma_server.url)
    try:
        yield running
    finally:
        running.close()


def test_cli_ingest_and_ask_use_the_server(server_root: Path, chroma_server: ChromaServer) -> None:
    counts = _server_counts(chroma_server)
    settings = Settings(model="all-MiniLM-L6-v2")
    assert counts[settings.collection_name("chunks")] >= 2
    assert counts[settings.collection_name("sentences")] >= 4
    assert not (server_root / "index" / "chroma.sqlite3").exists()  # no embedded store on the side
    asked = subprocess.run(
        [QA, "ask", "--json", "--no-sync", "When does the Quorvath ferry leave the harbour?"],
        env=_env(chroma_server, server_root),
        capture_output=True,
        timeout=900,
    )
    assert asked.returncode == 0, asked.stderr.decode()
    answer = json.loads(asked.stdout)
    assert "seven" in answer["answer"] and answer["citations"][0]["doc"] == "ferry.txt", answer


def test_server_lost_mid_use_then_back(
    server_app: Running,
    server_root: Path,
    chroma_server: ChromaServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    service = server_app.service
    client = Client(server_app.url, verbose=False)
    assert "seven" in client.predict("When does the Quorvath ferry leave?", api_name="/ask")["answer"]
    before = _server_counts(chroma_server)
    indexed = {d.name for d in service.documents()}  # the article start_app adds, ferry.txt, harbour.txt
    assert {"ferry.txt", "harbour.txt"} < indexed

    # The nearest sentences come from the server's HNSW index.
    assert service.catalog.nearest_sentences is not None
    assert "seven" in client.predict("When does the Quorvath ferry leave?", api_name="/ask")["answer"]

    chroma_server.stop()
    try:
        # Answers come from the saved catalog (the HNSW search failing, every sentence vector is
        # scanned instead), so asking still works.
        assert "seven" in client.predict("When does the Quorvath ferry leave?", api_name="/ask")["answer"]
        # Anything that writes says what is wrong and what to do, instead of a traceback.
        (server_root / "corpus" / "bakery.txt").write_text(BAKERY)
        message = rf"Chroma server at {chroma_server.url} is not answering.*chroma run"
        with pytest.raises(StoreUnavailable, match=message):
            service.sync(show_bar=False)
        upload = tmp_path / "bakery-upload.txt"
        upload.write_text(BAKERY)
        note, *_ = server_app.chat.upload([str(upload)])
        assert "not added: bakery-upload.txt: indexing failed (the Chroma server at" in html.unescape(note), note
        assert "nothing of it was kept, upload it again" in html.unescape(note), note
        assert not list((server_root / "corpus").glob(".upload-*"))  # no staging file left behind
        assert not (server_root / "corpus" / "bakery-upload.txt").exists()  # nor the upload itself
        # The CLI: exit status 1 and one line, not a traceback.
        for name, value in _env(chroma_server, server_root).items():
            if name.startswith("QA_"):
                monkeypatch.setenv(name, value)
        capsys.readouterr()
        assert qa_main(["ingest", "--quiet"]) == 1
        err = capsys.readouterr().err
        assert err.startswith("qa: ") and "Chroma server" in err and "Traceback" not in err, err
        assert qa_main(["ask", "--no-sync", "When does the Quorvath ferry leave?"]) == 1
        err = capsys.readouterr().err
        assert err.startswith("qa: ") and "Chroma server" in err and "Traceback" not in err, err
        # The page still lists the documents and answers.
        assert {d.name for d in service.documents()} == indexed
    finally:
        chroma_server.start()  # same port, same folder

    report = service.sync(show_bar=False)
    assert report.problems == []
    assert {d.name for d in service.documents()} == indexed | {"bakery.txt"}  # the failed upload is not
    after = _server_counts(chroma_server)
    chunks = Settings().collection_name("chunks")
    assert after[chunks] == before[chunks] + 1
    answer = client.predict("Which day does the Lindgren bakery sell cardamom buns?", api_name="/ask")
    assert "Fridays" in answer["answer"], answer
    note, *_ = server_app.chat.upload([str(upload)])  # uploaded again, now that the server is back
    assert "bakery-upload.txt is the same content as bakery.txt: nothing added" in note
    fresh_upload = tmp_path / "bakery-hours.txt"
    fresh_upload.write_text("The Lindgren bakery closes at four on Sundays.\n")
    note, *_ = server_app.chat.upload([str(fresh_upload)])
    assert "bakery-hours.txt indexed" in note
    assert qa_main(["ingest", "--quiet"]) == 0
    assert f"{len(indexed) + 2} documents" in capsys.readouterr().out


def _index_state(service, server: ChromaServer) -> tuple[dict[str, int], dict[str, list[str]], dict[str, str]]:  # type: ignore[no-untyped-def]
    """What the server holds (rows per collection), the record managers' keys, the manifest."""
    keys = {kind: sorted(parts.records.list_keys()) for kind, parts in service.store.kinds.items()}
    return _server_counts(server), keys, dict(service.store.read_manifest()["files"])


def test_upload_failing_mid_way_leaves_corpus_and_index_as_they_were(
    server_app: Running, server_root: Path, chroma_server: ChromaServer, tmp_path: Path
) -> None:
    """Issue 26: an upload whose indexing failed after its file was copied into the corpus stayed
    there (and its first rows in the index) while the page said "not added". The server is stopped
    while the upload is being written: its passages are stored, its sentences are not."""
    service = server_app.service
    corpus = server_root / "corpus"
    service.sync(show_bar=False)
    listing = sorted(p.name for p in corpus.iterdir())
    before = _index_state(service, chroma_server)
    sentences = service.store.kinds["sentences"].vectorstore
    real_add = sentences.add_documents
    stopped: list[dict[str, int]] = []

    def stop_then_add(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not stopped:  # the passages are in the server now: it goes away before the sentences
            stopped.append(_server_counts(chroma_server))
            chroma_server.stop()
        return real_add(*args, **kwargs)

    upload = tmp_path / "tram-depot.txt"
    upload.write_text("The Ostvik tram depot repaints its trams green every spring.\n")
    sentences.add_documents = stop_then_add  # type: ignore[method-assign]
    try:
        note, *_ = server_app.chat.upload([str(upload)])
    finally:
        del sentences.add_documents  # the class's method again
        if chroma_server.proc is None:
            chroma_server.start()  # same port, same folder
    chunks = Settings().collection_name("chunks")
    assert stopped and stopped[0][chunks] > before[0][chunks]  # rows of the upload were stored
    note = html.unescape(note)
    assert "not added: tram-depot.txt: indexing failed (the Chroma server at" in note, note
    assert "nothing of it was kept, upload it again" in note, note
    assert sorted(p.name for p in corpus.iterdir()) == listing  # corpus/ as it was, nothing hidden

    # The server is back: before anything reads the index, the upload's rows are taken out again.
    service.refresh()
    assert _index_state(service, chroma_server) == before
    assert "tram-depot.txt" not in {d.name for d in service.documents()}
    assert service.sync(show_bar=False).added == 0
    assert _index_state(service, chroma_server) == before
    note, *_ = server_app.chat.upload([str(upload)])
    assert "tram-depot.txt indexed" in note
    answer = Client(server_app.url, verbose=False).predict("What colour are the Ostvik trams?", api_name="/ask")
    assert "green" in answer["answer"], answer
