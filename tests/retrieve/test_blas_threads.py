"""A large index's dense scoring runs on two BLAS threads; the second must not keep a core busy
once the product is done (OpenBLAS spins ~0.1 s by default), since on a small machine that core
is the reader's or a Chroma server's."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import qa  # the app's environment, before numpy loads OpenBLAS
import time
import numpy as np
from qa.config import Settings
from qa.retrieve.hybrid import _dense

settings = Settings(threads=2, parallel_rows=1000)
vectors = np.random.default_rng(0).standard_normal((60_000, 384)).astype(np.float32)
query = vectors[0].copy()
for _ in range(5):
    _dense(vectors, query, settings)
cpu = time.process_time()
time.sleep(0.3)
print(round((time.process_time() - cpu) * 1000, 1))
"""


def test_the_second_blas_thread_sleeps_after_scoring() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    assert float(out.split()[-1]) < 5.0  # ms of CPU in 0.3 s with nothing to do
