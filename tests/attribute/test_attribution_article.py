"""The article's attributed statements, labelled by hand, against what the extractor finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.attribute import Attribution, extract_attributions
from qa.ingest.load import load_document
from qa.schema import SourceDocument

ARTICLE = Path(__file__).resolve().parents[2] / "corpus" / "el-salvador-deportation-offer.txt"

# (speaker's full name, a distinctive fragment of the statement). Relayed statements count:
# Rubio reports Bukele's offers, so they are Bukele's, reported by Rubio.
GOLD: list[tuple[str, str]] = [
    ("Marco Rubio", "El Salvador’s president offered to accept deportees"),
    ("Nayib Bukele", "to accept deportees from the U.S. of any nationality"),
    ("Marco Rubio", "has agreed to the most unprecedented extraordinary migratory agreement"),
    ("Nayib Bukele", "to the most unprecedented extraordinary migratory agreement"),
    ("Nayib Bukele", "accept for deportation any illegal alien"),
    ("Marco Rubio", "He’s also offered to do the same for dangerous criminals"),
    ("Nayib Bukele", "to do the same for dangerous criminals currently in custody"),
    ("Nayib Bukele", "We are willing to take in only convicted criminals"),
    ("Experts", "any effort by the Trump administration to deport incarcerated U.S. nationals"),
    ("Leti Volpp", "The US is absolutely prohibited from deporting US citizens"),
    ("Elon Musk", "great idea"),
    ("Mneesha Gellman", "It is a bizarre and unprecedented proposal"),
    ("Mneesha Gellman", "It’s not rooted in any sort of legal provision"),
]
NAMED = {"Marco Rubio", "Nayib Bukele", "Leti Volpp", "Elon Musk", "Mneesha Gellman"}


@pytest.fixture(scope="module")
def doc() -> SourceDocument:
    return load_document(ARTICLE)


@pytest.fixture(scope="module")
def found(doc: SourceDocument) -> list[Attribution]:
    return extract_attributions(doc)


def _match(found: list[Attribution], gold: list[tuple[str, str]]) -> tuple[int, int]:
    """(extractions matching a gold item, gold items matched), each gold item used once."""
    free = list(gold)
    hits = 0
    for a in found:
        item = next((g for g in free if g[0] == a.speaker and g[1] in a.statement), None)
        if item is not None:
            free.remove(item)
            hits += 1
    return hits, len(gold) - len(free)


def test_precision_and_recall_at_least_90_percent(found: list[Attribution]) -> None:
    hits, recalled = _match(found, GOLD)
    precision, recall = hits / len(found), recalled / len(GOLD)
    print(f"precision {precision:.2f} ({hits}/{len(found)}), recall {recall:.2f} ({recalled}/{len(GOLD)})")
    assert precision >= 0.9 and recall >= 0.9


def test_named_speakers_are_full_names(found: list[Attribution]) -> None:
    named = [a for a in found if a.speaker != "Experts"]
    assert {a.speaker for a in named} == NAMED


def test_offsets_round_trip(doc: SourceDocument, found: list[Attribution]) -> None:
    for a in found:
        assert doc.text[a.statement_start : a.statement_end] == a.statement
        assert doc.text[a.speaker_start : a.speaker_end] == a.speaker_mention
        assert a.sentence_start <= a.statement_start < a.statement_end <= a.sentence_end
        assert a.doc == doc.name


def _one(found: list[Attribution], fragment: str) -> Attribution:
    (hit,) = [a for a in found if fragment in a.statement and not a.statement.startswith(("El ", "He’s", "President"))]
    return hit


def test_title_and_pronoun_resolve_to_the_president(found: list[Attribution]) -> None:
    by_title = _one(found, "to accept deportees")
    assert (by_title.speaker, by_title.speaker_mention) == ("Nayib Bukele", "El Salvador’s president")
    assert by_title.reported_by == "Marco Rubio" and by_title.verb == "offered"
    by_pronoun = _one(found, "to do the same")
    assert (by_pronoun.speaker, by_pronoun.speaker_mention) == ("Nayib Bukele", "He")
    assert "U.S. citizens" in by_pronoun.statement


def test_quote_inside_rubios_sentence_is_rubios(found: list[Attribution]) -> None:
    """ "Bukele 'has agreed ...,' Rubio said": the quote is Rubio's; Bukele's agreeing is relayed."""
    quote = [a for a in found if "has agreed" in a.statement]
    assert [(a.speaker, a.verb, a.reported_by) for a in quote] == [("Marco Rubio", "said", None)]
    relayed = _one(found, "to the most unprecedented")
    assert (relayed.speaker, relayed.reported_by) == ("Nayib Bukele", "Marco Rubio")


def test_roles_as_written(found: list[Attribution]) -> None:
    roles = {a.speaker: a.speaker_role for a in found}
    assert roles["Marco Rubio"] == "U.S. Secretary of State"
    assert roles["Nayib Bukele"] == "President"
    assert roles["Leti Volpp"] == "law professor at UC Berkeley"
    assert roles["Mneesha Gellman"] == "Emerson College professor"


def test_x_is_the_platform_not_a_speaker(found: list[Attribution]) -> None:
    musk = [a for a in found if a.speaker == "Elon Musk"]
    assert [(a.verb, a.statement) for a in musk] == [("called", "great idea")]
    assert all(a.speaker_mention not in ("X", "CNN") for a in found)
    confirmed = [a for a in found if a.verb == "confirmed"]
    assert [a.speaker for a in confirmed] == ["Nayib Bukele"]
    assert confirmed[0].statement.endswith("in exchange for a fee") and confirmed[0].quoted


def test_quote_on_its_own_line_continues_the_speaker(found: list[Attribution]) -> None:
    last = _one(found, "not rooted")
    assert last.speaker == "Mneesha Gellman" and last.quoted
