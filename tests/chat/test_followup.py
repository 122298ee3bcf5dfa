"""Follow-up questions: pronouns resolved from the conversation, then answered like any other."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from qa.chat.followup import already_quoted, resolve, without_topic
from qa.schema import Answer, Turn
from qa.service import QAService


def test_without_history_the_question_is_unchanged() -> None:
    assert resolve("What did she call the proposal?", []) == "What did she call the proposal?"


@pytest.mark.parametrize(
    ("history", "question", "person"),
    [
        (
            [Turn("Who runs the glacier station radio?", "Ingrid Solberg does.")],
            "Where does she work?",
            "Solberg",
        ),
        (
            [Turn("Who is the president of El Salvador?", "Nayib Bukele is the president.")],
            "What did he offer the United States?",
            "Bukele",
        ),
        (
            [Turn("Who spoke to CNN about deporting citizens?", "Leti Volpp, a law professor, told CNN.")],
            "What does she specialize in?",
            "Volpp",
        ),
    ],
)
def test_he_and_she_become_the_person_named(history: list[Turn], question: str, person: str) -> None:
    resolved = resolve(question, history)
    assert person in resolved
    assert " he " not in f" {resolved.lower()} " and " she " not in f" {resolved.lower()} "


def test_the_latest_person_wins() -> None:
    history = [
        Turn("Who is the Secretary of State?", "Marco Rubio is."),
        Turn("Who runs the prison system?", "Nayib Bukele does."),
    ]
    assert resolve("What did he confirm on X?", history) == "What did Bukele confirm on X?"


def _genders(known: dict[str, str]) -> Callable[[str], str | None]:
    return lambda name: known.get(name.split()[-1])


@pytest.mark.parametrize(
    ("question", "person"),
    [
        ("What did she say?", "What did Volpp say?"),  # Rubio, named since, is "he" in the documents
        ("What did he say?", "What did Rubio say?"),
        ("What is her field?", "What is Volpp's field?"),
        ("What did Rubio tell her?", "What did Rubio tell Volpp?"),
    ],
)
def test_a_pronoun_skips_a_person_the_documents_call_the_other(question: str, person: str) -> None:
    history = [Turn("Who is Leti Volpp?", "a law professor"), Turn("What did Rubio say?", "Marco Rubio said …")]
    assert resolve(question, history, _genders({"Rubio": "male", "Volpp": "female"})) == person


def test_a_person_of_unknown_gender_fits_either_pronoun() -> None:
    history = [Turn("Who is Leti Volpp?", "a law professor"), Turn("What did Rubio say?", "Marco Rubio said …")]
    assert resolve("What did she say?", history, _genders({"Rubio": "male"})) == "What did Volpp say?"
    assert resolve("What did she say?", history, _genders({})) == "What did Rubio say?"  # the latest


def test_he_is_someone_the_documents_call_he_before_a_name_the_tagger_guessed() -> None:
    """Review of 2026-11-29: after "Which gangs did Bukele mention?" (the tagger calls Bukele an
    organisation and "MS-13" a person) "he" became MS-13."""
    history = [Turn("Which gangs did Bukele mention?", "Bukele said criminals, be they MS-13 or Tren de Aragua, …")]
    resolved = resolve("Would he take them?", history, _genders({"Bukele": "male"}))
    assert resolved.startswith("Would Bukele take them?")


def test_he_stays_the_person_the_question_named_before_one_the_answer_calls_he() -> None:
    history = [
        Turn("What did Elon Musk say about the plan?", "Elon Musk called it a “great idea” [1]"),
        Turn(
            "Where did Musk say it?", "on X — Trump’s most vocal proponent, Elon Musk, called it a “great idea” on X."
        ),
    ]
    resolved = resolve("Who is he a supporter of?", history, _genders({"Trump": "male"}))
    assert resolved == "Who is Musk a supporter of?"


def test_a_place_is_never_he() -> None:
    """Review of 2026-11-29: after "Who leads El Salvador?" (not found) "he" became "Salvador"."""
    history = [Turn("Who leads El Salvador?", "The documents don't contain an answer to this question.")]
    assert resolve("What did he offer the US?", history, _genders({})) == "What did he offer the US?"


def test_no_fitting_person_leaves_the_pronoun_to_retrieval() -> None:
    history = [Turn("What did Rubio say?", "Marco Rubio said …")]
    assert resolve("Where is she a professor?", history, _genders({"Rubio": "male"})) == "Where is she a professor?"


def test_he_is_the_one_asked_about_before_the_others_the_answer_names() -> None:
    # The answer names Bukele at greater length, but the user asked about Rubio.
    history = [Turn("What did Rubio announce?", "Marco Rubio said President Nayib Bukele offered to take deportees.")]
    assert resolve("Where was he travelling at the time?", history) == "Where was Rubio travelling at the time?"


def test_he_stays_the_one_talked_about_through_a_turn_that_said_he() -> None:
    # The second answer names Bukele, but its question asked about "he", still Rubio.
    history = [
        Turn("Why did Marco Rubio visit El Salvador?", "He was visiting El Salvador to press the government."),
        Turn("What agreement did he sign there?", "President Nayib Bukele has agreed, Rubio said at a signing."),
    ]
    assert resolve("Where did he go next?", history) == "Where did Rubio go next?"


def test_he_is_never_someone_the_question_names() -> None:
    # "How did he describe Bukele's offer?": whoever he is, he is not Bukele
    history = [Turn("Who did Rubio meet in San Salvador?", "President Nayib Bukele and Rubio spoke.")]
    assert resolve("How did he describe Bukele's offer?", history) == "How did Rubio describe Bukele's offer?"


def test_after_a_who_question_he_is_the_one_the_answer_names() -> None:
    history = [Turn("Who did Rubio meet in San Salvador?", "President Nayib Bukele.")]
    assert resolve("What did he offer?", history) == "What did Bukele offer?"


def test_only_what_a_what_is_question_asked_about_replaces_it() -> None:
    # "When did the Apollo program end?" leaves "the Apollo program end", a clause, not a thing.
    history = [Turn("What was the Apollo program?", "…"), Turn("When did the Apollo program end?", "…")]
    assert resolve("Who was its director?", history) == "Who was its director? (the Apollo program end)"


@pytest.mark.parametrize(
    ("before", "question", "resolved"),
    [
        # "it" stands for the clause after it: the question is whole
        ("What is CECOT?", "Is it true that the prison is new?", "Is it true that the prison is new?"),
        ("Who is Leti Volpp?", "Is it true she teaches law?", "Is it true Volpp teaches law? (Leti Volpp)"),
        # a person is no "it": the topic comes along instead
        ("Who is Leti Volpp?", "What is it about?", "What is it about? (Leti Volpp)"),
    ],
)
def test_an_it_that_stands_for_nothing_or_a_person_is_kept(before: str, question: str, resolved: str) -> None:
    assert resolve(question, [Turn(before, "…")]) == resolved


def test_the_topic_taken_along_names_the_person_too() -> None:
    # A client sending questions as typed: the topic is the last question, its "he" named as well.
    history = [Turn("Who is Nayib Bukele?", "President"), Turn("What does he want in return?", "a fee")]
    assert resolve("Where did he confirm it?", history) == "Where did Bukele confirm it? (Bukele want in return)"


@pytest.mark.parametrize(
    ("question", "resolved"),
    [
        ("How big is it?", "How big is CECOT?"),
        ("Who runs its prisons?", "Who runs CECOT's prisons?"),
        ("When was it built?", "When was CECOT built?"),
    ],
)
def test_it_becomes_the_thing_asked_about(question: str, resolved: str) -> None:
    assert resolve(question, [Turn("What is CECOT?", "a prison")]) == resolved


def test_a_topic_with_a_verb_is_taken_along_and_can_be_dropped_again() -> None:
    history = [Turn("Who criticized the proposal?", "Mneesha Gellman")]
    resolved = resolve("What did she call it?", history)
    assert resolved == "What did Gellman call it? (criticized the proposal)"
    assert without_topic(resolved) == "What did Gellman call it?"
    assert without_topic("What is CECOT?") == "What is CECOT?"


def test_possessive_pronoun() -> None:
    history = [Turn("Who is the US Secretary of State?", "Marco Rubio is.")]
    assert resolve("What was the purpose of his visit?", history) == "What was the purpose of Rubio's visit?"


def test_person_from_the_question_beats_an_organisation_in_the_answer() -> None:
    history = [Turn("Who is Mneesha Gellman?", "an Emerson College professor")]
    assert resolve("What did she call the proposal?", history) == "What did Gellman call the proposal?"


@pytest.mark.parametrize(
    ("question", "resolved"),
    [
        ("What is CECOT?", "What is CECOT?"),  # short but whole: a new question, not a follow-up
        ("Who is Rubio?", "Who is Rubio?"),
        ("Why?", "Why? (Bukele ask for in return)"),
        ("How much?", "How much? (Bukele ask for in return)"),
        ("And the fee?", "And the fee? (Bukele ask for in return)"),
    ],
)
def test_a_short_question_leans_on_the_last_one_only_when_incomplete(question: str, resolved: str) -> None:
    history = [Turn("What did Bukele ask for in return?", "a fee")]
    assert resolve(question, history) == resolved


@pytest.mark.parametrize(
    ("before", "question", "resolved"),
    [
        ("Who is Rubio?", "And Bukele?", "Who is Bukele?"),
        ("What did Rubio say?", "What about Musk?", "What did Musk say?"),
        ("Who is the president of El Salvador?", "How about Honduras?", "Who is the president of Honduras?"),
        # no name to swap: the last question's topic comes along instead
        ("What did Bukele ask for in return?", "And the fee?", "And the fee? (Bukele ask for in return)"),
        # the last *named* one is swapped, not the last capitalised words
        (
            "Who is the U.S. Secretary of State Marco Rubio?",
            "And Bukele?",
            "Who is the U.S. Secretary of State Bukele?",
        ),
        # more than a bare name is a question of its own
        ("What did the U.S. pay El Salvador?", "What about Rubio's offer?", "What about Rubio's offer?"),
        ("Who is Rubio?", "and I?", "and I? (Rubio)"),
    ],
)
def test_and_what_about_a_name_asks_the_last_question_about_it(before: str, question: str, resolved: str) -> None:
    assert resolve(question, [Turn(before, "…")]) == resolved


def test_the_topic_comes_from_the_last_question_as_understood() -> None:
    # The page keeps each question as it was resolved; the topic taken along is not taken twice.
    history = [Turn("What did Bukele ask for in return?", "a fee")]
    assert resolve("Why?", history) == "Why? (Bukele ask for in return)"
    history.append(Turn("Why? (Bukele ask for in return)", "…"))
    assert resolve("How much?", history) == "How much? (Bukele ask for in return)"
    history = [Turn("What did Bukele want in return?", "a fee"), Turn("Where did Bukele say that?", "on X")]
    assert resolve("When?", history) == "When? (Bukele say that)"


def test_a_short_whole_question_after_another_topic_is_answered_on_its_own(article_service: QAService) -> None:
    history = [Turn("What did Bukele ask for in return?", "a fee")]
    answer = article_service.ask("What is CECOT?", history)
    assert answer.resolved_question in (None, "What is CECOT?")
    assert "Terrorism Confinement Center" in answer.citations[0].quote


def test_follow_up_is_answered_from_the_history(article_service: QAService) -> None:
    history = [Turn("Who is Mneesha Gellman?", "an Emerson College professor")]
    answer = article_service.ask("What did she call the proposal?", history)
    assert not answer.abstained
    assert "bizarre" in answer.text
    assert answer.resolved_question and "she" not in answer.resolved_question.split()
    assert answer.question == "What did she call the proposal?"


def test_follow_up_about_a_person_in_my_own_words(article_service: QAService) -> None:
    history = [Turn("Who leads El Salvador?", "President Nayib Bukele")]
    answer = article_service.ask("Where would he house the deportees?", history)
    assert not answer.abstained
    assert "Bukele" in (answer.resolved_question or "")
    assert any("jails" in c.quote or "prison" in c.quote for c in answer.citations)
    doc = article_service.document(answer.citations[0].doc)
    for c in answer.citations:
        assert doc.text[c.start : c.end] == c.quote


def test_a_person_is_named_as_the_documents_refer_back_to_them(article_service: QAService) -> None:
    """Only the sentence introducing Bukele says "Nayib"; after it he is "Bukele", as in the answer."""
    history = [Turn("Who made the offer to jail deportees?", "Nayib Bukele offered to accept deportees")]
    answer = article_service.ask("What did he ask for in return?", history)
    assert answer.resolved_question == "What did Bukele ask for in return?"
    assert "in exchange for a fee" in answer.citations[0].quote


def test_she_is_the_woman_asked_about_before_a_man(article_service: QAService) -> None:
    """The article calls Rubio "he" ("during his visit"); Volpp it never calls anything."""
    history = [
        Turn("Who is Leti Volpp?", "a law professor at UC Berkeley"),
        Turn("What did Rubio announce?", "Marco Rubio said El Salvador’s president offered …"),
    ]
    answer = article_service.ask("What did she say?", history)
    assert answer.resolved_question == "What did Volpp say?"
    assert "absolutely prohibited" in answer.citations[0].quote
    answer = article_service.ask("What did he say?", history)
    assert answer.resolved_question == "What did Rubio say?"


def test_how_many_inmates_can_it_hold_after_the_offer(article_service: QAService) -> None:
    """The issue's own chain: the topic of "what did he ask for in return?" leads nowhere for
    "it", so the follow-up is answered on its own."""
    history: list[Turn] = []
    for question in ("Who made which offer?", "What did he ask for in return?"):
        answer = article_service.ask(question, history)
        quotes = tuple(c.quote for c in answer.citations)
        history.append(Turn(answer.resolved_question or question, answer.text, quotes))
    answer = article_service.ask("How many inmates can it hold?", history)
    assert not answer.abstained
    assert answer.short_answer and "40,000" in answer.short_answer
    assert "CECOT" in answer.citations[0].quote


def test_in_this_story_is_left_out_before_the_conversation_is_read(article_service: QAService) -> None:
    # Its "this" was read as a pronoun, so the last topic came along and nothing was left out.
    answer = article_service.ask(
        "Who is the US Secretary of State in this story?", [Turn("What is CECOT?", "a prison")]
    )
    assert answer.resolved_question == "Who is the US Secretary of State?"
    assert answer.short_answer == "Marco Rubio"


def test_how_the_documents_refer_to_a_person_is_read_once_per_index(
    article_service: QAService, spy: Callable[..., list[str]]
) -> None:
    import qa.service.asking

    calls = spy(qa.service.asking, "gender_in", lambda texts, name: name)
    service = QAService(article_service.settings)  # a second reader of the same index, its own memory
    history = [Turn("Who is Leti Volpp?", "a law professor"), Turn("What did Rubio announce?", "Marco Rubio said …")]
    for _ in range(3):
        assert service.ask("What did she say?", history).resolved_question == "What did Volpp say?"
    assert sorted(set(calls)) == sorted(calls) and calls


def test_a_huge_history_entry_costs_no_time() -> None:
    started = time.perf_counter()
    resolve("Why?", [Turn("a" + " " * 20_000 + "b", "x")])
    resolve("and x" + " " * 1_990 + "x", [Turn("Who is Rubio?", "x")])
    assert time.perf_counter() - started < 0.5  # the regexes were quadratic: over a second


def _talk(service: QAService, questions: list[str]) -> list[Answer]:
    history: list[Turn] = []
    answers = []
    for question in questions:
        answer = service.ask(question, history)
        answers.append(answer)
        history.append(Turn(question, answer.text, tuple(c.quote for c in answer.citations)))
    return answers


def test_what_else_did_she_say_quotes_what_was_not_quoted_yet(article_service: QAService) -> None:
    said, more = _talk(article_service, ["What did Bukele say?", "What else did he say?"])
    shown = {c.quote for c in said.citations}
    assert not more.abstained and not shown & {c.quote for c in more.citations}
    # Gellman said two things about it, both listed at once: nothing else, rather than someone else's words
    said, more = _talk(article_service, ["What did Gellman say about the proposal?", "What else did she say?"])
    assert "bizarre and unprecedented" in said.text and "not rooted in any sort of legal provision" in said.text
    assert more.abstained


def test_what_else_leaves_out_every_sentence_the_conversation_quoted(article_service: QAService) -> None:
    first, more = _talk(article_service, ["What did Bukele offer?", "What else did he offer?"])
    shown = {c.quote for c in first.citations}
    assert not more.abstained and more.citations and not shown & {c.quote for c in more.citations}
    # Both sentences that name CECOT are quoted by the first answer: nothing else is known of it,
    # and sentences sharing none of the question's words are no answer.
    first, more = _talk(article_service, ["What is CECOT?", "What else is known about it?"])
    assert {c.quote for c in first.citations} and more.abstained


def test_which_other_may_be_answered_by_the_sentence_already_quoted() -> None:
    # "Which other gang was named?" may be in the very sentence quoted ("MS-13 or Tren de Aragua")
    history = [Turn("Which gang did Bukele name?", "…", ("be they MS-13 or Tren de Aragua",))]
    assert already_quoted("Which other gang did he name?", history) == ()
    assert already_quoted("Who else did he name?", history) == ("be they MS-13 or Tren de Aragua",)


def test_the_topic_taken_along_drops_the_whole_question_phrase() -> None:
    """Browser review of 2026-11-29: the topic of "How much prize money ...?" began "much ..."."""
    history = [Turn("How much prize money will the winners receive?", "Moreno said the winners would get $50,000.")]
    resolved = resolve("What did Moreno promise to do with it?", history, _genders({}))
    assert resolved == "What did Moreno promise to do with it? (prize money will the winners receive)"


SELF_CONTAINED = [
    "Is it legal for the US to deport its own citizens?",
    "Is it true that the prison is new?",
    "Is it possible to visit the prison?",
    "Who runs the prison and what is its capacity?",
    "Is there a fee?",
]
LEANING = ["What is it like?", "How big is it?", "What did they offer in return?", "Which gangs operate there?"]


@pytest.mark.parametrize("question", SELF_CONTAINED)
def test_a_self_contained_question_is_not_a_follow_up(question: str) -> None:
    # an "it" standing for a clause, a possessive whose owner it names, an existential "there"
    history = [Turn("How much will El Salvador be paid?", "a fee")]
    assert resolve(question, history) == question
    assert resolve(question, []) == question


@pytest.mark.parametrize("question", LEANING)
def test_a_question_pointing_outside_itself_takes_the_topic_along(question: str) -> None:
    history = [Turn("How much will El Salvador be paid?", "a fee")]
    assert resolve(question, history) == f"{question} (will El Salvador be paid)"
    assert resolve(question, []) == question


# Neighbours of the examples, written for the general rule (extraposed "it"), not for it.
_CECOT = [Turn("What is CECOT?", "El Salvador's Terrorism Confinement Center, the country's largest prison.")]
OWN_SUBJECT = [
    "Is it legal for El Salvador to jail American citizens?",  # "for ... to ..."
    "Is it true that Rubio visited Central America?",  # a that-clause
    "Is it clear whether the courts will allow the deportations?",  # a whether-clause
    "How likely is it that the deal will survive a court challenge?",  # the predicate first
    "Was it known that Bukele wanted a fee?",  # a passive
    "Is it a crime to deport a citizen?",  # a noun phrase, a to-clause with its own object
    "Does it seem likely that the plan will go ahead?",  # a linking verb
    "Does it seem that the deal will hold?",
    "Would it be lawful to send citizens to a foreign prison?",
    "Was it Rubio who announced the agreement?",  # a cleft
    # held out while the rule was written, checked after it (15 of 16 then; this one's "reported"
    # was tagged a past tense, which after "was it" can only be a participle)
    "Was it reported that Musk supported the idea?",
    "How hard is it to deport a legal resident?",
    "Is it certain that the prison will take American inmates?",
]
THING_ASKED_ABOUT = [
    "Is it legal?",  # no clause: "it" is the prison
    "Is it big enough for 40,000 inmates?",  # "for" without a clause
    "Is it likely to pass?",  # "likely to" shares the subject
    "Is it able to hold more prisoners?",
    "Is it designed to hold gang members?",  # a passive's to-clause shares it too
    "Is it easy to find?",  # the to-clause's object is "it"
    "Is it true?",
    "Is it sure to be approved?",  # held out, as above
    "Is it large enough to hold them all?",
    "Is it ready to receive deportees?",
]


@pytest.mark.parametrize("question", OWN_SUBJECT)
def test_an_extraposed_it_leaves_the_question_as_typed(question: str) -> None:
    assert resolve(question, _CECOT) == question
    assert resolve(question, []) == question


@pytest.mark.parametrize("question", THING_ASKED_ABOUT)
def test_an_it_without_a_clause_of_its_own_is_the_thing_asked_about(question: str) -> None:
    resolved = resolve(question, _CECOT)
    assert "CECOT" in resolved and resolved != question
    assert resolve(question, []) == question


def test_a_question_with_its_own_subject_is_asked_as_typed_after_another_topic(article_service: QAService) -> None:
    """Issue 23: after a question about the fee, "Is it legal for the US to deport its own
    citizens?" was asked as "Is the fee legal for ...?" and missed the law professor's answer."""
    question = "Is it legal for the US to deport its own citizens?"
    fee = article_service.ask("How large is the fee?")
    history = [Turn("How large is the fee?", fee.text, tuple(c.quote for c in fee.citations))]
    alone, followed = article_service.ask(question), article_service.ask(question, history)
    assert followed.resolved_question is None
    assert followed.text == alone.text
    assert any("absolutely prohibited from deporting US citizens" in c.quote for c in followed.citations)
    # a question leaning on the conversation is still rewritten
    leaning = article_service.ask("What is it like?", [Turn("What is CECOT?", "the largest prison")])
    assert leaning.resolved_question == "What is CECOT like?"
    assert not leaning.abstained and "largest and newest prison" in leaning.citations[0].quote
