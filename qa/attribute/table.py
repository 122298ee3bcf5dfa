"""Who said what across documents, as records and as a plain-text table for the terminal."""

from __future__ import annotations

from collections.abc import Iterable

from qa.attribute.extract import extract_attributions
from qa.attribute.model import Attribution
from qa.schema import SourceDocument


def who_said_what(docs: Iterable[SourceDocument]) -> list[Attribution]:
    """Attributions of every document, documents in the order given, statements in text order."""
    return [a for doc in docs for a in extract_attributions(doc)]


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def format_table(attributions: Iterable[Attribution], width: int = 90) -> str:
    """One line per statement: speaker (role), verb, statement, doc:start-end."""
    rows = [
        (
            f"{a.speaker} ({a.speaker_role})" if a.speaker_role else a.speaker,
            a.verb + (f" (via {a.reported_by})" if a.reported_by else ""),
            _clip(a.statement, width),
            a.where,
        )
        for a in attributions
    ]
    if not rows:
        return "no attributed statements found"
    header = ("speaker (role)", "verb", "statement", "where")
    widths = [min(cap, max(len(r[i]) for r in [header, *rows])) for i, cap in enumerate((48, 40, width))]
    lines = [
        f"{_clip(r[0], widths[0]):<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}"
        for r in [header, *rows]
    ]
    lines.insert(1, "-" * min(200, len(lines[0])))
    return "\n".join(lines)
