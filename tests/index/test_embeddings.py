"""The encoder's vectors embedded ahead of LangChain's call: used once, never held after."""

from __future__ import annotations

import numpy as np
import pytest

from qa.config import Settings
from qa.index.embeddings import Encoder

TEXTS = [f"Ferry number {n} leaves the harbour at {n} o'clock." for n in range(10)]


@pytest.fixture
def encoder() -> Encoder:
    return Encoder(Settings().model, batch_size=2)


def test_prepared_vectors_are_the_models_and_are_not_embedded_again(encoder: Encoder) -> None:
    expected = encoder.encode(TEXTS)
    encoder.prepare(TEXTS + TEXTS[:3])
    calls: list[list[str]] = []
    real = encoder.encode
    encoder.encode = lambda texts: calls.append(texts) or real(texts)  # type: ignore[method-assign]
    got = np.array(encoder.embed_documents([*TEXTS[:4], "A text nobody prepared.", *TEXTS[4:]]))
    assert calls == [["A text nobody prepared."]]
    np.testing.assert_allclose(np.delete(got, 4, axis=0), expected, atol=1e-5)
    encoder.release(TEXTS + TEXTS[:3])
    assert encoder._ready == {}


def test_texts_held_by_two_groups_are_embedded_once_and_stay_until_both_release(encoder: Encoder) -> None:
    encoder.prepare(TEXTS[:6])
    calls: list[list[str]] = []
    real = encoder.encode
    encoder.encode = lambda texts: calls.append(texts) or real(texts)  # type: ignore[method-assign]
    encoder.prepare(TEXTS[4:])
    assert sorted(text for call in calls for text in call) == sorted(TEXTS[6:])
    encoder.release(TEXTS[:6])
    assert set(encoder._ready) == set(TEXTS[4:])
    encoder.release(TEXTS[4:])
    assert encoder._ready == {}


def test_interrupted_prepare_holds_nothing(encoder: Encoder, monkeypatch: pytest.MonkeyPatch) -> None:
    real = encoder.encode
    calls = {"n": 0}

    def interrupted(texts: list[str]) -> np.ndarray:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(texts)

    monkeypatch.setattr(encoder, "encode", interrupted)
    with pytest.raises(KeyboardInterrupt):
        encoder.prepare(TEXTS)  # slices of 4 x batch_size = 8 texts: the second one is stopped
    assert calls["n"] == 2 and encoder._ready == {}
