"""The page's static files (qa/ui/static): its styles and its script, read once."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def static_text(name: str) -> str:
    """The text of one file of qa/ui/static."""
    return files("qa.ui").joinpath("static", name).read_text(encoding="utf-8")


def page_css() -> str:
    return static_text("app.css")


def page_js() -> str:
    """Installs the page's click handler and `window.qaPage`'s scroll helpers."""
    return static_text("page.js")


# What events run once Gradio has rendered their output: calls into page.js, nothing more.
MARKS_JS = "() => window.qaPage && window.qaPage.showMarks()"
SCROLL_JS = "() => window.qaPage && window.qaPage.showChosen()"
WHO_SCROLL_JS = "() => window.qaPage && window.qaPage.showStatement()"
