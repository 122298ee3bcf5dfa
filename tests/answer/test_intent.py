"""The question's intent: read once, and holding what the chooser, compose and the special
replies used to read from the question each on their own."""

from __future__ import annotations

from qa.answer.intent import read, rewritten
from qa.answer.span import options_in, span_options


def test_a_role_question_names_its_role_and_wants_a_short_answer() -> None:
    intent = read("Who is the foreign minister of El Salvador?")
    assert intent.qtype == "who" and intent.role == "minister"
    assert intent.reading is not None and "PERSON" in intent.reading.preference
    assert not (intent.region or intent.summary or intent.inventory or intent.said)


def test_kinds_of_place_are_read_for_their_type_only() -> None:
    assert read("Which region were the Asante and Lunda empires in?").region
    assert not read("Who ruled the region?").region  # a who-question wants no place
    assert read("When did the council approve the plan?").role is None


def test_an_untyped_question_has_no_short_answer_reading() -> None:
    intent = read("Why did the council approve the plan?")
    assert intent.qtype == "other" and intent.reading is None
    assert options_in(intent, "The council approved the plan on Tuesday, March 11, 2025.") == []


def test_the_special_replies_are_read_from_the_question() -> None:
    assert read("Summarize the article").summary
    listed = read("Which countries are mentioned?").inventory
    assert listed is not None and listed.heading == "Countries named"
    said = read("What did Rubio say about the offer?")
    assert said.attribution and said.speaker == "Rubio" and said.said
    # a list asked for as typed stays one, whatever the conversation resolved it to
    resolved = read("Which people are mentioned in the Bukele story?", typed="Which people are mentioned?")
    assert resolved.typed == "Which people are mentioned?" and resolved.inventory is not None


def test_the_options_of_an_intent_are_those_of_its_question() -> None:
    sentence = "The stadium opened in 1923 and was rebuilt in 1995 after a fire."
    question = "When did the stadium open?"
    assert options_in(read(question), sentence) == span_options(question, "when", sentence)
    assert [sentence[o.start : o.end] for o in options_in(read(question), sentence)][:2] == ["1923", "1995"]


def test_rewriting_drops_document_words_resolves_then_asks_for_the_leader() -> None:
    seen: list[str] = []

    def resolve(question: str) -> str:
        seen.append(question)
        return question.replace("there", "Chile")

    assert rewritten("Who runs it there, according to the article?", resolve) == "Who runs it Chile?"
    assert seen == ["Who runs it there?"]  # the follow-up is resolved without the document's words
    assert rewritten("Who runs Chile in this story?", lambda q: q) == "Who is the leader of Chile?"
    assert rewritten("Who runs the University of Chicago?", lambda q: q) == "Who runs the University of Chicago?"
