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


def test_sparse_best_sentence_per_passage_equals_the_dense_reduction() -> None:
    from qa.retrieve.catalog import Catalog, PassageRef
    from qa.retrieve.hybrid import _per_passage_max, _per_passage_max_sparse

    rng = np.random.default_rng(1)
    counts = rng.integers(0, 6, size=400)  # some passages without sentences
    catalog = Catalog(
        passages=[PassageRef(str(i), "d", 0, 1, "x", None) for i in range(len(counts))],
        first_sentence=np.concatenate([[0], np.cumsum(counts)[:-1]]),
        sentence_passage=np.repeat(np.arange(len(counts)), counts),
    )
    for share in (0.01, 0.1, 0.5):  # both the sparse walk and its dense fallback
        values = np.where(rng.random(int(counts.sum())) < share, rng.random(int(counts.sum())), 0).astype(np.float32)
        np.testing.assert_array_equal(_per_passage_max_sparse(values, catalog), _per_passage_max(values, catalog))
