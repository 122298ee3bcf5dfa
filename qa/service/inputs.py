"""What the service refuses, and how questions and file names are made safe to use."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePath

from qa.ingest.load import SUPPORTED_SUFFIXES


class BadRequest(ValueError):
    """Input the product refuses, with a message to show as is."""


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


# Markup pasted along with a question ("<img src=x onerror=...> who is Bukele?") is not what is
# asked: its words would only pull the search away from the question's own.
_MARKUP = re.compile(
    r"<!--.*?-->|</?(?:a|abbr|audio|b|base|blockquote|body|br|button|code|div|em|embed|font|form|frame|h[1-6]|head"
    r"|html|i|iframe|img|input|li|link|marquee|math|meta|object|ol|p|pre|script|select|small|source|span|strong"
    r"|style|sub|sup|svg|table|td|template|textarea|th|title|tr|u|ul|video)\b[^<>]*>",
    re.IGNORECASE | re.DOTALL,
)  # real HTML tags only: "Is 3<x and y>2?" keeps its words


def clean_question(question: object, max_chars: int) -> str:
    """Normalise a question, refusing what cannot be asked."""
    if not isinstance(question, str):
        raise BadRequest("the question must be text")
    text = "".join(ch if ch.isprintable() else " " for ch in _MARKUP.sub(" ", question))
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise BadRequest("please type a question")
    if len(text) > max_chars:
        raise BadRequest(f"the question is {len(text):,} characters long; the limit is {max_chars:,}")
    return text
