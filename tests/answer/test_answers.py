"""Answers quote the documents exactly, cite where, and refuse when the documents don't say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.answer import order
from qa.answer.abstain import (
    base_threshold,
    evidence,
    fitted,
    known_term,
    reader_best,
    refusal_threshold,
    unknown_names,
)
from qa.answer.compose import NOT_FOUND
from qa.answer.fitted import ABSTENTION_FILE
from qa.answer.intent import leader_question
from qa.answer.question import question_type
from qa.answer.quoting import asked_region, own_length, worth_quoting
from qa.answer.reading import asked_role
from qa.answer.readings import Readings
from qa.answer.refuse import extractor_gap
from qa.answer.roles import role_countries
from qa.config.settings import AnswerWeights
from qa.retrieve.hybrid import make_query, retrieve
from qa.retrieve.lexical import terms
from qa.schema import Answer, Citation
from qa.service import BadRequest, QAService

ANSWERABLE = [
    ("What is the largest prison in El Salvador called?", "CECOT"),
    ("Which law professor at UC Berkeley spoke to CNN?", "Volpp"),
    ("How did Elon Musk describe the plan?", "great idea"),
    ("What is the maximum capacity of the Terrorism Confinement Center?", "40,000"),
]
OFF_TOPIC = [
    "What is the recipe for pupusas?",
    "How tall is the Eiffel Tower?",
    "Which team won the 1998 football World Cup?",
]


def _check_citation(service: QAService, c: Citation) -> None:
    doc = service.document(c.doc)
    assert doc.text[c.start : c.end] == c.quote
    assert doc.text[c.passage_start : c.passage_end] == c.passage
    assert c.passage_start <= c.start < c.end <= c.passage_end
    assert c.quote and c.quote in c.passage
    if c.span_start is not None:
        assert c.start <= c.span_start < c.span_end <= c.end  # type: ignore[operator]
    assert c.page == doc.page_at(c.start)


@pytest.fixture(scope="module")
def answers(article_service: QAService) -> dict[str, Answer]:
    return {q: article_service.ask(q) for q, _ in ANSWERABLE}


@pytest.mark.parametrize(("question", "expected"), ANSWERABLE)
def test_answerable_question_is_answered_with_citations(
    answers: dict[str, Answer], question: str, expected: str
) -> None:
    answer = answers[question]
    assert not answer.abstained
    assert answer.citations
    assert expected in answer.text
    assert any(expected in c.quote for c in answer.citations)
    for c in answer.citations:
        assert f"[{c.n}]" in answer.text
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))


@pytest.mark.parametrize(("question", "expected"), ANSWERABLE)
def test_citation_quotes_are_document_text(
    article_service: QAService, answers: dict[str, Answer], question: str, expected: str
) -> None:
    answer = answers[question]
    for c in [*answer.citations, *answer.passages]:
        _check_citation(article_service, c)


def test_answers_stay_short(article_service: QAService, answers: dict[str, Answer]) -> None:
    # the budget is a guide: a reply passes it only to finish the phrase a quote was cut in
    for answer in answers.values():
        assert own_length(answer.text) <= article_service.settings.answer_chars * 1.5
        assert len(answer.citations) <= article_service.settings.max_citations


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_question_abstains(article_service: QAService, question: str) -> None:
    answer = article_service.ask(question)
    assert answer.abstained
    assert answer.citations == []
    assert answer.text == NOT_FOUND
    assert answer.short_answer is None


def test_each_file_type_is_answerable_with_exact_citations(mixed_service: QAService) -> None:
    cases = [
        ("Who catalogued the seashells at the Harbour Museum?", "harbour.txt", "Agnes Whitcombe"),
        ("Who planted the quince trees?", "orchard.md", "Tobias Renner"),
        ("What is the name of the radio operator at the glacier station?", "glacier.html", "Ingrid Solberg"),
        ("What does the café in Málaga serve on Sundays?", "cafe.txt", "churros"),
    ]
    for question, doc, expected in cases:
        answer = mixed_service.ask(question)
        assert not answer.abstained, question
        assert answer.citations[0].doc == doc, question
        assert expected in answer.text, question
        for c in answer.citations:
            _check_citation(mixed_service, c)


def test_pdf_citations_carry_their_page(mixed_service: QAService) -> None:
    second = mixed_service.ask("Who was the lighthouse keeper on the island?")
    assert not second.abstained and "Bartholomew Quill" in second.text
    top = second.citations[0]
    assert top.doc == "observatory.pdf" and top.page == 2
    first = mixed_service.ask("When was the observatory on Mount Kerrigan completed?")
    assert not first.abstained and "1974" in first.text
    assert first.citations[0].page == 1
    for c in [*first.citations, *second.citations]:
        _check_citation(mixed_service, c)


def test_html_hidden_text_is_never_quoted(mixed_service: QAService) -> None:
    answer = mixed_service.ask("What does the tracking script marker write?")
    for c in [*answer.citations, *answer.passages]:
        assert "scriptmarker" not in c.passage and "crimson" not in c.passage


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "please type a question"),
        ("   \n\t  ", "please type a question"),
        ("why? " * 20_000, "the limit is"),
        (None, "must be text"),
    ],
)
def test_bad_questions_are_refused_clearly(article_service: QAService, question: object, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        article_service.ask(question)


def test_question_is_normalised(article_service: QAService) -> None:
    answer = article_service.ask("  How did Elon Musk\n describe   the plan?\x00 ")
    assert answer.question == "How did Elon Musk describe the plan?"
    assert "great idea" in answer.text


def test_empty_index_abstains_without_error(fresh) -> None:  # type: ignore[no-untyped-def]
    service = fresh()
    service.sync(show_bar=False)
    answer = service.ask("Who is the president of El Salvador?")
    assert answer.abstained and answer.citations == [] and answer.error


@pytest.mark.parametrize(
    "question",
    ["Which region was Rubio travelling through?", "What region was Rubio on a tour of?"],
)
def test_a_question_naming_the_kind_of_place_gets_that_kind(article_service: QAService, question: str) -> None:
    # El Salvador (a country) stands nearer the question's words in the best sentences, but
    # only "Central America" is a region.
    answer = article_service.ask(question)
    assert answer.short_answer == "Central America"
    first = answer.citations[0]
    _check_citation(article_service, first)
    assert article_service.document(first.doc).text[first.span_start : first.span_end] == "Central America"


@pytest.mark.parametrize(
    ("question", "description"),
    [("Who is Rubio?", "U.S. Secretary of State"), ("Who is Bukele?", "President")],
)
def test_who_is_a_surname_leads_with_how_the_article_introduces_them(
    article_service: QAService, question: str, description: str
) -> None:
    # Most sentences name them by surname beside someone else ("Bukele confirmed his statements to
    # Rubio"); the answer is the title in front of the full name, never the other person.
    answer = article_service.ask(question)
    assert answer.short_answer == description
    first = answer.citations[0]
    assert article_service.document(first.doc).text[first.span_start : first.span_end] == description


@pytest.mark.parametrize("question", ["How much is the fee?", "How large is the fee?"])
def test_a_fee_the_article_does_not_state_is_not_found(article_service: QAService, question: str) -> None:
    # The article says Bukele asked for a fee but never how much; "40,000 inmates" is no fee.
    answer = article_service.ask(question)
    assert answer.abstained and answer.short_answer is None


def test_a_surname_answer_leads_with_the_full_name_quoted_from_its_sentence(fresh) -> None:  # type: ignore[no-untyped-def]
    service = fresh()
    text = "Johnson will open the new bridge over the river in May. Engineer Sarah Johnson designed the new bridge."
    (service.settings.corpus_dir / "bridge.txt").write_text(text + "\n", encoding="utf-8")
    service.sync(show_bar=False)
    answer = service.ask("Who will open the new bridge?")
    assert answer.short_answer == "Sarah Johnson"
    assert answer.text.startswith("Sarah Johnson — Johnson will open")
    highlighted = [text[c.span_start : c.span_end] for c in answer.citations if c.span_start is not None]
    assert highlighted == ["Johnson", "Sarah Johnson"]  # the best sentence's mention, then the full name


def test_a_further_quote_that_does_not_fit_whole_is_cut_to_the_room_left(fresh) -> None:  # type: ignore[no-untyped-def]
    # the quotes alone: a short answer leading the reply would take some of the room measured here
    service = fresh(answer=AnswerWeights(learned_short=False))
    text = (  # three sentences of ~115 characters: two fit whole in 300, the third only in part
        "The harbour bridge was closed for cable repairs in the spring after engineers found cracks "
        "in two of its cables. The harbour bridge cable repairs were paid for by the port authority "
        "out of the reserve fund it keeps for repairs. The harbour bridge reopened in the autumn once "
        "the cable repairs were done, a month later than the city had hoped."
    )
    (service.settings.corpus_dir / "bridge.txt").write_text(text + "\n", encoding="utf-8")
    service.sync(show_bar=False)
    answer = service.ask("What happened with the harbour bridge cable repairs?")
    assert not answer.abstained
    assert len(answer.citations) == service.settings.max_citations == 3
    assert own_length(answer.text) <= service.settings.answer_chars * 1.5
    last = answer.citations[-1]
    assert last.quote in text and len(last.quote) < len(last.passage)  # a cut quote, still verbatim
    # cut where a clause or phrase ends (which sentence comes last is the reader's call)
    after = text[text.index(last.quote) + len(last.quote) :]
    assert after.startswith((",", " out of the", " after engineers", " in the")), after
    assert "…" in answer.text


def test_names_the_documents_never_contain_are_found(article_service: QAService) -> None:
    catalog = article_service.catalog
    assert unknown_names("What did Trump's administration demand of Bukele?", catalog) == []
    assert unknown_names("What did Biden's administration demand of Bukele?", catalog) == ["Biden's"]
    assert unknown_names("Where is the Terrorism Confinement Center?", catalog) == []  # first word never counts
    # a people's name is known where its country is: the article names El Salvador and America
    assert unknown_names("Which Salvadoran official signed?", catalog) == []
    assert unknown_names("Were any American prisoners sent?", catalog) == []
    assert unknown_names("Which German official signed?", catalog) == ["German"]
    assert known_term("salvadoran", {"salvador"}) and known_term("american", {"america"})
    assert not known_term("spanish", {"span"}) and not known_term("german", {"germ"})


def test_words_about_the_document_do_not_pull_the_answer_off(article_service: QAService) -> None:
    answer = article_service.ask("Who is the US Secretary of State in this story?")
    assert answer.short_answer == "Marco Rubio"
    assert answer.question == "Who is the US Secretary of State in this story?"


def abstention_file(folder: Path, **changes: float) -> Path:
    """The packaged abstention file with `changes` (top-level numbers or bars), as a new file."""
    raw = json.loads(ABSTENTION_FILE.read_text(encoding="utf-8"))
    for key, value in changes.items():
        (raw["bars"] if key in raw["bars"] else raw)[key] = value
    path = folder / ("abstention-" + "-".join(f"{k}{v}" for k, v in sorted(changes.items())) + ".json")
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def test_a_question_naming_an_unknown_needs_stronger_evidence(article_service: QAService) -> None:
    # The two questions differ only in the name, and the article never mentions Biden;
    # with the bar for such questions set high, only that one is refused.
    strict = article_service.settings.model_copy(update={"abstain_unknown_name": 100.0})
    service = QAService(strict)
    assert not service.ask("What did the Trump administration demand of other countries?").abstained
    refused = service.ask("What did the Biden administration demand of other countries?")
    assert refused.abstained and refused.text == NOT_FOUND


def test_the_bar_is_higher_for_a_question_naming_nothing_the_documents_name(article_service: QAService) -> None:
    settings = article_service.settings.model_copy(
        update={"abstain_threshold": -2.5, "abstain_nameless": -1.0, "abstain_unknown_name": 0.0}
    )
    catalog = article_service.catalog
    base = base_threshold(catalog, settings)  # -2.5, less the small corpus's relief
    assert base == -2.5 - fitted(settings).small_relief
    assert refusal_threshold("What did Rubio announce?", catalog, settings) == base
    assert refusal_threshold("What did Biden announce?", catalog, settings) == 0.0
    assert refusal_threshold("What did Rubio and Biden announce?", catalog, settings) == 0.0
    assert refusal_threshold("Who announced the offer publicly?", catalog, settings) == -1.0
    assert refusal_threshold("Rubio announced what?", catalog, settings) == -1.0  # a first word says nothing
    # it only ever raises the bar
    lenient = settings.model_copy(update={"abstain_nameless": -9.0, "abstain_unknown_name": -9.0})
    assert refusal_threshold("Who announced the offer publicly?", catalog, lenient) == base
    assert refusal_threshold("What did Biden announce?", catalog, lenient) == base
    # and it decides: the same nameless question, answered or refused by that bar alone
    question = "What does the administration demand of other countries?"
    assert not QAService(settings).ask(question).abstained
    assert QAService(settings.model_copy(update={"abstain_nameless": 100.0})).ask(question).abstained
    assert (
        not QAService(settings.model_copy(update={"abstain_nameless": 100.0}))
        .ask("What does the Trump administration demand of other countries?")
        .abstained
    )


def _evidence(service: QAService, question: str) -> float:
    """The evidence logit the reply to `question` is judged by (compose's inputs, recomputed)."""
    catalog, settings = service.catalog, service.settings
    query = make_query(question, service.encoder.encode([question])[0])
    hits, sig = retrieve(query, catalog, settings)
    first = order.ordered(question, question_type(question), query, hits, catalog, settings)
    found = order.reread(question, first, catalog, settings)
    best = max(found, key=lambda c: c.score)
    cover = order.coverage(query, catalog.sentence_terms[best.sentence.index], catalog)
    gap = extractor_gap(question, Readings.of_first(question, first, catalog, 3), settings)
    return evidence(best, cover, reader_best(question, found, catalog), gap, sig, catalog, settings)


def test_the_bar_is_lower_for_a_corpus_of_a_few_articles(article_service: QAService, tmp_path: Path) -> None:
    # The threshold holds from the fitted size up; one article's worth of sentences or fewer gets
    # the whole relief, sizes between a share by log size. The article has 16 sentences.
    catalog = article_service.catalog
    settings = article_service.settings.model_copy(update={"abstain_threshold": -1.5})

    def bar(**weights: int) -> float:
        changed = settings.model_copy(update={"abstention_file": abstention_file(tmp_path, **weights)})
        return base_threshold(catalog, changed)

    relief = fitted(settings).small_relief
    assert relief > 0
    assert bar() == -1.5 - relief
    assert bar(fitted_sentences=16, small_sentences=2) == -1.5  # the fitted size
    assert bar(fitted_sentences=8, small_sentences=2) == -1.5  # larger
    halfway = bar(fitted_sentences=64, small_sentences=4)  # 16 is halfway between, by log size
    assert halfway == pytest.approx(-1.5 - relief / 2)
    # and it decides: a question near the bar is answered by the article, refused at the fitted size
    question = "Did anyone in Trump's circle support the plan?"
    assert not article_service.ask(question).abstained
    # a bar above its evidence by half the relief: cleared with the relief, not without it
    strict = settings.model_copy(update={"abstain_threshold": _evidence(article_service, question) + relief / 2})
    assert not QAService(strict).ask(question).abstained
    no_relief = strict.model_copy(update={"abstention_file": abstention_file(tmp_path, small_relief=0.0)})
    assert QAService(no_relief).ask(question).abstained


def test_a_small_corpus_weighs_its_best_match_as_the_fitted_corpus_would(
    article_service: QAService, tmp_path: Path
) -> None:
    # The article has 16 sentences; the abstention weights were fitted on far more, among which an
    # unrelated question's best cosine is far higher. Read at the article's own size, these
    # paraphrases (words the answering sentence lacks) were refused.
    settings = article_service.settings
    assert len(article_service.catalog.sentences) < fitted(settings).fitted_sentences
    uncorrected = settings.model_copy(
        update={"abstention_file": abstention_file(tmp_path, fitted_sentences=1)}  # never smaller
    )
    for question, answer in [
        ("Which university does Volpp teach at?", "UC Berkeley"),
        ("Did anyone in Trump's circle support the plan?", "Elon Musk"),
        ("What does the acronym CECOT refer to?", "Terrorism Confinement Center"),
    ]:
        assert QAService(uncorrected).ask(question).abstained
        reply = article_service.ask(question)
        assert not reply.abstained and answer in reply.text
    # what the article does not say is still not found
    assert article_service.ask("What did Democrats in Congress say about the plan?").abstained
    assert article_service.ask("What is the recipe for pupusas?").abstained


def test_long_quote_is_cut_around_the_question_words(article_service: QAService) -> None:
    question = "How big is the prison?"
    query = make_query(question, article_service.encoder.encode([question])[0])
    text = "At first we say nothing at all here, and only at the very end the prison is named."
    start, end = asked_region(text, query, 80) or (0, 0)
    assert text[start:end] == "prison"
    assert asked_region("Nothing asked about here.", query, 80) is None
    # words spread wider than the room: the stretch holding the most different ones
    spread = "The prison was built fast. " + "Nothing more to say here. " * 6 + "How big is it? The prison is big."
    start, end = asked_region(spread, query, 40) or (0, 0)
    assert spread[start:end] == "big is it? The prison is big"
    start, end = asked_region(spread, query, 500) or (0, 0)
    assert spread[start:end] == spread[4 : len(spread) - 1]  # all of them fit: first to last
    answer = article_service.ask(question)
    cut = [c for c in answer.citations if f"…{c.quote}" in answer.text]  # quotes that start mid-sentence
    assert cut, answer.text
    for c in cut:
        assert set(terms(c.quote)) & set(terms(question))


def test_a_cut_further_quote_must_keep_the_question_words(article_service: QAService) -> None:
    settings = article_service.settings
    question = "How big is the prison?"
    query = make_query(question, article_service.encoder.encode([question])[0])
    assert worth_quoting("…the country’s largest and newest prison, with a maximum…", query, settings)
    assert not worth_quoting("…came during his visit to Central America…", query, settings)  # none of its words
    assert not worth_quoting("…the prison…", query, settings)  # too short to say anything


def test_a_date_or_a_name_the_article_never_gives_is_not_found(article_service: QAService) -> None:
    # The article says when only as "during his visit": fine for "when", no answer to "what date".
    assert article_service.ask("On what date did Rubio announce the deal?").abstained
    answer = article_service.ask("When did Rubio announce the deal?")
    assert not answer.abstained and "during his visit" in (answer.short_answer or "")
    # The article never names a capital: its best sentence shares only "El Salvador" with the
    # question, and a short article's headroom had it quoted anyway.
    capital = article_service.ask("What is the capital of El Salvador?")
    assert capital.abstained and capital.passages
    # No sentence says when the prison was built; quoting its capacity would not answer.
    built = article_service.ask("When was CECOT built?")
    assert built.abstained and built.passages  # related reading offered


@pytest.mark.parametrize(
    "question",
    [
        "How many inmates are in CECOT right now?",  # it gives the capacity, not the count
        "How many American prisoners would be sent to El Salvador?",
    ],
)
def test_what_the_article_gives_only_something_near_to_is_not_found(article_service: QAService, question: str) -> None:
    assert article_service.ask(question).abstained


def test_a_capacity_still_answers_how_many_it_can_hold(article_service: QAService) -> None:
    assert article_service.ask("How many inmates can CECOT hold?").short_answer == "40,000 inmates"


def test_who_did_she_say_it_to_is_what_told_takes(article_service: QAService) -> None:
    # The rules read "told CNN" as "said to CNN"; the learned ranker preferred UC Berkeley.
    assert article_service.ask("Who did Volpp say it to?").short_answer == "CNN"


def test_the_words_of_someone_the_article_never_quotes_are_not_found(article_service: QAService) -> None:
    # The article names Trump's administration and his proponent, never his words: quoting Bukele
    # or the experts, who share the question's other words, would answer another question.
    answer = article_service.ask("What did Trump say about the offer?")
    assert answer.abstained and answer.passages  # related reading is still offered
    # naming a speaker of the article elsewhere in the question changes nothing
    assert article_service.ask("What did Trump himself say about Bukele's offer?").abstained
    said = article_service.ask("What did Musk say about the idea?")
    assert not said.abstained and "great idea" in said.text


def test_a_role_the_article_gives_no_one_is_not_found(article_service: QAService) -> None:
    """Review of 2026-11-29: "Who is the foreign minister?" led with "Marco Rubio", from the sentence
    before the one naming the (unnamed) minister; the article never says who holds that role."""
    for question in ("Who is the foreign minister?", "Who is El Salvador's foreign minister?"):
        answer = article_service.ask(question)
        assert answer.abstained, answer.text
    assert article_service.ask("Who is the secretary of state?").short_answer == "Marco Rubio"


def test_who_leads_a_country_is_who_holds_its_leader_s_role(article_service: QAService) -> None:
    """Review of 2026-11-29: "Who leads El Salvador?" was answered "Marco Rubio" (who said El
    Salvador's president offered ...), though "Who is the leader of El Salvador?" was right."""
    for question in ("Who leads El Salvador?", "Who runs El Salvador?", "Who is the leader of El Salvador?"):
        answer = article_service.ask(question)
        assert answer.short_answer and "Nayib Bukele" in answer.short_answer, answer.text
    # the reply says how the question was read
    assert article_service.ask("Who rules El Salvador?").resolved_question == "Who is the leader of El Salvador?"
    # a leader of anything but a country is not looked for further down the pool (code review:
    # "Bukele"): only a country's role is (whether the rest is answered is the abstention's call)
    for question in ("Who is the leader of the populist movement?", "Who is the leader of the Trump administration?"):
        role = asked_role(question)
        assert role and not role_countries(question, role), question
    assert role_countries("Who is the leader of El Salvador?", asked_role("Who is the leader of El Salvador?") or "")
    assert article_service.ask("Who is the leader of the Trump administration?").abstained
    # a body is run by anyone or anything: no leader's role is asked of it
    assert leader_question("Who runs the University of Chicago?") == "Who runs the University of Chicago?"
    assert (
        leader_question("Who led the expansion of the Mongol Empire?") == "Who led the expansion of the Mongol Empire?"
    )


def test_a_country_s_president_is_the_one_the_article_names(article_service: QAService) -> None:
    assert article_service.ask("Who is the president of El Salvador?").short_answer == "Nayib Bukele"


def test_where_a_prison_is_leads_with_its_country(article_service: QAService) -> None:
    assert article_service.ask("Where is CECOT?").short_answer == "El Salvador"


def test_who_commented_on_x_reads_the_words_around_the_statements(article_service: QAService) -> None:
    """Review of 2026-11-29: "Who commented on X?" was not found; "on X" stands beside what Bukele
    and Musk said, not in it."""
    answer = article_service.ask("Who commented on X?")
    assert not answer.abstained
    assert "Elon Musk" in answer.text and "Bukele" in answer.text


def test_a_document_naming_the_question_s_person_answers_first(fresh, kit) -> None:  # type: ignore[no-untyped-def]
    """Review of 2026-11-29: beside a sports story ("After the game he posted on X: ..."), "What did
    Bukele post on X?" quoted the footballer first."""
    cup_final = (
        "Harbor City FC beat Northgate United 3-1 in the cup final on Saturday.\n"
        'Striker Carlos Salvador scored twice. After the game he posted on X: "This one is for the city."\n'
    )
    service: QAService = kit.indexed(fresh(), {"cup-final.txt": cup_final}, article=True)
    answer = service.ask("What did Bukele post on X?")
    assert not answer.abstained
    assert answer.citations[0].doc == kit.ARTICLE_NAME and "convicted criminals" in answer.citations[0].quote
    sports = service.ask("What did Carlos Salvador post on X?")
    assert sports.citations and sports.citations[0].doc == "cup-final.txt"


def test_a_small_unrelated_document_does_not_change_who_holds_a_role(fresh, kit) -> None:  # type: ignore[no-untyped-def]
    """Review of 2026-11-29: beside a three-line council note, the article's other sentence came
    first and "Who is the president of El Salvador?" was answered "Marco Rubio" (who said that
    El Salvador's president offered ...)."""
    council = (
        "The Glimmerwick council met on Tuesday. Councillor Ada Pomfrey said the budget was approved.\n"
        "Residents praised the plan and the harbour repairs will cost 3 million dollars.\n"
        "The mayor of Glimmerwick is Bartholomew Quill, who took office in 2019.\n"
    )
    service: QAService = kit.indexed(fresh(), {"council.txt": council}, article=True)
    for question in ("Who is the president of El Salvador?", "Who is El Salvador's president?"):
        assert service.ask(question).short_answer == "Nayib Bukele"
    assert service.ask("Who is the mayor of Glimmerwick?").short_answer == "Bartholomew Quill"
