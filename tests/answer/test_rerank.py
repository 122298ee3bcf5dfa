"""The learned reader and its say in the sentence order: the real ONNX model, a real index of the article."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np

from qa.answer import order
from qa.answer.abstain import reader_best
from qa.answer.question import question_type
from qa.answer.reader import MODEL_DIR, Reader, load_reader
from qa.answer.rerank import MIX_FILE, ReaderMix, load_mix, rerank
from qa.retrieve.hybrid import make_query, retrieve
from qa.service import QAService


def test_the_reader_prefers_the_sentence_that_answers() -> None:
    scores = load_reader().score(
        "How many inmates can the prison hold?",
        [
            "The prison opened in 2023 on a hillside outside the capital.",
            "The prison has a maximum capacity of 40,000 inmates.",
            "Critics say the country's president has eroded civil liberties.",
        ],
    )
    assert scores.shape == (3,)
    assert int(scores.argmax()) == 1


def test_the_readers_threads_sleep_between_questions() -> None:
    """With two threads, ONNX Runtime's second thread spun for ~20 ms after each run (and ~20 ms of
    CPU a run) by default, time a busy machine's other work (a Chroma server) needed."""
    import time

    reader = Reader(threads=2)
    passages = ["The prison has a maximum capacity of 40,000 inmates."] * 12
    for _ in range(3):
        reader.score("How many inmates can the prison hold?", passages)
    cpu = time.process_time()
    time.sleep(0.3)
    assert time.process_time() - cpu < 0.005


def test_the_packaged_reader_is_small_and_int8() -> None:
    meta = json.loads((MODEL_DIR / "reader.json").read_text(encoding="utf-8"))
    assert meta["weights"] == "int8"
    assert (MODEL_DIR / "model.onnx").stat().st_size < 25 * 1024 * 1024


def test_the_mix_is_fitted_data_not_a_setting() -> None:
    raw = json.loads(MIX_FILE.read_text(encoding="utf-8"))
    assert raw["script"] == "training/fit_reader_mix.py"
    mix = load_mix()
    assert mix.pool >= 2 and mix.weight > 0  # fitted: the reader earned a say on held-out articles


def _pool(service: QAService, question: str) -> list[order.Candidate]:
    settings = service.settings.model_copy(
        update={"answer": service.settings.answer.model_copy(update={"reader": False})}
    )
    query = make_query(question, service.encoder.encode([question])[0])
    hits, _ = retrieve(query, service.catalog, settings)
    return order.candidates(question, question_type(question), query, hits, service.catalog, settings)


def test_rerank_reorders_only_the_pool_and_keeps_scores(article_service: QAService) -> None:
    question = "How many inmates can CECOT hold?"
    found = _pool(article_service, question)
    mix = ReaderMix(pool=4, weight=1.0, first_bonus=0.0)
    out = rerank(question, found, article_service.catalog, mix)
    assert len(out) == len(found)
    head = {(c.sentence.index, c.score) for c in found[:4]}
    assert {(c.sentence.index, c.score) for c in out[:4]} == head
    assert [c.sentence.index for c in out[4:]] == [c.sentence.index for c in found[4:]]
    assert all(c.reader is not None for c in out[:4]) and all(c.reader is None for c in out[4:])
    # the order within the pool is the mixed score's
    mixed = [c.learned + c.reader for c in out[:4] if c.reader is not None]
    assert mixed == sorted(mixed, reverse=True)


def test_a_reader_weight_can_overturn_the_learned_first(article_service: QAService) -> None:
    question = "How many inmates can CECOT hold?"
    found = _pool(article_service, question)
    reading = rerank(question, found, article_service.catalog, ReaderMix(pool=6, weight=100.0, first_bonus=0.0))
    best = max(reading[:6], key=lambda c: c.reader or -np.inf)
    assert reading[0] is best  # a large weight: the reader alone orders the pool
    kept = rerank(question, found, article_service.catalog, ReaderMix(pool=6, weight=0.0, first_bonus=1e6))
    assert kept[0].sentence.index == found[0].sentence.index  # a large first bonus: nothing moves


def test_the_abstention_reads_the_reader_even_when_the_order_did_not(article_service: QAService) -> None:
    question = "How many inmates can CECOT hold?"
    found = _pool(article_service, question)
    assert all(c.reader is None for c in found)
    fresh = reader_best(question, found, article_service.catalog)
    read = rerank(question, found, article_service.catalog)
    assert abs(fresh - reader_best(question, read, article_service.catalog)) < 1e-4
    assert reader_best(question, [replace(found[0], reader=7.5)], article_service.catalog) == 7.5
