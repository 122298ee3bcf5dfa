"""What a question asks, read once per question: the `Intent` every later step is given.

`rewritten` puts a typed question as it is answered (the words pointing at the document dropped,
a follow-up resolved by qa/chat, "Who runs Chile?" as a question about Chile's leader); `read`
reads it once: the answer type, whether it asks for a reply of its own (a summary, a list of
names, who said what), and for a typed question what its short answer must be (reading.py) with
the role, contest or kind of place it names. The special replies' registry (qa/service/replies.py),
the chooser and compose all take the `Intent` instead of reading the question again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from qa.answer.attributed import wants_attribution
from qa.answer.inventory import Kind, inventory_kind
from qa.answer.places import is_country, wants_region
from qa.answer.question import TYPED, QuestionType, question_type, without_document_words
from qa.answer.reading import Reading, asked_role, reading
from qa.answer.summary import wants_summary
from qa.answer.words import LEADING_VERBS
from qa.attribute.questions import asked_speaker, is_attribution_question


@dataclass(frozen=True)
class Intent:
    """One question as the answer steps read it."""

    typed: str  # as the user typed it
    question: str  # as it is answered: resolved against the conversation (`rewritten`)
    qtype: QuestionType  # the kind of answer wanted (question.py)
    reading: Reading | None  # a typed question (who/when/where/how many): what its short answer must be
    role: str | None  # who: the role asked the holder of ("Who is the foreign minister?": "minister")
    region: bool  # where: the kind of place named ("Which region ...?"), a place of that kind wanted
    summary: bool  # "Summarize the article": the document's opening (summary.py)
    inventory: Kind | None  # "Which countries are mentioned?": every name of a kind (inventory.py)
    attribution: bool  # about who said or offered something (qa/attribute/questions.py)
    speaker: str | None  # "What did Reed say about it?": the person whose words are asked for
    said: bool  # asks who said or offered what, or what a named person said (attributed.py)


@lru_cache(maxsize=1024)
def read(question: str, typed: str | None = None, qtype: QuestionType | None = None) -> Intent:
    """The intent of `question` (as answered; `typed`: as the user typed it, default the same),
    of its own answer type unless `qtype` is given."""
    kind = question_type(question) if qtype is None else qtype
    as_typed = question if typed is None else typed
    return Intent(
        typed=as_typed,
        question=question,
        qtype=kind,
        reading=reading(question, kind) if kind in TYPED else None,
        role=asked_role(question) if kind == "who" else None,
        region=kind == "where" and wants_region(question),
        summary=wants_summary(question),
        inventory=inventory_kind(as_typed) or inventory_kind(question),
        attribution=is_attribution_question(question),
        speaker=asked_speaker(question),
        said=wants_attribution(question),
    )


def rewritten(typed: str, resolve: Callable[[str], str]) -> str:
    """The question as it is answered: without the words that point at the document ("in this
    story" says nothing about the answer, and its "this" is no pronoun to resolve), resolved
    against the conversation by `resolve` (qa/chat), a question about who leads a country put as
    one about its leader."""
    return leader_question(resolve(without_document_words(typed)))


_LEADS = re.compile(rf"who\s+{LEADING_VERBS}\s+(.+)", re.IGNORECASE)


def leader_question(question: str) -> str:
    """ "Who leads/runs/rules Chile?" put as "Who is the leader of Chile?", which asks
    for whoever holds a leader's role there (a president, a king). Only for a country: a body
    ("Who runs the University of Chicago?") is run by anyone or anything."""
    asked = question.strip()
    place = asked.rstrip("?.! ")
    match = _LEADS.fullmatch(place)
    if not match or not is_country(match.group(1)):
        return question
    return f"Who is the leader of {match.group(1)}{asked[len(place) :].strip() or '?'}"
