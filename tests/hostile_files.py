"""Hostile corpus files, built in the test (nothing downloaded): the inputs of an outside attack run
(issue 26) that cost the app time, memory or a leftover file."""

from __future__ import annotations

import random
import zlib

_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
_LINE = b"(The quick brown fox jumps over the lazy dog once again.) Tj T*\n"


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1; the first is the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _flate(data: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(data, 9)
    return b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n" % (len(packed), extra) + packed + b"\nendstream"


def _one_page(content: bytes, *more: bytes, xobject: bool = False) -> bytes:
    resources = b"/Font << /F1 5 0 R >>" + (b" /XObject << /X1 6 0 R >>" if xobject else b"")
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << %s >> /Contents 4 0 R >>" % resources
    catalog, pages = b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    return _pdf([catalog, pages, page, _flate(content), _FONT, *more])


def flate_bomb_pdf(inflated: int = 100_000_000) -> bytes:
    """~98 KB: one page whose content stream inflates to `inflated` bytes of spaces."""
    return _one_page(b" " * inflated)


def amplified_pdf(lines: int = 25_000) -> bytes:
    """~6 KB that draws ~1.4 M characters: one sentence shown `lines` times, compressed ~250:1."""
    return _one_page(b"BT /F1 12 Tf 72 720 Td 14 TL\n" + _LINE * lines + b"ET\n")


def reused_form_pdf(uses: int = 1000, lines: int = 200) -> bytes:
    """~1 KB that draws ~11 M characters: a form of `lines` lines drawn `uses` times on one page."""
    form = _flate(
        b"BT /F1 12 Tf 72 720 Td 14 TL\n" + _LINE * lines + b"ET\n",
        b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> ",
    )
    return _one_page(b"/X1 Do\n" * uses, form, xobject=True)


def drawing_pdf(pages: int = 40, operations: int = 1_000_000, text: bool = False) -> bytes:
    """~8.5 KB: `pages` pages sharing one content stream of `operations` path operators (2 bytes
    each unpacked), and one line of text at its end if `text`."""
    kids = " ".join(f"{6 + k} 0 R" for k in range(pages)).encode()
    resources = b"/Resources << /Font << /F1 5 0 R >> >>"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] %s /Contents 4 0 R >>" % resources
    catalog, tree = b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)
    content = b"n\n" * operations + (b"BT /F1 12 Tf 72 720 Td " + _LINE + b"ET\n" if text else b"")
    return _pdf([catalog, tree, b"<< >>", _flate(content), _FONT, *[page] * pages])


def nested_html(levels: int, text: str = "Deep inside sits one sentence.") -> str:
    """`levels` nested <div>s around one sentence: 11 bytes a level."""
    return "<div>" * levels + text + "</div>" * levels


def noise(size: int = 10_000, seed: int = 26) -> bytes:
    """Random bytes without a NUL: no reader's "binary" sniff catches them."""
    rng = random.Random(seed)
    return bytes(rng.randrange(1, 256) for _ in range(size))
