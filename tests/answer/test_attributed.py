"""Who-said-what questions answered from extracted attributions, every statement cited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.answer.attributed import _verb_phrase, wants_attribution
from qa.attribute.model import Attribution
from qa.cli.main import main
from qa.retrieve.records import PassageRef
from qa.service import QAService


def _check_citations(service: QAService, citations: list[dict]) -> None:
    for c in citations:
        doc = service.document(c["doc"])
        assert doc.text[c["start"] : c["end"]] == c["quote"]
        assert doc.text[c["passage_start"] : c["passage_end"]] == c["passage"]


def test_who_made_which_offer_lists_the_offers_with_citations(article_service: QAService) -> None:
    answer = article_service.ask("Who made which offer?")
    assert not answer.abstained
    # several offers: a list, one cited line each, every line naming who made it
    lines = answer.text.split("\n")
    assert len(lines) == len(answer.citations) >= 2
    assert all(line.startswith("• Nayib Bukele ") for line in lines)
    assert all(f"[{c.n}]" in line for c, line in zip(answer.citations, lines, strict=True))
    assert "accept deportees" in lines[0]
    _check_citations(article_service, [c.to_dict() for c in answer.citations])


@pytest.mark.parametrize(
    ("question", "start"),
    [
        # the words that complete the verb come along: "called" alone would misquote Musk
        ("Who praised the idea?", "Elon Musk called it a “great idea” [1]"),
        # the statement came before the speaker: what follows the verb ("told CNN") comes first
        ("What did Gellman say?", "Mneesha Gellman told CNN: “It is a bizarre"),
        ("Who made which offer?", "Nayib Bukele offered to accept deportees"),
    ],
)
def test_statements_read_as_the_sentence_puts_them(article_service: QAService, question: str, start: str) -> None:
    assert article_service.ask(question).text.removeprefix("• ").startswith(start)


def test_who_relayed_a_statement_is_said_after_the_statements_they_relayed(article_service: QAService) -> None:
    # Rubio relayed three of Bukele's offers; Bukele confirmed the last himself, on X.
    lines = article_service.ask("Who made which offer?").text.split("\n")
    assert [line.endswith("] (according to Rubio)") for line in lines] == [True, True, True, False]
    assert "confirmed" in lines[3] and "[4]" in lines[3] and "according to" not in lines[3]


def test_a_statement_holding_quotation_marks_is_not_quoted_again(article_service: QAService) -> None:
    text = article_service.ask("What did Rubio say?").text
    assert "said President Nayib Bukele “has agreed" in text
    assert "““" not in text and "“President" not in text


def test_an_attribution_answer_lists_the_retrieved_passages_as_any_answer_does(article_service: QAService) -> None:
    from qa.retrieve.hybrid import make_query, retrieve

    question = "Who made which offer?"
    answer = article_service.ask(question)
    assert answer.citations and answer.text.startswith("• Nayib Bukele")  # the attribution path
    catalog = article_service.catalog
    hits, _ = retrieve(
        make_query(question, article_service.encoder.encode([question])[0]), catalog, article_service.settings
    )
    expected = [(catalog.passages[h.index].start, catalog.passages[h.index].end) for h in hits]
    assert [(c.passage_start, c.passage_end) for c in answer.passages] == expected
    assert answer.to_dict()["passages"]


def test_what_did_a_named_person_say(article_service: QAService) -> None:
    answer = article_service.ask("What did Rubio say?")
    assert answer.text.removeprefix("• ").startswith("Marco Rubio")
    assert answer.citations and all(c.doc.endswith(".txt") for c in answer.citations)


def test_a_name_question_is_not_taken_for_an_attribution(article_service: QAService) -> None:
    answer = article_service.ask("What is El Salvador's largest prison called?")
    assert "CECOT" in answer.text or "Terrorism Confinement Center" in answer.text


def test_attribution_answer_through_the_cli(article_service: QAService, capsys: pytest.CaptureFixture[str]) -> None:
    settings = article_service.settings
    where = ["--corpus", str(settings.corpus_dir), "--index", str(Path(settings.index_dir))]
    assert main(["ask", "--json", "--no-sync", *where, "Who offered to take US citizens?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "Bukele" in data["answer"] and data["citations"]
    _check_citations(article_service, data["citations"])


@pytest.mark.parametrize(
    ("question", "about_statements"),
    [
        ("Who offered to jail deportees?", True),
        ("Who made the offer?", True),
        ("Which offers were made?", True),
        ("Who else praised it?", True),
        ("Who first publicly offered to take deportees?", True),
        ("Who had earlier offered to house them?", True),
        ("Who, according to Rubio, offered the deal?", True),
        ("And who offered it?", True),
        ("Who said what?", True),
        ("Who was quoted?", True),
        ("Who spoke?", True),
        ("Which people are quoted?", True),
        # the question's verb is no speech verb: it asks about critics, not about who proposed
        ("Who criticized the proposal?", False),
        ("Who leads the Islamic State that made the claim?", False),
        ("Who is Rubio?", False),
        ("Who was announced as the contractor?", False),  # passive: the one announced, not who announced
        ("Who was added to the party?", False),
        ("Who quoted Bukele?", False),  # who relayed his words, not his words
        ("Who spoke with Bukele?", False),
    ],
)
def test_a_statement_question_is_one_whose_own_verb_is_speech(question: str, about_statements: bool) -> None:
    assert wants_attribution(question) is about_statements


@pytest.mark.parametrize("question", ["Who said what?", "Who is quoted in the article?", "Which people are quoted?"])
def test_who_said_what_names_a_different_speaker_in_each_statement(article_service: QAService, question: str) -> None:
    # It asks for no one and nothing in particular: everyone quoted, one statement each, cited.
    answer = article_service.ask(question)
    assert not answer.abstained
    speakers = [name for name in ("Marco Rubio", "Nayib Bukele", "Leti Volpp") if name in answer.text]
    assert speakers == ["Marco Rubio", "Nayib Bukele", "Leti Volpp"]  # in the article's order
    assert len(answer.citations) >= 3 and len(answer.text.split("\n")) == len(answer.citations)
    _check_citations(article_service, [c.to_dict() for c in answer.citations])


def test_who_criticized_the_proposal_names_the_critic(article_service: QAService) -> None:
    answer = article_service.ask("Who criticized the proposal?")
    assert answer.short_answer == "Mneesha Gellman"


def test_a_short_answer_names_the_speaker_only_when_asked_who(article_service: QAService) -> None:
    assert article_service.ask("Who praised the idea?").short_answer == "Elon Musk"
    # "What did Volpp say?" names her already: the reply leads with what she said
    answer = article_service.ask("What did Volpp say?")
    assert answer.short_answer is None and answer.text.startswith("Leti Volpp told CNN")


def test_a_statement_is_cut_only_between_clauses(article_service: QAService) -> None:
    # the offer to take criminals in custody is long: quoted to a clause boundary, not mid-phrase
    for c in article_service.ask("Who made which offer?").citations:
        sentence_end = c.passage[c.end - c.passage_start :]
        assert not sentence_end or sentence_end[0] in ' ,;:.”"' or c.quote.endswith((".", "”"))
        assert not c.quote.endswith((" even", " the", " a", " of", " in"))


@pytest.mark.parametrize(
    ("after", "phrase"),
    [
        (" told reporters at the port's offices.", "told reporters:"),
        (" told the Harbour Herald on Tuesday.", "told the Harbour Herald:"),
        (" said in an interview with the Herald.", "said in an interview:"),
        (" told a packed meeting of the residents' association.", "told"),
    ],
)
def test_a_statement_before_its_speaker_reads_with_whom_it_was_told(after: str, phrase: str) -> None:
    statement = "This is the last piece of waterfront we can use"
    text = f"“{statement},” Strand{after}"
    speaker = text.index("Strand")
    a = Attribution(
        speaker="Ana Strand",
        speaker_role=None,
        verb=after.split()[0],
        statement=statement,
        doc="d.txt",
        statement_start=1,
        statement_end=1 + len(statement),
        speaker_mention="Strand",
        speaker_start=speaker,
        speaker_end=speaker + len("Strand"),
        sentence_start=0,
        sentence_end=len(text),
        quoted=True,
    )
    assert _verb_phrase(a, PassageRef("p", "d.txt", 0, len(text), text, None)) == phrase
