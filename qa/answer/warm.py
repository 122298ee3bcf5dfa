"""The answer layer's lazy parts, loaded before the first question needs them.

The service's warm-up question may be answered by a reply of its own (a who-said-what reply reads
neither model nor the parser), so the parts a composed answer needs are loaded here by name.
"""

from __future__ import annotations

from qa.answer.extracted import warm_extractor
from qa.answer.reader import load_reader
from qa.config import Settings
from qa.nlp import pipeline


def warm_answering(settings: Settings) -> None:
    """Load what the settings use of the reader and the span extractor (an ONNX session takes a
    moment to make) and spaCy's pipeline (importing and loading it takes most of a second), so
    that the first question asked pays for none of them."""
    if settings.answer.reader:
        load_reader(settings.threads)
    if settings.answer.learned_short:
        warm_extractor()
    pipeline()
