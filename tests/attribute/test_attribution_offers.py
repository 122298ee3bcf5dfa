"""Offers made by companies and public bodies, and "who made which offer?" over several documents.

The texts are written for the test: no name in them is known to the rules.
"""

from __future__ import annotations

import pytest

from qa.attribute import Attribution, answer_attribution_question, extract_attributions
from qa.schema import SourceDocument

QUAY = (
    "The Port of Dunmere authority has offered to buy the disused quay for €12 million, its director, "
    "Olav Berg, said on Monday.\n"
    "The logistics firm Kestrel has proposed to lease the quay for 20 years instead.\n"
    "Councillor Ana Ruiz said the council would decide in June.\n"
)
MILL = (
    "The electric bus maker Arvelo has offered jobs to 250 workers who lost their work when the mill "
    "closed, the company's chief executive, Sara Lund, said on Tuesday.\n"
    "Lund said the first buses would leave the plant in the autumn.\n"
)
SCHOOL = "Mayor Tom Hale offered to keep the village school open for another year.\n"


@pytest.fixture(scope="module")
def offers() -> dict[str, list[Attribution]]:
    texts = {"quay.txt": QUAY, "mill.txt": MILL, "school.txt": SCHOOL}
    return {name: extract_attributions(SourceDocument(name, text)) for name, text in texts.items()}


def _offer(found: list[Attribution], speaker: str) -> Attribution:
    return next(a for a in found if a.speaker == speaker)


def test_a_public_body_named_before_its_noun_makes_the_offer(offers: dict[str, list[Attribution]]) -> None:
    port = _offer(offers["quay.txt"], "Port of Dunmere authority")
    assert port.verb == "offered"
    assert port.statement.startswith("to buy the disused quay for €12 million")
    assert port.reported_by == "Olav Berg"


def test_a_firm_named_beside_its_kind_makes_the_offer(offers: dict[str, list[Attribution]]) -> None:
    kestrel = _offer(offers["quay.txt"], "Kestrel")
    assert (kestrel.verb, kestrel.statement) == ("proposed", "to lease the quay for 20 years instead")


def test_what_is_offered_is_part_of_the_offer(offers: dict[str, list[Attribution]]) -> None:
    arvelo = _offer(offers["mill.txt"], "Arvelo")
    assert arvelo.verb == "offered"
    assert arvelo.statement.startswith("jobs to 250 workers who lost their work")


def test_who_made_which_offer_gives_every_documents_first_offer_first(offers: dict[str, list[Attribution]]) -> None:
    found = [*offers["quay.txt"], *offers["mill.txt"], *offers["school.txt"]]
    got = answer_attribution_question("Who made which offer?", found)
    assert got is not None
    assert [a.doc for a in got[:3]] == ["quay.txt", "mill.txt", "school.txt"]
    assert [a.speaker for a in got[:3]] == ["Port of Dunmere authority", "Arvelo", "Tom Hale"]
    assert _offer(found, "Kestrel") in got[3:]  # the first document's second offer, after the others
