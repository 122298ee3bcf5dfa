"""The special replies: questions answered by a reply of their own instead of the composed answer.

`REPLIES` is the registry: each handler has a name, whether it applies to the question's intent,
and its reply (None when it finds nothing, and the next one is tried). They are tried in order;
the first that answers wins, and a question none answers gets the composed answer (qa/answer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from qa.answer.attributed import compose_attributed, sentence_text
from qa.answer.compose import NOT_FOUND
from qa.answer.intent import Intent
from qa.answer.inventory import list_names
from qa.answer.quoting import related_passages
from qa.answer.summary import summarize
from qa.attribute.model import Attribution
from qa.attribute.people import acts_in
from qa.attribute.questions import answer_attribution_question, named_speakers
from qa.config import Settings
from qa.ingest.load import LoadError
from qa.retrieve.catalog import Catalog
from qa.retrieve.hybrid import PassageHit
from qa.schema import Answer
from qa.service.inputs import BadRequest

_ATTRIBUTION_DOCS = 3


class Service(Protocol):
    """What the replies read beside the question: the settings and a document's statements."""

    settings: Settings

    def attributions(self, name: str) -> list[Attribution]: ...


@dataclass(frozen=True)
class Asked:
    """One question as the replies read it: its intent (as typed, as resolved against the
    conversation), the passages retrieved for it, and what the conversation already quoted
    (asked "what else")."""

    intent: Intent
    hits: list[PassageHit]
    catalog: Catalog
    seen: tuple[str, ...] = ()


@dataclass(frozen=True)
class Handler:
    """A special reply: its name, whether it applies to a question, and the reply (None: none found)."""

    name: str
    applies: Callable[[Intent], bool]
    reply: Callable[[Asked, Service], Answer | None]


def quoted_in(text: str, quotes: tuple[str, ...]) -> bool:
    """Whether a sentence or statement was quoted (whole, or cut: a quote may be part of it)."""
    return any(q and (q in text or text in q) for q in quotes)


def _summary(asked: Asked, service: Service) -> Answer | None:
    """ "Summarize the article": the opening sentences of the document the request matches best."""
    s = service.settings
    return summarize(asked.intent.question, asked.hits, asked.catalog, s.answer_chars, s.answer.min_quote_chars)


def _listed(asked: Asked, service: Service) -> Answer | None:
    """ "Which countries are mentioned?": every name of that kind in the best-matching document
    ("Which people are mentioned in it?" is about the documents, whatever came before)."""
    kind, s = asked.intent.inventory, service.settings
    assert kind is not None
    return list_names(asked.intent.question, kind, asked.hits, asked.catalog, s.answer_chars, s.inventory_sentences)


def _attributed(asked: Asked, service: Service) -> Answer | None:
    """Who-said-what questions are answered from the statements extracted from the documents
    the retrieved passages come from; None when nothing matches."""
    intent, hits, catalog, seen = asked.intent, asked.hits, asked.catalog, asked.seen
    question, resolved, speaker = intent.typed, intent.question, intent.speaker
    docs = list(dict.fromkeys(catalog.passages[h.index].doc for h in hits[:_ATTRIBUTION_DOCS]))
    found: list[Attribution] = []
    for name in docs:
        try:
            found.extend(service.attributions(name))
        except (BadRequest, LoadError):
            continue
    if speaker and not named_speakers(speaker.split(), found):
        texts = [ref.text for d in docs for ref, _ in catalog.document_sentences(d)]
        if not acts_in(texts, speaker):
            # the person asked about never speaks or acts in the documents: not found, rather
            # than the statements of others that share the question's words
            passages = related_passages(hits, catalog)
            return Answer(question=question, text=NOT_FOUND, abstained=True, passages=passages)
    if not intent.said:
        return None
    unseen = [a for a in found if not quoted_in(a.statement, seen)]
    if speaker and named_speakers(speaker.split(), found) and not named_speakers(speaker.split(), unseen):
        # "What else did she say?" when the last reply quoted all she said: nothing else
        return Answer(question=question, text=NOT_FOUND, abstained=True, passages=related_passages(hits, catalog))
    matches = answer_attribution_question(resolved, unseen, lambda a: sentence_text(catalog, a))
    if not matches:
        return None
    answer = compose_attributed(question, matches, catalog, service.settings.answer_chars)
    if answer is not None:
        # The retrieved passages, as every other answer lists them (related reading in the API).
        answer.passages = related_passages(hits, catalog)
    return answer


REPLIES: tuple[Handler, ...] = (
    Handler("summary", lambda intent: intent.summary, _summary),
    Handler("inventory", lambda intent: intent.inventory is not None, _listed),
    # "What did Reed say about the offer?" names a speaker; "Who offered ...?" asks for statements
    Handler("who said what", lambda intent: intent.attribution and bool(intent.speaker or intent.said), _attributed),
)


def special_reply(asked: Asked, service: Service) -> Answer | None:
    """The first special reply that applies to the question and answers it; None when none does."""
    for handler in REPLIES:
        if handler.applies(asked.intent) and (answer := handler.reply(asked, service)) is not None:
            return answer
    return None
