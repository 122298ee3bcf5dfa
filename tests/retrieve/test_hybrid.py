"""Dense scoring gives the same scores whether a large index is scored on one thread or several."""

from __future__ import annotations

import numpy as np

from qa.config import Settings
from qa.retrieve.hybrid import _dense


def test_parallel_scoring_equals_single_thread() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((3000, 384)).astype(np.float32)
    query = rng.standard_normal(384).astype(np.float32)
    single = _dense(vectors, query, Settings(parallel_rows=10**9))
    parallel = _dense(vectors, query, Settings(parallel_rows=1000, threads=2))
    assert single.shape == parallel.shape == (3000,)
    np.testing.assert_allclose(parallel, single, rtol=1e-5, atol=1e-5)
    assert int(np.argmax(parallel)) == int(np.argmax(vectors @ query))
