"""How much a file may cost to read: its bytes, the text drawn from it, how deep its HTML nests.

A hostile file can be small and still cost minutes and gigabytes: a PDF stream of repeated text
unpacks at several hundred characters per byte, and markup can nest without end. The limits say
when a file is refused, with a reason the user can act on (each names its setting).
"""

from __future__ import annotations

from dataclasses import dataclass

from qa.config import Settings
from qa.ingest.errors import LoadError


@dataclass(frozen=True)
class ReadLimits:
    """None: no limit of that kind."""

    max_bytes: int | None = None
    max_chars: int | None = None
    chars_per_byte: float | None = None
    max_depth: int | None = None

    def text_budget(self, size: int) -> int | None:
        """The most characters a file of `size` bytes may give."""
        budgets = [b for b in (self.max_chars, self._relative(size)) if b is not None]
        return min(budgets) if budgets else None

    def _relative(self, size: int) -> int | None:
        return None if self.chars_per_byte is None else int(self.chars_per_byte * size)

    def over_budget(self, name: str, size: int, what: str = "characters of text", scale: int = 1) -> LoadError:
        """The error for a file that went past `scale` times `text_budget(size)` (counted in
        characters of text, or in what a PDF unpacks to: its drawing operations and content)."""
        relative, per_byte = self._relative(size), self.chars_per_byte
        if relative is not None and per_byte is not None and (self.max_chars is None or relative < self.max_chars):
            return LoadError(
                f"{name}: unpacks to more than {relative * scale:,} {what}, "
                f"{per_byte * scale:g} per byte of the file (QA_MAX_CHARS_PER_BYTE)"
            )
        return LoadError(f"{name}: holds more than {(self.max_chars or 0) * scale:,} {what} (QA_MAX_TEXT_CHARS)")

    def check_text(self, name: str, size: int, chars: int) -> None:
        budget = self.text_budget(size)
        if budget is not None and chars > budget:
            raise self.over_budget(name, size)


def read_limits(settings: Settings) -> ReadLimits:
    return ReadLimits(
        max_bytes=int(settings.max_file_mb * 1e6),
        max_chars=settings.max_text_chars,
        chars_per_byte=settings.max_chars_per_byte,
        max_depth=settings.max_html_depth,
    )
