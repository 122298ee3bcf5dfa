"""Offline document question answering with cited, verbatim answers."""

import os

# Everything runs offline: no hub lookups, no telemetry, no analytics. Set before any
# library that reads these is imported.
for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
    # numpy's BLAS threads would fight torch's for the cores; our matrix products are small.
    "OPENBLAS_NUM_THREADS": "1",
    # When a large index's scoring does use two (`hybrid._dense`), the second one sleeps once done
    # instead of spinning for ~0.1 s (OpenBLAS's default): that core is the reader's, or a Chroma
    # server's beside the app (bench/RESULTS.md).
    "OPENBLAS_THREAD_TIMEOUT": "4",
    "MKL_NUM_THREADS": "1",
}.items():
    os.environ.setdefault(_name, _value)

__version__ = "0.1.0"
