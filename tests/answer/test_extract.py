"""The learned span extractor: the real ONNX model."""

from __future__ import annotations

import json

import numpy as np

from qa.answer.extract import MODEL_DIR, NO_SPAN, TokenScores, _widen, best_span, load_extractor


def test_the_extractor_points_at_the_answer_inside_the_sentence() -> None:
    sentence = "The bridge over the river was designed by the engineer Marta Kovacs and opened in 1931."
    found = load_extractor().extract(
        "What was the bridge designed by?", [(sentence, "The town grew quickly after the war.")]
    )[0]
    assert sentence[found.start : found.end] == found.text
    assert "Marta Kovacs" in found.text
    assert len(found.text.split()) <= 6


def test_the_span_never_comes_from_the_context() -> None:
    sentence = "Construction took three years."
    context = "The bridge over the river was designed by the engineer Marta Kovacs."
    found = load_extractor().extract("Who designed the bridge?", [(sentence, context)])[0]
    assert found.end <= len(sentence)
    assert "Kovacs" not in found.text


def test_a_sentence_that_answers_is_surer_than_one_that_does_not() -> None:
    question = "What does the factory produce?"
    answering, unrelated = load_extractor().extract(
        question,
        [
            ("The factory produces electric buses for cities across the region.", ""),
            ("The mayor spoke about the new park on Sunday.", ""),
        ],
    )
    assert answering.gap > unrelated.gap
    assert answering.prob > unrelated.prob
    assert "electric buses" in answering.text


def test_token_scores_weigh_every_span_of_the_sentence_against_no_answer() -> None:
    sentence = "The bridge over the river was designed by the engineer Marta Kovacs and opened in 1931."
    found = load_extractor().extract("Who designed the bridge?", [(sentence, "The town grew quickly.")])[0]
    tokens = found.tokens
    assert tokens is not None and len(tokens.offsets) == len(tokens.starts) == len(tokens.ends)
    assert all(hi <= len(sentence) for _, hi in tokens.offsets)  # the sentence's own tokens only
    # a softmax over the sentence's tokens and "no answer": the tokens take less than all of it
    assert 0.5 < sum(np.exp(tokens.starts)) < 1.0 and max(tokens.starts) <= 0.0
    at = sentence.index
    name = tokens.of_span(at("Marta Kovacs"), at("Marta Kovacs") + len("Marta Kovacs"))
    assert name > tokens.of_span(at("1931"), at("1931") + 4)  # the designer, not the year
    assert name > tokens.of_span(at("river"), at("river") + 5)
    assert tokens.of_span(found.start, found.end) >= name  # the best span is the likeliest
    assert tokens.of_span(len(sentence), len(sentence) + 3) == NO_SPAN  # no token there


def test_a_spans_score_is_its_first_tokens_start_and_last_tokens_end() -> None:
    tokens = TokenScores(((0, 3), (4, 9), (10, 14)), (-0.5, -2.0, -3.0), (-4.0, -1.0, -0.2))
    assert tokens.of_span(4, 14) == -2.0 + -0.2
    assert tokens.of_span(5, 7) == -2.0 + -1.0  # inside one token: that token's start and end
    assert tokens.of_span(0, 3) == -0.5 + -4.0


def test_best_span_keeps_order_and_length() -> None:
    start = np.array([9.0, 0.0, 5.0, 0.0, 1.0])
    end = np.array([9.0, 4.0, 0.0, 0.0, 6.0])
    allowed = np.array([False, True, True, True, True])
    # [CLS] (token 0) is never a span; an end before its start never counts
    assert best_span(start, end, allowed, longest=5) == (2, 4, 11.0)
    assert best_span(start, end, allowed, longest=2) == (4, 4, 7.0)  # 2..4 is three tokens long
    assert best_span(start, end, np.zeros(5, dtype=bool), longest=3)[2] == -np.inf


def test_spans_are_whole_words_without_edge_punctuation() -> None:
    text = 'He said "the harbour, mostly" was closed.'
    lo = text.index("arbour")
    assert text[slice(*_widen(text, lo, lo + 4))] == "harbour"
    lo, hi = _widen(text, text.index('"'), text.index(",") + 1)
    assert text[lo:hi] == "the harbour"


def test_a_span_keeps_the_bracket_that_closes_one_it_opens() -> None:
    text = "It is banned by Article 101(1) of the treaty (TFEU)."
    lo = text.index("Article")
    assert text[slice(*_widen(text, lo, text.index("(1") + 2))] == "Article 101(1)"
    assert text[slice(*_widen(text, text.index("TFEU"), text.index("TFEU") + 4))] == "TFEU"
    lo = text.index("(TFEU")
    assert text[slice(*_widen(text, lo, lo + 6))] == "TFEU"  # both brackets are the edge's


def test_the_model_is_fitted_data_measured_where_it_was_not_trained() -> None:
    meta = json.loads((MODEL_DIR / "extractor.json").read_text(encoding="utf-8"))
    assert (MODEL_DIR / "model.onnx").stat().st_size < 25 * 1024 * 1024
    assert set(meta["trained_on"]).isdisjoint(meta["measured_on"])
    assert meta["written_paragraphs"]["held_out"] > 0


def test_the_extractors_threads_sleep_between_questions() -> None:
    """Like the reader's: idle ONNX threads must not spin on a core another process needs."""
    import time

    extractor = load_extractor()
    sentences = [("The prison has a maximum capacity of 40,000 inmates.", "")] * 4
    for _ in range(3):
        extractor.extract("How many inmates can the prison hold?", sentences)
    cpu = time.process_time()
    time.sleep(0.3)
    assert time.process_time() - cpu < 0.005
