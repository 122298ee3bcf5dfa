"""Texts and questions are embedded by an ONNX export of the model, made at index time, without torch."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qa.config import Settings
from qa.index import onnx_encoder
from qa.service import QAService

QUESTIONS = [
    "Who offered to jail deportees?",
    "How many inmates can the CECOT prison hold, according to El Salvador's government?",
    "",
    "ÉL SALVADOR — Ünïcode and CAPITALS!",
]


def _export_files(service: QAService) -> list[Path]:
    assert service.encoder.onnx_dir is not None
    return sorted(service.encoder.onnx_dir.glob(f"{service.encoder._slug}.*"))


@pytest.fixture(scope="module")
def float_article(tmp_path_factory: pytest.TempPathFactory, kit) -> QAService:  # type: ignore[no-untyped-def]
    """The article indexed by the float export (the default is its int8 copy, tested below)."""
    base = tmp_path_factory.mktemp("float-article")
    (base / "corpus").mkdir()
    shutil.copy(kit.ARTICLE, base / "corpus" / kit.ARTICLE_NAME)
    service = QAService(kit.make_settings(base, int8=False))
    service.sync(show_bar=False)
    return service


def test_indexing_exports_the_model_and_questions_embed_as_the_torch_model_does(
    float_article: QAService,
) -> None:
    article_service = float_article
    files = _export_files(article_service)
    assert [p.suffix for p in files] == [".json", ".onnx"]
    exported = article_service.encoder._onnx()
    assert exported is not None
    torch_vectors = article_service.encoder.model.encode(QUESTIONS, normalize_embeddings=True, convert_to_numpy=True)
    onnx_vectors = article_service.encoder.encode(QUESTIONS)  # under the batch size: the ONNX path
    assert onnx_vectors.shape == torch_vectors.shape == (4, 384)
    assert np.abs(onnx_vectors - torch_vectors).max() < 1e-5
    assert np.allclose(np.linalg.norm(onnx_vectors, axis=1), 1.0, atol=1e-5)


def test_documents_are_embedded_by_the_export_as_the_torch_model_does(float_article: QAService) -> None:
    article_service = float_article
    encoder = article_service.encoder
    # Lengths from a word to past the model's 256-token limit, shuffled: batches are sorted by
    # length, and the rows must come back in the caller's order.
    texts = [" ".join(["deportees"] * n) + f" {n}" for n in (1, 300, 7, 45, 2, 120, 13, 80)] * 5 + QUESTIONS
    expected = encoder.model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    got = encoder.encode(texts)  # more than one batch, on all threads
    assert encoder._onnx() is not None and len(texts) > encoder.batch_size
    assert got.shape == expected.shape and np.abs(got - expected).max() < 1e-4

    stored = article_service.store.chunks.get(include=["embeddings", "documents"])
    documents = list(stored["documents"] or [])
    torch_vectors = encoder.model.encode(documents, normalize_embeddings=True, convert_to_numpy=True)
    assert np.abs(np.array(stored["embeddings"]) - torch_vectors).max() < 1e-4


def test_batches_are_packed_by_token_count_and_rows_keep_their_order(
    float_article: QAService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Short sentences went 16 to a batch like full-length passages, each run paying its fixed
    cost: they now share batches up to the token budget, and long texts keep within it."""
    encoder = float_article.encoder
    exported = encoder._onnx()
    assert exported is not None and encoder.batch_tokens == Settings().embed_batch_tokens
    monkeypatch.setattr(encoder, "batch_tokens", 4096)  # a budget the texts below fill exactly
    shapes: list[tuple[int, int]] = []
    real = exported._run

    def run(ids: np.ndarray, mask: np.ndarray, types: np.ndarray, threads: int) -> np.ndarray:
        shapes.append(ids.shape)
        return real(ids, mask, types, threads)

    monkeypatch.setattr(exported, "_run", run)
    short = [f"Ferry {n} sails at dawn." for n in range(64)]
    long = [f"{n} " + " ".join(["harbour"] * 300) for n in range(20)]  # past the 256-token limit
    texts = [t for pair in zip(short, long, strict=False) for t in pair] + short[len(long) :]
    ticks: list[int] = []
    got = encoder.encode(texts, tick=ticks.append)
    assert [rows for rows, _ in shapes] == ticks == [64, 16, 4]
    assert all(rows * width <= 4096 for rows, width in shapes) and shapes[1][1] == 256
    expected = encoder.model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    assert np.abs(got - expected).max() < 1e-4  # each row is its own text's vector


