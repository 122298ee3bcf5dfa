"""The error every entry point shows as is: input the product refuses, with the reason."""

from __future__ import annotations


class BadRequest(ValueError):
    """Input the product refuses, with a message to show as is."""
