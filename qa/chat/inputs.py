"""What a question and the conversation before it may hold, the same for every entry point.

The page, Gradio's `/ask`, `POST /v1/ask` and `qa eval` all hand their input to `QAService.ask`,
which cleans and bounds it here: a question or a history entry is read as the text a person typed
(markup, scripts and terminal escapes left out, characters that cannot be printed or encoded as
spaces), and a history too long to be a conversation is refused rather than parsed. Light on
purpose: the page imports it before the search engine is loaded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from qa.errors import BadRequest
from qa.schema import Turn

# Markup pasted along with a question ("<img src=x onerror=...> who is ...?") is not what is asked:
# its words would only pull the search away from the question's own. A script or a style sheet is
# dropped with its content (code, not words of the question); other tags leave their text.
_HIDDEN = re.compile(r"<(script|style)\b[^<>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_MARKUP = re.compile(
    r"<!--.*?-->|</?(?:a|abbr|audio|b|base|blockquote|body|br|button|code|div|em|embed|font|form|frame|h[1-6]|head"
    r"|html|i|iframe|img|input|li|link|marquee|math|meta|object|ol|p|pre|script|select|small|source|span|strong"
    r"|style|sub|sup|svg|table|td|template|textarea|th|title|tr|u|ul|video)\b[^<>]*>",
    re.IGNORECASE | re.DOTALL,
)  # real HTML tags only: "Is 3<x and y>2?" keeps its words
# Terminal escape sequences (ECMA-48), removed whole: a control sequence (ESC [ or the one-byte
# CSI, parameters, a final letter: colours, cursor moves), an operating-system command ended by
# BEL or ESC \ (window titles, links), a character-set choice (ESC ( B), or one of the two-character
# escapes that are no letter (ESC 7, ESC =: a lone ESC before a word leaves the word whole). Only
# the ESC would otherwise go, and "[31m" be read as a word glued to the next.
_ANSI = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()*+\-./][ -~]|\x1b[78=>\\]"
)
_SPACES = re.compile(r"\s+")

# Follow-ups are resolved from the last USED_TURNS turns, each read up to READ_CHARS characters
# (the names in an entry are found by the entity recogniser, whose cost grows with the text).
USED_TURNS = 20
READ_CHARS = 4000
_SENTENCE_END = re.compile(r"[.!?][\"')\]’”]*(?=\s)")


def plain_text(text: str) -> str:
    """`text` as a person reads it: without markup, scripts and terminal escapes, every character
    that is not printable (controls, invisible marks, lone surrogates) a space, spaces collapsed."""
    text = _ANSI.sub("", _MARKUP.sub(" ", _HIDDEN.sub(" ", text)))
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return _SPACES.sub(" ", text).strip()


def clean_question(question: object, max_chars: int) -> str:
    """Normalise a question, refusing what cannot be asked."""
    if not isinstance(question, str):
        raise BadRequest("the question must be text")
    text = plain_text(question)
    if not text:
        raise BadRequest("please type a question")
    if len(text) > max_chars:
        raise BadRequest(f"the question is {len(text):,} characters long; the limit is {max_chars:,}")
    return text


def history_turns(history: object) -> list[Turn]:
    """An API history (`[[question, answer], ...]`, oldest first; None is none) as turns; any other
    shape is refused."""
    if history is None:
        return []
    pairs = history if isinstance(history, list | tuple) else None
    if pairs is None or not all(
        isinstance(p, list | tuple) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in pairs
    ):
        raise BadRequest("history must be a list of [question, answer] pairs of text")
    return [Turn(q, a) for q, a in pairs]


def clean_history(history: Sequence[Turn], max_turns: int, max_chars: int) -> list[Turn]:
    """The conversation as follow-ups are resolved from: refused when it is longer than `max_turns`
    turns or an entry is longer than `max_chars` characters; else its last USED_TURNS turns, each
    question and answer read as `plain_text` and cut to READ_CHARS (`_cut`)."""
    if len(history) > max_turns:
        raise BadRequest(f"the history has {len(history):,} turns; the limit is {max_turns:,}")
    for turn in history:
        for entry in (turn.question, turn.answer, *turn.quotes):
            if not isinstance(entry, str):
                raise BadRequest("history must be a list of [question, answer] pairs of text")
            if len(entry) > max_chars:
                raise BadRequest(f"a history entry is {len(entry):,} characters long; the limit is {max_chars:,}")
    return [
        Turn(_cut(plain_text(t.question)), _cut(plain_text(t.answer)), tuple(_encodable(q) for q in t.quotes))
        for t in history[-USED_TURNS:]
    ]


def _cut(text: str, limit: int = READ_CHARS) -> str:
    """The start of a long history entry, cut after its last whole sentence within `limit` (else
    between two words). The start is what resolution reads first (the person an answer names
    first); a name cut in two would be taken for another person ("Le" for "Lee")."""
    if len(text) <= limit:
        return text
    head = text[: limit + 1]  # the character after the limit says whether the limit falls between words
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    if ends and ends[-1] >= limit // 2:
        return head[: ends[-1]]
    space = head.rfind(" ")
    return head[:space].rstrip() if space > 0 else head[:limit]


def _encodable(text: str) -> str:
    """A quoted sentence as it was, but for lone surrogates (text no encoder takes), made spaces: it
    is matched against the documents' sentences, so its spacing is kept."""
    return "".join(" " if unicodedata.category(ch) == "Cs" else ch for ch in text)
