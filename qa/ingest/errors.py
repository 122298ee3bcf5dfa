"""The one error the readers raise: a file that cannot become a document."""

from __future__ import annotations


class LoadError(Exception):
    """A file that cannot become a document; the message is meant for the user."""
