"""Placeholder until the chat lands: serving is refused with a clear message."""

from qa.config import Settings


def serve(settings: Settings) -> int:
    raise SystemExit("the web chat is not built yet; use `qa ask`")
