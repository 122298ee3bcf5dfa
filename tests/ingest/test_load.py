"""Reading each supported file type as text, and refusing unreadable files with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.ingest.load import LoadError, corpus_files, load_document


def test_txt_is_read_as_is(tmp_path: Path, kit) -> None:
    path = tmp_path / "harbour.txt"
    path.write_text(kit.TXT, encoding="utf-8")
    doc = load_document(path)
    assert doc.name == "harbour.txt"
    assert doc.text == kit.TXT
    assert doc.page_starts == ()
    assert doc.page_at(5) is None


def test_markdown_is_read_as_text(tmp_path: Path, kit) -> None:
    path = tmp_path / "orchard.md"
    path.write_text(kit.MD, encoding="utf-8")
    doc = load_document(path)
    assert "Tobias Renner" in doc.text
    assert doc.text.startswith("Orchard notes\n\nThe quince trees")  # a heading is a paragraph, no "#"
    assert "\n\nPears ripen in late September.\n\nPlums are picked by hand." in doc.text


def test_markdown_markup_is_not_quoted(tmp_path: Path) -> None:
    # A quote must read as the document does: "**Port Alder**" and "[Pier 9](http://...)" are
    # formatting, not words of the sentence.
    path = tmp_path / "festival.md"
    path.write_text(
        "The **Port Alder Harbor Festival** returns on *June 14*.\nIt moves to [Pier 9](http://example.com/p9).\n",
        encoding="utf-8",
    )
    assert load_document(path).text == "The Port Alder Harbor Festival returns on June 14. It moves to Pier 9."
    path.write_text("| Day | Stage |\n|---|---|\n| Friday | Pier 9 |\n", encoding="utf-8")
    assert load_document(path).text == "Day Stage\n\nFriday Pier 9"  # a table row per paragraph, no pipes


def test_html_drops_script_style_and_head_and_keeps_body_text(tmp_path: Path, kit) -> None:
    path = tmp_path / "glacier.html"
    path.write_text(kit.HTML, encoding="utf-8")
    doc = load_document(path)
    for hidden in ("scriptmarker", "stylesheetmarker", "crimson", "trackingMarker", "noscriptmarker", "Head title"):
        assert hidden not in doc.text
    assert "<p>" not in doc.text and "<h1>" not in doc.text
    assert "Glacier station" in doc.text
    # entities are decoded by the parser, block elements become separate paragraphs
    assert "The glacier station records snowfall every morning & evening." in doc.text
    assert "\n\nIts radio operator is named Ingrid Solberg." in doc.text


def test_html_inline_markup_stays_inside_its_sentence(tmp_path: Path) -> None:
    # Links, bold and spans are part of a sentence: splitting at them would cut a news article's
    # sentences into fragments ("The", "Zorblax", "festival happens ...") that answer nothing.
    path = tmp_path / "festival.html"
    path.write_text(
        "<body><p>The <b>Zorblax</b> festival happens\nevery March in <a href='/q'>Quito</a>.</p>"
        "<ul><li>Music</li><li>Food</li></ul><p>Tickets<br>sell out.</p></body>",
        encoding="utf-8",
    )
    assert load_document(path).text == (
        "The Zorblax festival happens every March in Quito.\n\nMusic\n\nFood\n\nTickets\n\nsell out."
    )


def test_pdf_keeps_page_starts(tmp_path: Path, kit) -> None:
    path = tmp_path / "observatory.pdf"
    path.write_bytes(kit.pdf_bytes(kit.PDF_PAGES))
    doc = load_document(path)
    assert len(doc.page_starts) == 2
    second = doc.text.index("Bartholomew Quill")
    first = doc.text.index("Mount Kerrigan")
    assert doc.page_at(first) == 1
    assert doc.page_at(second) == 2
    assert doc.page_at(doc.page_starts[1]) == 2
    assert doc.page_at(doc.page_starts[1] - 1) == 1


def test_latin1_file_is_decoded_not_skipped(tmp_path: Path, kit) -> None:
    path = tmp_path / "cafe.txt"
    path.write_bytes(kit.LATIN1)
    doc = load_document(path)
    assert "café in Málaga" in doc.text


def test_utf8_with_a_stray_byte_keeps_its_accents(tmp_path: Path) -> None:
    """One bad byte made the whole file read as cp1252: "CafÃ© Point", "â¬4 million"."""
    path = tmp_path / "bridge.txt"
    path.write_bytes("The \u201cbridge\u201d at Caf\u00e9 Point costs \u20ac4 million.".encode() + b" \xff end.")
    text = load_document(path).text
    assert "\u201cbridge\u201d at Caf\u00e9 Point costs \u20ac4 million." in text
    assert text.endswith(" \ufffd end.")  # only the bad byte is replaced


def test_windows_1252_quotes_bom_and_crlf(tmp_path: Path) -> None:
    cp1252 = tmp_path / "quotes.txt"
    cp1252.write_bytes("\u201cQuoted\u201d text\r\nnext line\r".encode("cp1252"))
    assert load_document(cp1252).text == "\u201cQuoted\u201d text\nnext line\n"
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeffStarts with a byte order mark.".encode())
    assert load_document(bom).text == "Starts with a byte order mark."


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("blob.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("empty.md", b"", "no text"),
        ("blank.txt", b"  \n\t\n   ", "no text"),
        ("empty.html", b"<html><head><script>x()</script></head><body> </body></html>", "no text"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "not a readable PDF"),
        ("zero.pdf", b"", "not a readable PDF"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type"),
    ],
)
def test_unreadable_files_raise_a_clear_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(LoadError) as err:
        load_document(path)
    message = str(err.value)
    assert message.startswith(f"{name}:")
    assert reason in message


def test_a_broken_pdf_is_reported_once_without_the_pdf_library_s_own_warnings(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Review of 2026-11-29: pypdf's "invalid pdf header" and "EOF marker not found" were printed
    beside our own message."""
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"sPn@\xf7 not a pdf at all" * 20)
    with caplog.at_level("WARNING"), pytest.raises(LoadError, match="not a readable PDF"):
        load_document(path)
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]


def test_truncated_pdf_is_refused(tmp_path: Path, kit) -> None:
    data = kit.pdf_bytes(kit.PDF_PAGES)
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(LoadError, match=r"cut\.pdf: not a readable PDF"):
        load_document(path)


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000)
    with pytest.raises(LoadError, match="over the"):
        load_document(path, max_bytes=1000)
    assert load_document(path, max_bytes=10_000).text.startswith("word")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot be read"):
        load_document(tmp_path / "gone.txt")


def test_corpus_files_lists_supported_files_with_relative_names(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "sub/b.md", "c.HTML", "d.pdf", "e.docx", ".hidden.txt", "sub/image.png"):
        (tmp_path / name).write_text("x")
    names = [name for _, name in corpus_files(tmp_path)]
    assert names == ["a.txt", "c.HTML", "d.pdf", "sub/b.md"]
