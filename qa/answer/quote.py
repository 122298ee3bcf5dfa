"""Where a quote may be cut: only between phrases or clauses, never inside one.

A statement longer than the room a reply has for it is cut to a window of whole segments, split at
clause and phrase boundaries (after , ; : and dashes, around parentheses, before but / while /
whereas / although / because). The window holds the part that matters (`focus`, else the start)
and grows by whole neighbouring segments while they fit. When even the segment holding it is
longer than the room, that segment is quoted whole: the room is a guide, and a quote cut
mid-phrase ("said “the plan is the most costly…”") misleads more than a long one.

Used for who-said-what statements. The composed reply (quoting.trim) cuts a word-aligned window
around the answer and widens it to the nearest phrase boundaries (qa/answer/phrases.py): choosing
its window by whole clauses instead held the answer in fewer replies and let replies grow much
longer (docs/evaluation.md).
"""

from __future__ import annotations

import re

from qa.answer.words import CLAUSE_OPENERS

# A boundary: after a clause mark, or before a word that opens a new clause (words.CLAUSE_OPENERS).
_AFTER_MARK = re.compile(r"[,;:)](?=\s)|\s[—–-]{1,2}(?=\s)|\s(?=\()")
_BEFORE_OPENER = re.compile(
    rf"\s(?=(?:{CLAUSE_OPENERS})\s)",
    re.IGNORECASE,
)


def boundaries(text: str) -> list[int]:
    """Offsets where a segment of `text` may end and the next begin (0 and len(text) included)."""
    cuts = {0, len(text)}
    for match in _AFTER_MARK.finditer(text):
        cuts.add(match.end())
    for match in _BEFORE_OPENER.finditer(text):
        cuts.add(match.start() + 1)
    return sorted(cuts)


def clause_window(text: str, budget: int, focus: tuple[int, int] | None) -> tuple[int, int]:
    """A window of whole segments of `text` around `focus` (default: the start), at most `budget`
    long when its core segment fits, else that core alone; offsets without surrounding spaces."""
    if len(text) <= budget:
        return 0, len(text)
    cuts = boundaries(text)
    lo_focus, hi_focus = focus if focus else (0, 0)
    # the core: the segments the focus touches
    lo = max(c for c in cuts if c <= lo_focus)
    hi = min(c for c in cuts if c >= max(hi_focus, lo + 1))
    while True:
        left = max((c for c in cuts if c < lo), default=None)
        right = min((c for c in cuts if c > hi), default=None)
        # grow to the right first (what follows the answer usually completes it), then the left
        if right is not None and _span(text, lo, right) <= budget:
            hi = right
        elif left is not None and _span(text, left, hi) <= budget:
            lo = left
        else:
            break
    return _stripped(text, lo, hi)


def _span(text: str, lo: int, hi: int) -> int:
    a, b = _stripped(text, lo, hi)
    return b - a


def _stripped(text: str, lo: int, hi: int) -> tuple[int, int]:
    """Without surrounding spaces, nor the comma or colon a cut leaves at the end."""
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and (text[hi - 1].isspace() or (hi < len(text) and text[hi - 1] in ",;:")):
        hi -= 1
    return lo, hi
