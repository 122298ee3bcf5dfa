"""The plain-text quotation rules the attribution extractor builds on."""

from __future__ import annotations

from qa.attribute.quotes import extend_back, in_quote, pure_quotes, quotes_of, trim_edges
from qa.ingest.split import split_sentences
from qa.schema import Sentence

TEXT = (
    "The mayor spoke on Monday. “We will rebuild the bridge by spring.” "
    "She said the plan was “fully funded” and would start soon. "
    "“It is late,” a resident said."
)


def _sentences(text: str) -> list[Sentence]:
    return split_sentences(text)


def test_quotes_are_found_with_their_curly_and_straight_marks() -> None:
    text = 'He said “yes” and then "no" and «peut-être».'
    found = [text[a:b] for a, b in quotes_of(text)]
    assert found == ["“yes”", '"no"', "«peut-être»"]


def test_trimmed_statement_loses_its_marks_and_edge_punctuation_but_nothing_inside() -> None:
    text = "“We will rebuild, no matter what.”"
    start, end = trim_edges(text, 0, len(text))
    assert text[start:end] == "We will rebuild, no matter what"


def test_a_statement_mostly_inside_quote_marks_is_a_quote_and_a_paraphrase_is_not() -> None:
    quoted = TEXT.index("We will")
    assert in_quote(quotes_of(TEXT), quoted, quoted + len("We will rebuild the bridge by spring"))
    paraphrase = TEXT.index("She said")
    assert not in_quote(quotes_of(TEXT), paraphrase, TEXT.index(" soon."))


def test_only_a_quote_that_is_a_whole_sentence_stands_alone() -> None:
    sentences = _sentences(TEXT)
    alone = [TEXT[q0:q1] for q0, q1, _, _ in pure_quotes(TEXT, sentences, quotes_of(TEXT))]
    assert alone == ["“We will rebuild the bridge by spring.”"]


def test_a_statement_inside_a_quote_begun_in_an_earlier_sentence_starts_at_the_quote() -> None:
    text = "“The bridge is old. It must go,” the engineer said."
    sentences = _sentences(text)
    assert len(sentences) == 2
    second = sentences[1]
    assert extend_back(second.start, second, quotes_of(text)) == 0
    assert extend_back(second.start, second, []) == second.start
