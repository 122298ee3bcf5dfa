"""The copy of the chat the browser keeps, so a reload (or a restart) shows it again."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from qa.schema import Answer, Turn

KEPT_VERSION = 1  # of the chat the browser keeps; another version is not restored


def kept_chat(kept: Any) -> tuple[list[Turn], list[Answer]]:
    """The turns and answers of a chat the browser kept (`ChatApp.keep`); ValueError otherwise."""
    if not isinstance(kept, dict) or kept.get("version") != KEPT_VERSION:
        raise ValueError("not a chat of this version")
    try:  # text the page could not send back (a lone surrogate, edited in by hand)
        json.dumps(kept, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError) as exc:
        raise ValueError(f"not plain JSON text ({type(exc).__name__})") from exc
    raw_turns, raw_answers = kept.get("turns"), kept.get("answers")
    if not isinstance(raw_turns, list) or not isinstance(raw_answers, list) or len(raw_turns) != len(raw_answers):
        raise ValueError("turns and answers do not match")
    turns = []
    for t in raw_turns:
        if not (
            isinstance(t, list)
            and len(t) == 3
            and isinstance(t[0], str)
            and isinstance(t[1], str)
            and isinstance(t[2], list)
            and all(isinstance(q, str) for q in t[2])
        ):
            raise ValueError("a turn is [question, answer, quotes]")
        turns.append(Turn(t[0], t[1], tuple(t[2])))
    return turns, [Answer.from_dict(a) for a in raw_answers]


def browser_secret(index_dir: Path) -> str | None:
    """The key Gradio encrypts the browser's copy of the chat with, kept beside the index so the
    chat survives a restart; None (a new key per start, Gradio's own) when it cannot be kept. The
    page holds the key (the browser does the encrypting): the copy is not secret from whoever can
    open the page, which is why `restore` checks and escapes it."""
    path = index_dir / "browser-secret"
    try:
        if path.is_file():
            return path.read_text(encoding="ascii").strip() or None
        index_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(24)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="ascii") as out:
            out.write(key)  # private from its creation
        return key
    except (OSError, UnicodeDecodeError):
        return None

