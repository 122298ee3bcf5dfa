"""The asking use case: a question (with the conversation so far) in, a cited answer out. The
question is read once into an intent (qa/answer/intent.py); the reply is the first special reply
that answers it (qa/service/replies.py: a summary, a list of names, who said what), else the
composed answer of qa/answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from qa.answer.compose import NOT_FOUND, compose
from qa.answer.intent import read, rewritten
from qa.answer.warm import warm_answering
from qa.attribute.people import gender_in
from qa.chat.followup import already_quoted, resolve, without_topic
from qa.config import Settings
from qa.retrieve.catalog import Catalog
from qa.retrieve.hybrid import PassageHit, make_query, retrieve
from qa.schema import Answer, Turn
from qa.service.inputs import clean_history, clean_question
from qa.service.library import Library
from qa.service.replies import Asked, quoted_in, special_reply
from qa.service.sources import cite_sources


def _unseen(hits: list[PassageHit], seen: tuple[str, ...], catalog: Catalog) -> list[PassageHit]:
    """The retrieved passages without the sentences already quoted."""
    out = []
    for hit in hits:
        kept = tuple(s for s in hit.sentences if not quoted_in(catalog.sentences[s.index].text, seen))
        if kept:
            out.append(replace(hit, sentences=kept))
    return out


class QAService(Library):
    """The library and the questions asked of it: what the UI, the CLI and the benchmarks share."""

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__(settings)
        # how the documents refer back to each person asked about, for the catalog it was read from
        self._genders: tuple[Catalog | None, dict[str, str | None]] = (None, {})

    def warm_up(self) -> None:
        """Load the lazy parts before the first user asks: one throw-away question loads the
        embedding model and the lexical index; the reader, the span extractor and the parser,
        which that question need not reach, are loaded by name (qa/answer/warm.py)."""
        self.ask("Who said what, and when?")
        warm_answering(self.settings)

    def ask(self, question: object, history: Sequence[Turn] = ()) -> Answer:
        """The answer to `question`, follow-ups resolved against `history` (oldest turn first);
        `BadRequest` when either is refused (see qa.chat.inputs)."""
        text = clean_question(question, self.settings.max_question_chars)
        history = clean_history(history, self.settings.max_history_turns, self.settings.max_history_chars)
        catalog = self.catalog
        gender_of = self._gender_of(catalog)
        resolved = rewritten(text, lambda question: resolve(question, history, gender_of))
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
        intent = read(resolved, text)
        vector = self.encoder.encode([resolved])[0]
        query = make_query(resolved, vector)
        hits, sig = retrieve(query, catalog, self.settings)
        if seen:
            hits = _unseen(hits, seen, catalog)
        special = special_reply(Asked(intent, hits, catalog, seen), self)
        if special is not None:
            return special
        # Answer spans are found with the resolved question ("he" -> the person it means).
        return compose(intent, query, hits, sig, catalog, self.settings)
