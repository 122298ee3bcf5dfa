"""How the page and the command line say a number of things ("1 document", "2,048 passages")."""

from __future__ import annotations


def count(n: int, noun: str) -> str:
    """ "1 document", "2 documents": the noun made plural by an "s" (every noun counted here is so)."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
