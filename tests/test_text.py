"""Numbers of things are said as a reader says them."""

from qa.text import count


def test_count_says_one_thing_and_many_things() -> None:
    assert count(1, "document") == "1 document"
    assert count(0, "passage") == "0 passages"
    assert count(2048, "file") == "2,048 files"
