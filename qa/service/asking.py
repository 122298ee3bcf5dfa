"""The asking use case: a question (with the conversation so far) in, a cited answer out. The
reply is chosen here among the special replies (a summary, a list of names, who said what) and
the composed answer of qa/answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from qa.answer.attributed import compose_attributed, sentence_text, wants_attribution
from qa.answer.compose import NOT_FOUND, compose, related_passages
from qa.answer.inventory import inventory_kind, list_names
from qa.answer.question import without_document_words
from qa.answer.roles import leader_question
from qa.answer.summary import summarize, wants_summary
from qa.attribute.model import Attribution
from qa.attribute.people import acts_in, gender_in
from qa.attribute.questions import (
    answer_attribution_question,
    asked_speaker,
    is_attribution_question,
    named_speakers,
)
from qa.chat.followup import already_quoted, resolve, without_topic
from qa.config import Settings
from qa.ingest.load import LoadError
from qa.retrieve.catalog import Catalog
from qa.retrieve.hybrid import PassageHit, make_query, retrieve
from qa.schema import Answer, Turn
from qa.service.inputs import BadRequest, clean_history, clean_question
from qa.service.library import Library
from qa.service.sources import cite_sources

_ATTRIBUTION_DOCS = 3


@dataclass(frozen=True)
class Asked:
    """One question as the replies read it: as typed, as resolved against the conversation, the
    passages retrieved for it, and what the conversation already quoted (asked "what else")."""

    typed: str
    resolved: str
    hits: list[PassageHit]
    catalog: Catalog
    seen: tuple[str, ...] = ()


def _quoted_in(text: str, quotes: tuple[str, ...]) -> bool:
    """Whether a sentence or statement was quoted (whole, or cut: a quote may be part of it)."""
    return any(q and (q in text or text in q) for q in quotes)


def _unseen(hits: list[PassageHit], seen: tuple[str, ...], catalog: Catalog) -> list[PassageHit]:
    """The retrieved passages without the sentences already quoted."""
    out = []
    for hit in hits:
        kept = tuple(s for s in hit.sentences if not _quoted_in(catalog.sentences[s.index].text, seen))
        if kept:
            out.append(replace(hit, sentences=kept))
    return out


class QAService(Library):
    """The library and the questions asked of it: what the UI, the CLI and the benchmarks share."""

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__(settings)
        # how the documents refer back to each person asked about, for the catalog it was read from
        self._genders: tuple[Catalog | None, dict[str, str | None]] = (None, {})

    def ask(self, question: object, history: Sequence[Turn] = ()) -> Answer:
        """The answer to `question`, follow-ups resolved against `history` (oldest turn first);
        `BadRequest` when either is refused (see qa.chat.inputs)."""
        text = clean_question(question, self.settings.max_question_chars)
        history = clean_history(history, self.settings.max_history_turns, self.settings.max_history_chars)
        catalog = self.catalog
        # "in this story" says nothing about the answer (and its "this" is no pronoun to resolve)
        resolved = leader_question(resolve(without_document_words(text), history, self._gender_of(catalog)))
        if catalog.empty:
            return Answer(question=text, text=NOT_FOUND, abstained=True, error="the index is empty")
        seen = already_quoted(text, history)
        answer = self._answer(text, resolved, catalog, seen)
        if answer.abstained and (bare := without_topic(resolved)) != resolved:
            # The earlier question's topic, taken along, led nowhere: the follow-up alone may answer.
            retry = self._answer(text, bare, catalog, seen)
            if not retry.abstained:
                answer, resolved = retry, bare
        answer.question = text
        answer.resolved_question = resolved if resolved != text else None
        return cite_sources(answer, catalog)

    def _gender_of(self, catalog: Catalog) -> Callable[[str], str | None]:
        """How the indexed documents refer back to a person (`gender_in`), worked out once per
        name and index: a scan of every sentence costs tens of milliseconds on a large index."""
        if self._genders[0] is not catalog:
            self._genders = (catalog, {})
        known = self._genders[1]

        def gender_of(name: str) -> str | None:
            if name not in known:
                known[name] = gender_in((s.text for s in catalog.sentences), name)
            return known[name]

        return gender_of

    def _answer(self, text: str, resolved: str, catalog: Catalog, seen: tuple[str, ...] = ()) -> Answer:
        """The answer to the resolved question (`text` as typed, for who-said-what's wording),
        quoting nothing of `seen` (what the conversation quoted, when asked what else)."""
        vector = self.encoder.encode([resolved])[0]
        query = make_query(resolved, vector)
        hits, sig = retrieve(query, catalog, self.settings)
        if seen:
            hits = _unseen(hits, seen, catalog)
        asked = Asked(text, resolved, hits, catalog, seen)
        # Replies of their own, tried in this order; the first that answers wins.
        for reply in (self._summary, self._listed, self._attributed):
            if (answer := reply(asked)) is not None:
                return answer
        # Answer spans are found with the resolved question ("he" -> the person it means).
        return compose(resolved, query, hits, sig, catalog, self.settings)

    def _listed(self, asked: Asked) -> Answer | None:
        """ "Which countries are mentioned?": every name of that kind in the best-matching document
        ("Which people are mentioned in it?" is about the documents, whatever came before)."""
        kind = inventory_kind(asked.typed) or inventory_kind(asked.resolved)
        if not kind:
            return None
        s = self.settings
        return list_names(asked.resolved, kind, asked.hits, asked.catalog, s.answer_chars, s.inventory_sentences)

    def _summary(self, asked: Asked) -> Answer | None:
        """ "Summarize the article": the opening sentences of the document the request matches best."""
        if not wants_summary(asked.resolved):
            return None
        s = self.settings
        return summarize(asked.resolved, asked.hits, asked.catalog, s.answer_chars, s.answer.min_quote_chars)

    def _attributed(self, asked: Asked) -> Answer | None:
        """Who-said-what questions are answered from the statements extracted from the documents
        the retrieved passages come from; None when the question is not one or nothing matches."""
        question, resolved, hits, catalog, seen = asked.typed, asked.resolved, asked.hits, asked.catalog, asked.seen
        if not is_attribution_question(resolved):
            return None
        speaker = asked_speaker(resolved)  # "What did Reed say about the offer?"
        if not (speaker or wants_attribution(resolved)):
            return None
        docs = list(dict.fromkeys(catalog.passages[h.index].doc for h in hits[:_ATTRIBUTION_DOCS]))
        found: list[Attribution] = []
        for name in docs:
            try:
                found.extend(self.attributions(name))
            except (BadRequest, LoadError):
                continue
        if speaker and not named_speakers(speaker.split(), found):
            texts = [ref.text for d in docs for ref, _ in catalog.document_sentences(d)]
            if not acts_in(texts, speaker):
                # the person asked about never speaks or acts in the documents: not found, rather
                # than the statements of others that share the question's words
                passages = related_passages(hits, catalog)
                return Answer(question=question, text=NOT_FOUND, abstained=True, passages=passages)
        if not wants_attribution(resolved):
            return None
        unseen = [a for a in found if not _quoted_in(a.statement, seen)]
        if speaker and named_speakers(speaker.split(), found) and not named_speakers(speaker.split(), unseen):
            # "What else did she say?" when the last reply quoted all she said: nothing else
            return Answer(question=question, text=NOT_FOUND, abstained=True, passages=related_passages(hits, catalog))
        matches = answer_attribution_question(resolved, unseen, lambda a: sentence_text(catalog, a))
        if not matches:
            return None
        answer = compose_attributed(question, matches, catalog, self.settings.answer_chars)
        if answer is not None:
            # The retrieved passages, as every other answer lists them (related reading in the API).
            answer.passages = related_passages(hits, catalog)
        return answer