def test_token_batches_hold_every_row_once_within_the_budget() -> None:
    lengths = np.array([5, 300, 7, 5, 40, 300, 9, 2000, 7])
    batches = onnx_encoder.token_batches(lengths, max_tokens=600)
    assert sorted(int(i) for b in batches for i in b) == list(range(len(lengths)))
    widths = [int(lengths[b].max()) for b in batches]
    assert widths == sorted(widths)  # shortest first
    assert all(len(b) * w <= 600 or len(b) == 1 for b, w in zip(batches, widths, strict=True))
    assert [list(b) for b in batches] == [[0, 3, 2, 8, 6, 4], [1, 5], [7]]  # ties in the caller's order


def test_indexing_new_files_with_the_export_never_imports_torch(fresh, kit) -> None:
    service: QAService = fresh()
    (service.settings.corpus_dir / "harbour.txt").write_text(kit.TXT)
    service.sync(show_bar=False)
    (service.settings.corpus_dir / "orchard.md").write_text(kit.MD)
    # In a process of its own: Chroma's embedded client does not see another process's writes.
    script = (
        "import sys\n"
        "from qa.service import QAService\n"
        "service = QAService()\n"
        "report = service.sync(show_bar=False)\n"
        "loaded = ['torch' in sys.modules, 'sentence_transformers' in sys.modules]\n"
        "answer = service.ask('Who planted the quince trees?')\n"
        "print(report.added, *loaded, 'Tobias Renner' in answer.text)\n"
    )
    settings = service.settings
    env = {**os.environ, "QA_CORPUS_DIR": str(settings.corpus_dir), "QA_INDEX_DIR": str(settings.index_dir)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    added, torch_loaded, st_loaded, answered = out.stdout.split()
    assert int(added) > 0 and torch_loaded == st_loaded == "False" and answered == "True"


def test_answering_from_a_built_index_never_imports_torch(article_service: QAService) -> None:
    settings = article_service.settings
    script = (
        "import sys\n"
        "from qa.service import QAService\n"
        "answer = QAService().ask('Who offered to jail deportees?')\n"
        "loaded = ['torch' in sys.modules, 'sentence_transformers' in sys.modules]\n"
        "print(answer.abstained, len(answer.citations), *loaded)\n"
    )
    env = {**os.environ, "QA_CORPUS_DIR": str(settings.corpus_dir), "QA_INDEX_DIR": str(settings.index_dir)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    abstained, citations, torch_loaded, st_loaded = out.stdout.split()
    assert abstained == "False" and int(citations) >= 1  # answered, with a citation
    assert torch_loaded == st_loaded == "False"


def test_a_damaged_export_falls_back_to_torch_and_is_rebuilt_on_the_next_sync(fresh, kit) -> None:
    service: QAService = fresh(encoder_dir=None, int8=False)  # an export of its own to damage
    (service.settings.corpus_dir / "harbour.txt").write_text(kit.TXT)
    service.sync(show_bar=False)
    graph = next(p for p in _export_files(service) if p.suffix == ".onnx")
    expected = service.encoder.model.encode(QUESTIONS[:1], normalize_embeddings=True, convert_to_numpy=True)

    graph.write_bytes(graph.read_bytes()[:1000])  # truncated, as by a full disk
    assert service.encoder._onnx() is None
    assert np.abs(service.encoder.encode(QUESTIONS[:1]) - expected).max() < 1e-5
    assert "Agnes Whitcombe" in service.ask("Who was the first curator?").text

    service.sync(show_bar=False)
    assert graph.stat().st_size > 1_000_000 and service.encoder._onnx() is not None
    assert np.abs(service.encoder.encode(QUESTIONS[:1]) - expected).max() < 1e-5


def test_an_export_of_another_model_is_not_used(fresh, kit) -> None:
    service: QAService = fresh(encoder_dir=None)  # an export of its own to damage
    (service.settings.corpus_dir / "harbour.txt").write_text(kit.TXT)
    service.sync(show_bar=False)
    meta = next(p for p in _export_files(service) if p.suffix == ".json")
    info = json.loads(meta.read_text())
    meta.write_text(json.dumps({**info, "model": "some-other-model"}))
    onnx_encoder._session.cache_clear()
    assert service.encoder._onnx() is None


def test_indexes_of_one_model_share_the_export_kept_in_encoder_dir(
    fresh, kit, shared_encoder_export, spy, tmp_path: Path
) -> None:
    first: QAService = fresh()
    assert first.encoder.onnx_dir == shared_encoder_export  # QA_ENCODER_DIR, set for the suite
    (first.settings.corpus_dir / "harbour.txt").write_text(kit.TXT)
    first.sync(show_bar=False)
    second = QAService(kit.make_settings(tmp_path / "second"))
    second.settings.corpus_dir.mkdir(parents=True)
    (second.settings.corpus_dir / "harbour.txt").write_text(kit.TXT)
    exports = spy(onnx_encoder, "export", lambda *args, **kwargs: args[1])
    second.sync(show_bar=False)
    assert exports == []  # the first index's export is checked and used, not made again
    for service in (first, second):
        assert not (service.settings.index_dir / "encoder").exists()
        assert [p.suffix for p in _export_files(service)] == [".json", ".onnx"]
    assert "Agnes Whitcombe" in second.ask("Who was the first curator?").text


def test_onnx_can_be_turned_off(fresh, kit) -> None:
    service: QAService = fresh(onnx=False)
    (service.settings.corpus_dir / "harbour.txt").write_text(kit.TXT)
    service.sync(show_bar=False)
    assert service.encoder.onnx_dir is None
    assert not (service.settings.index_dir / "encoder").exists()
    assert "Agnes Whitcombe" in service.ask("Who was the first curator?").text


def test_an_unsupported_pooling_is_refused_not_guessed(article_service: QAService, tmp_path: Path) -> None:
    model = article_service.encoder.model
    pooling = model[1]
    original = pooling.pooling_mode
    try:
        pooling.pooling_mode = "max"
        with pytest.raises(onnx_encoder.ExportUnsupported):
            onnx_encoder.export(model, "x", tmp_path, "x")
    finally:
        pooling.pooling_mode = original
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_leaves_questions_on_torch_and_is_not_retried_every_sync(fresh, kit, caplog) -> None:
    service: QAService = fresh(encoder_dir=None)  # an export of its own to damage
    (service.settings.corpus_dir / "harbour.txt").write_text(kit.TXT)
    assert service.encoder.onnx_dir is not None
    service.settings.index_dir.mkdir(parents=True, exist_ok=True)
    service.encoder.onnx_dir.write_text("not a folder")  # the export cannot be written
    with caplog.at_level("WARNING"):
        report = service.sync(show_bar=False)
    assert report.problems == [] and report.added > 0  # indexing itself is unaffected
    assert "ONNX export failed" in caplog.text
    assert service.encoder._onnx() is None
    assert "Agnes Whitcombe" in service.ask("Who was the first curator?").text
    caplog.clear()
    with caplog.at_level("WARNING"):
        assert service.encoder.prepare_export() is False
    assert "ONNX export failed" not in caplog.text


def test_an_int8_encoder_indexes_apart_and_answers_like_the_model(fresh, kit) -> None:  # type: ignore[no-untyped-def]
    assert Settings().int8  # the default: the benchmark showed retrieval quality holds
    service, float_service = fresh(int8=True), fresh(int8=False)
    for one in (service, float_service):
        shutil.copy(kit.ARTICLE, one.settings.corpus_dir / kit.ARTICLE_NAME)
        one.sync(show_bar=False)
    article_service = float_service
    # its vectors have an index of their own: never mixed with the float model's
    assert service.settings.collection_name("chunks") != article_service.settings.collection_name("chunks")
    graph = _export_files(service)[-1]
    # the layers' weights are int8; the token embeddings (a table look-up) stay float
    assert graph.suffix == ".onnx" and graph.stat().st_size < _export_files(article_service)[-1].stat().st_size * 0.7
    # the integer kernels are the ones in the graph (ONNX Runtime runs them with VNNI where it can),
    # attention fused into one int8 kernel, and none of the masking steps that made a quarter of its time
    import onnx

    ops = {node.op_type for node in onnx.load(str(graph)).graph.node}
    assert {"MatMulInteger", "DynamicQuantizeLinear", "QAttention", "SkipLayerNormalization"} <= ops
    assert not ops & {"Where", "IsNaN", "Softmax"}
    int8 = service.encoder.encode(QUESTIONS[:2])
    model = article_service.encoder.model.encode(QUESTIONS[:2], normalize_embeddings=True, convert_to_numpy=True)
    assert 0.98 <= float((int8 * model).sum(axis=1).min()) < 0.99999
    answer = service.ask("How many inmates can CECOT hold?")
    assert not answer.abstained and "40,000" in answer.text


def test_making_the_int8_copy_leaves_the_apps_log_lines_as_they_were(float_article: QAService, tmp_path: Path) -> None:
    """ONNX Runtime's quantiser warns through the root logger, which used to configure logging for
    the whole process: a first `qa serve` on a new machine then wrote every later line of its log
    as "WARNING:name:...". In a process of its own, as there."""
    graph = _export_files(float_article)[-1]
    probe = """
import logging, sys
from pathlib import Path
from qa.index.onnx_encoder import quantize
made = quantize(Path(sys.argv[1]), Path(sys.argv[2]), "probe")
logging.getLogger("qa.ui.refused").warning("refused 127.0.0.1:1 GET /x")
print(made.name, len(logging.getLogger().handlers))
"""
    out = subprocess.run(
        [sys.executable, "-c", probe, str(graph), str(tmp_path)], capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["probe.onnx", "0"]  # the int8 copy made, logging as the app left it
    lines = out.stderr.splitlines()
    assert "refused 127.0.0.1:1 GET /x" in lines
    assert not [line for line in lines if line.startswith("WARNING:")]
