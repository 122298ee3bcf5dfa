"""Where a document's metadata comes from besides the page itself: a front-matter header at the
top of a text file, and the sidecar file kept beside a page added by its URL.

Front matter is a block of `key: value` lines between two `---` lines at the very start of a
.txt or .md file (keys: title, outlet, author, date, url). It is not article text, so it is not
indexed; it is replaced by as many line breaks, so every character offset into the text is
still an offset into the file.

A sidecar, `<file>.meta.json`, holds what was known when a page was fetched: the metadata shown
then, the URL asked for and when. It makes the index rebuilt from the corpus folder hold the same
metadata later, offline, whatever the extractor's version.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from qa.ingest.errors import LoadError
from qa.schema import SourceMeta

SIDECAR_SUFFIX = ".meta.json"
_FRONT = re.compile(r"---[ \t]*\n(?P<body>(?:[^\n]*\n)*?)---[ \t]*(?:\n|$)")
_FIELD = re.compile(r"(?P<key>[A-Za-z_]+)[ \t]*:[ \t]*(?P<value>.*)")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_MAX_FRONT = 4000  # characters: a header, not a document


def _unquoted(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip()
    return value


def front_matter(text: str) -> tuple[SourceMeta | None, str]:
    """The header's metadata (None without one) and the text with the header blanked out.

    Only `key: value` lines are a header; a block holding anything else is text, read as is. A
    date other than YYYY, YYYY-MM or YYYY-MM-DD is left out rather than read wrongly.
    """
    match = _FRONT.match(text[:_MAX_FRONT])
    if match is None:
        return None, text
    fields: dict[str, str] = {}
    for line in match["body"].splitlines():
        if not line.strip():
            continue
        pair = _FIELD.fullmatch(line.strip())
        if pair is None:
            return None, text
        fields[pair["key"].lower()] = _unquoted(pair["value"])
    if not _DATE.fullmatch(fields.get("date", "")):
        fields.pop("date", None)
    from qa.ingest.article import web_url

    fields["url"] = web_url(fields.get("url", ""))
    return SourceMeta.from_dict(fields), "\n" * match.end() + text[match.end() :]


def sidecar_of(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_sidecar(path: Path, name: str) -> dict[str, Any] | None:
    """The sidecar of the corpus file at `path` (None when it has none); LoadError when it cannot
    be read or is not a JSON object."""
    side = sidecar_of(path)
    if not side.exists():
        return None
    try:
        raw = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LoadError(f"{name}: its metadata file {side.name} cannot be read ({exc})") from exc
    if not isinstance(raw, dict):
        raise LoadError(f"{name}: its metadata file {side.name} is not a JSON object")
    return raw


def sidecar_bytes(meta: SourceMeta, fetched_from: str, fetched_at: str) -> bytes:
    """A sidecar's content: the metadata, and the URL asked for and when (UTC, ISO 8601)."""
    data = {**meta.to_dict(), "fetched_from": fetched_from, "fetched_at": fetched_at}
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
