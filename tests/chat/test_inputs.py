"""What a question and a history may hold (qa.chat.inputs): the rules every entry point shares."""

from __future__ import annotations

import pytest

from qa.chat.inputs import READ_CHARS, USED_TURNS, clean_history, clean_question, history_turns, plain_text
from qa.errors import BadRequest
from qa.schema import Turn


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("<script>alert(1)</script> Who made which offer?", "Who made which offer?"),
        ("<SCRIPT type='x'>var a = 1;\nalert(a)</SCRIPT>Who is <b>Bukele</b>?", "Who is Bukele ?"),
        ("<style>p { color: red }</style>What is CECOT?", "What is CECOT?"),
        ("\x1b[31mWho made which offer?\x1b[0m", "Who made which offer?"),
        ("How many\x1b[1;4m inmates\x1b[K can CECOT hold?", "How many inmates can CECOT hold?"),
        ("\x1b]0;window title\x07Who is Rubio?", "Who is Rubio?"),
        ("\x1b(BWho is Rubio?", "Who is Rubio?"),
        ("\x9b31mWho is Rubio?", "Who is Rubio?"),
        ("\x1bWho is Rubio?", "Who is Rubio?"),  # a lone ESC: the word after it stays whole
        ("Who \ud800is Rubio?", "Who is Rubio?"),
        ("Is 3<x and y>2?", "Is 3<x and y>2?"),  # no tags, no markup removed
        ("<scriptless> question", "<scriptless> question"),
    ],
)
def test_questions_are_read_as_typed_text(typed: str, read: str) -> None:
    assert plain_text(typed) == read


def test_refused_questions() -> None:
    with pytest.raises(BadRequest, match="please type a question"):
        clean_question("<script>Who made which offer?</script>\x1b[0m", 2000)
    with pytest.raises(BadRequest, match="the question must be text"):
        clean_question(b"Who?", 2000)
    with pytest.raises(BadRequest, match="the limit is 10"):
        clean_question("Who made which offer?", 10)


def test_history_entries_are_cleaned_like_questions() -> None:
    typed = Turn("Who is \ud800Bukele?", "\x1b[1mNayib Bukele\x1b[0m <b>is</b> president.")
    turns = clean_history([typed], 200, 20_000)
    assert turns == [Turn("Who is Bukele?", "Nayib Bukele is president.")]
    # quoted sentences are matched against the documents: only what no encoder takes goes
    (kept,) = clean_history([Turn("q", "a", ("Two  spaces\nand \udc80 a newline",))], 200, 20_000)
    assert kept.quotes == ("Two  spaces\nand   a newline",)
    kept.quotes[0].encode("utf-8")


def test_long_history_entries_are_cut_between_sentences_or_words() -> None:
    sentence = "The proposal was discussed at length. "
    text = sentence * (READ_CHARS // len(sentence) + 5)
    (turn,) = clean_history([Turn("q", text)], 200, 20_000)
    assert len(turn.answer) <= READ_CHARS and turn.answer.endswith("at length.")
    words = "word " * READ_CHARS
    (turn,) = clean_history([Turn("q", words)], 200, 20_000)
    assert len(turn.answer) <= READ_CHARS and turn.answer.endswith("word") and "wor " not in turn.answer + " "
    (turn,) = clean_history([Turn("q", "x" * (READ_CHARS + 10))], 200, 20_000)
    assert turn.answer == "x" * READ_CHARS  # one word: cut where it must be


def test_history_limits() -> None:
    with pytest.raises(BadRequest, match="the history has 201 turns; the limit is 200"):
        clean_history([Turn("q", "a")] * 201, 200, 20_000)
    with pytest.raises(BadRequest, match="a history entry is 20,001 characters long; the limit is 20,000"):
        clean_history([Turn("q", "a" * 20_001)], 200, 20_000)
    assert len(clean_history([Turn("q", "a")] * 200, 200, 20_000)) == USED_TURNS


@pytest.mark.parametrize("bad", ["everything", [["only one"]], [["q", 3]], {"q": "a"}, [None]])
def test_api_history_shape(bad: object) -> None:
    with pytest.raises(BadRequest, match=r"history must be a list of \[question, answer\] pairs of text"):
        history_turns(bad)
    assert history_turns(None) == []
    assert history_turns([["q", "a"], ("q2", "a2")]) == [Turn("q", "a"), Turn("q2", "a2")]
