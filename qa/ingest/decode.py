"""Bytes of a text file as text, refusing bytes that are not text in any encoding."""

from __future__ import annotations

import unicodedata

from qa.ingest.errors import LoadError

_BINARY_SNIFF = 8192
_NOT_TEXT = "does not look like text (no character encoding reads it as text)"
# Characters no text is made of: controls other than whitespace, unassigned and private-use code
# points, lone surrogates. Valid UTF-8 of random code points is mostly these.
_JUNK = frozenset(("Cc", "Cn", "Co", "Cs"))
_JUNK_SAMPLE = 100_000  # characters looked at
_JUNK_SHARE = 0.05


def _legacy_text(raw: bytes) -> bool:
    """Whether some single- or multi-byte encoding reads the bytes as plausible text.
    charset-normalizer measures how messy each candidate decoding is (controls, unlikely symbol
    runs, mixed scripts); random bytes, with or without a NUL, are a mess in every one. It reads
    samples of the file, so a large file costs about a second at most."""
    from charset_normalizer import from_bytes

    return from_bytes(raw).best() is not None


def _mostly_junk(text: str) -> bool:
    sample = [c for c in text[:_JUNK_SAMPLE] if not c.isspace()]
    junk = sum(1 for c in sample if unicodedata.category(c) in _JUNK)
    return junk > _JUNK_SHARE * len(sample)


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 (a stray bad byte replaced), else cp1252, else latin-1; newlines made `\\n`."""
    if b"\x00" in raw[:_BINARY_SNIFF]:
        raise LoadError(f"{name}: looks like a binary file, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        lenient = raw.decode("utf-8-sig", errors="replace")
        bad = lenient.count("\ufffd") - raw.count("\ufffd".encode())
        if sum(1 for c in lenient if c > "\x7f" and c != "\ufffd") > bad:
            # UTF-8 with a stray byte or two: read as legacy, its every "é" and "’" would be mojibake
            text = lenient
        elif not _legacy_text(raw):
            raise LoadError(f"{name}: {_NOT_TEXT}") from None
        else:
            # Legacy encodings are common in old text files; cp1252 covers latin-1's printable range.
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
    if _mostly_junk(text):
        raise LoadError(f"{name}: {_NOT_TEXT}")
    return text.replace("\r\n", "\n").replace("\r", "\n")
