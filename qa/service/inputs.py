"""What the service refuses, and how questions and file names are made safe to use (questions and
the history sent with them are cleaned by qa.chat.inputs, which the page imports before the
service is loaded)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePath

from qa.chat.inputs import clean_history, clean_question
from qa.errors import BadRequest
from qa.ingest.load import SUPPORTED_SUFFIXES

__all__ = ["BadRequest", "clean_history", "clean_question", "safe_filename"]


_SAFE_NAME = re.compile(r"[^\w.\- ]+")


def safe_filename(name: str) -> str:
    """A plain file name inside the corpus: no folders, no `..`, no control characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFKC", base)
    base = _SAFE_NAME.sub("_", base).strip(" .")
    if not base or base.startswith("."):
        raise BadRequest(f"{name!r} is not a usable file name")
    suffix = PurePath(base).suffix
    if suffix.lower() not in SUPPORTED_SUFFIXES:
        raise BadRequest(f"{base}: only {', '.join(SUPPORTED_SUFFIXES)} files can be added")
    # Shorten the stem, never the suffix, and count bytes: file systems allow 255 (UTF-8) bytes.
    stem = base[: -len(suffix)]
    while len((stem + suffix).encode()) > 200:
        stem = stem[:-1]
    return stem.rstrip(" .") + suffix
