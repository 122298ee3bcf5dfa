"""Passages and sentences whose offsets point back at exactly their text, for every file type."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.ingest.load import load_document
from qa.ingest.split import quote_frame, split_document, split_sentences
from qa.schema import SourceDocument

SPLITS = [(1000, 0), (300, 60), (120, 30), (100, 0)]


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory, kit) -> dict[str, SourceDocument]:
    folder = tmp_path_factory.mktemp("split")
    kit.write_mixed_corpus(folder)
    docs = {name: load_document(folder / name) for name in kit.GOOD_FILES}
    docs["article.txt"] = load_document(kit.ARTICLE, name="article.txt")
    return docs


def _check_round_trip(doc: SourceDocument, chunk_size: int, chunk_overlap: int) -> None:
    chunks = list(split_document(doc, chunk_size, chunk_overlap))
    assert chunks, doc.name
    for chunk in chunks:
        assert chunk.doc == doc.name
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert chunk.text == chunk.text.strip() and chunk.text
        assert len(chunk.text) <= chunk_size
        assert chunk.sentences, f"{chunk.id} has no sentences"
        for sentence in chunk.sentences:
            assert doc.text[sentence.start : sentence.end] == sentence.text
            assert chunk.start <= sentence.start < sentence.end <= chunk.end
            assert "\n" not in sentence.text
    starts = [c.start for c in chunks]
    assert starts == sorted(starts) and len(set(starts)) == len(starts), "passages out of order or repeated"
    # Every word of the document is in some passage.
    covered = set()
    for chunk in chunks:
        covered.update(range(chunk.start, chunk.end))
    missing = [i for i, ch in enumerate(doc.text) if not ch.isspace() and i not in covered]
    assert not missing, f"{doc.name}: text at {missing[:5]} is in no passage"


@pytest.mark.parametrize(("chunk_size", "chunk_overlap"), SPLITS)
@pytest.mark.parametrize(
    "name", ["article.txt", "harbour.txt", "orchard.md", "glacier.html", "observatory.pdf", "cafe.txt"]
)
def test_offsets_round_trip(
    documents: dict[str, SourceDocument], name: str, chunk_size: int, chunk_overlap: int
) -> None:
    _check_round_trip(documents[name], chunk_size, chunk_overlap)


@pytest.mark.parametrize(("chunk_size", "chunk_overlap"), SPLITS)
def test_repeated_text_is_located_where_it_stands(chunk_size: int, chunk_overlap: int) -> None:
    """Boilerplate lines ("Advertisement") repeat in real documents; each passage must keep its own place."""
    sections = [
        "Section one is about apples and pears grown in the orchard.",
        "Advertisement",
        "Section two is about boats moored in the harbour.",
        "Advertisement",
        "Section three is about trains leaving the station at dawn.",
        "Advertisement",
    ]
    doc = SourceDocument("repeats.txt", "\n\n".join(sections * 6))
    _check_round_trip(doc, chunk_size, chunk_overlap)


def test_pdf_passages_stay_on_one_page_and_know_it(documents: dict[str, SourceDocument]) -> None:
    doc = documents["observatory.pdf"]
    for chunk_size in (1000, 100):
        chunks = list(split_document(doc, chunk_size, 0))
        assert {c.page for c in chunks} == {1, 2}
        for chunk in chunks:
            assert doc.page_at(chunk.start) == chunk.page == doc.page_at(chunk.end - 1)
        keeper = [c for c in chunks if "Bartholomew Quill" in c.text]
        assert keeper and all(c.page == 2 for c in keeper)


def test_documents_without_pages_have_no_page(documents: dict[str, SourceDocument]) -> None:
    assert all(c.page is None for c in split_document(documents["harbour.txt"], 1000, 0))


def test_sentences_split_at_sentence_ends_and_line_breaks() -> None:
    text = "  First sentence here. Second one follows!\nA heading\n\n   Third sentence? Yes."
    sentences = split_sentences(text, offset=10)
    assert [s.text for s in sentences] == [
        "First sentence here.",
        "Second one follows!",
        "A heading",
        "Third sentence?",
        "Yes.",
    ]
    for s in sentences:
        assert text[s.start - 10 : s.end - 10] == s.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The article breaks a line before a full stop: ".“It’s not rooted in any sort of ...”"
        (
            "Elon Musk called it a “great idea”\n.“It’s not rooted in law,” she said.\n"
            ", ; and more.\n.\n.NET is up .5 percent.\n",
            [
                "Elon Musk called it a “great idea”",
                "“It’s not rooted in law,” she said.",
                "and more.",
                ".NET is up .5 percent.",
            ],
        ),
        # Review of 2026-11-29: in a text with straight quotes the sentencizer took the quote
        # opening the next sentence as closing this one, so one quote ended on a stray mark and the
        # next opened mid-quotation.
        (
            '"This is a responsible budget," said Mayor Dana Whitfield, who will sign it on Friday. '
            '"Nobody likes a tax increase." Ortega said the vote followed "months of compromises." '
            'He said: "We agree." "So do we," she said.\n',
            [
                '"This is a responsible budget," said Mayor Dana Whitfield, who will sign it on Friday.',
                '"Nobody likes a tax increase."',
                'Ortega said the vote followed "months of compromises."',
                'He said: "We agree."',
                '"So do we," she said.',
            ],
        ),
        # News text in curly quotes: an opening mark after a full stop, and a quoted question
        # with its speaker after it.
        (
            "The mayor spoke on Monday. “We will rebuild the bridge,” she said. "
            "Residents were unsure. “Is it too late?” one asked. ‘Not yet,’ she replied. "
            "Le maire a répondu. «Nous verrons», a-t-il dit. “Never!” Then she left.\n",
            [
                "The mayor spoke on Monday.",
                "“We will rebuild the bridge,” she said.",
                "Residents were unsure.",
                "“Is it too late?” one asked.",
                "‘Not yet,’ she replied.",
                "Le maire a répondu.",
                "«Nous verrons», a-t-il dit.",
                "“Never!”",
                "Then she left.",
            ],
        ),
    ],
    ids=["stray-full-stop", "straight-quotes", "curly-quotes"],
)
def test_a_sentence_opens_on_its_own_marks(text: str, expected: list[str]) -> None:
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == expected
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_long_sentence_is_clipped_to_its_passages() -> None:
    words = " ".join(f"word{i}" for i in range(120))
    doc = SourceDocument("long.txt", f"Short opener. {words} end.")
    chunks = list(split_document(doc, 150, 0))
    assert len(chunks) > 2
    for chunk in chunks:
        for s in chunk.sentences:
            assert doc.text[s.start : s.end] == s.text
            assert chunk.start <= s.start and s.end <= chunk.end


def test_chunk_id_is_stable(tmp_path: Path) -> None:
    doc = SourceDocument("a.txt", "One sentence. Another sentence.")
    first = [c.id for c in split_document(doc, 1000, 0)]
    assert first == [c.id for c in split_document(doc, 1000, 0)] == ["a.txt:0-31"]


@pytest.mark.parametrize(
    ("sentence", "frame"),
    [
        (
            "“The US is absolutely prohibited from deporting US citizens,” Leti Volpp, a law professor at "
            "UC Berkeley, told CNN.",
            "Leti Volpp, a law professor at UC Berkeley, told CNN",
        ),
        ('He said "this is a long quoted remark" to reporters.', "He said to reporters"),
        ("“It is absolutely a bizarre proposal,” said Rubio.", None),  # two words left: no frame
        ("The Harbour Museum opened in 1911.", None),  # nothing quoted
        ("Legal Challenges With Deporting ‘Violent’ American Criminals", None),  # a scare quote
        ("He called it a “great idea” on X.", None),  # too short to be a quotation
    ],
)
def test_quote_frame_is_what_the_sentence_says_around_its_quotation(sentence: str, frame: str | None) -> None:
    assert quote_frame(sentence) == frame
