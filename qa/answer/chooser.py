"""The one place an answer is chosen: the sentence to lead with, the short answer inside it, and
a sentence it needs beside it.

The candidates come in the learned order (order.py, rerank.py). For a typed question the rules
(span.py) pick a short answer among the best sentences, and the learned ranker (rank.py) weighs
that pick against every other option of them; a question about a role's holder is answered from
the best sentences that mention the role. Any other question gets the learned extractor's short
answer in the chosen sentence when it is sure enough (extracted.py). Compose
(compose.py) only quotes and cites the `Choice`, after the abstention decision (refuse.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from qa.answer.extracted import learned_span, reading_of
from qa.answer.intent import Intent
from qa.answer.order import Candidate
from qa.answer.people import follows
from qa.answer.rank import load_ranker, pool_of, ruled_option
from qa.answer.roles import mentions_role, role_countries
from qa.answer.span import RANK_COST, nearest, options_in, rules_pick
from qa.answer.tokens import Span
from qa.config import Settings
from qa.nlp import parse, parse_all
from qa.retrieve.catalog import Catalog

if TYPE_CHECKING:
    from qa.answer.extract import Extracted
    from qa.answer.readings import Readings

TYPED_POOL = 6  # the best sentences typed answers are read from


@dataclass(frozen=True)
class Choice:
    """What the reply quotes: the sentence it leads with (`main`), the short answer in it (`span`),
    a sentence quoted beside it (`support`), and the short answer's full form there (`named`)."""

    main: Candidate
    span: Span | None
    support: Candidate | None
    named: Span | None = None

    def short(self, catalog: Catalog) -> str | None:
        """The short answer's words: its full form in the support sentence when found, else the span's."""
        if self.named is not None and self.support is not None:
            return catalog.sentences[self.support.sentence.index].text[self.named.start : self.named.end]
        if self.span is None:
            return None
        return catalog.sentences[self.main.sentence.index].text[self.span.start : self.span.end]


def choose(
    intent: Intent, candidates: list[Candidate], catalog: Catalog, settings: Settings, readings: Readings | None = None
) -> Choice:
    """The reply's sentences and short answer: chosen from the sentences that say what the question
    is about (a role, a contest) when there are such, with the best-matching sentence quoted too.
    The reply's `readings` (readings.py) give the extractor's readings the learned ranker weighs."""
    main, span, support = _weighed(intent, pool_for(intent, candidates, catalog), catalog, settings, readings)
    if support is None and main is not candidates[0]:
        support = candidates[0]  # the best-matching sentence is always quoted too
    choice = Choice(main, span, support)
    short = choice.short(catalog)
    # "Johnson" answered as "Sarah Johnson" when another of the best sentences names her in full
    if (
        short
        and short[:1].isupper()
        and intent.qtype == "who"
        and support is None
        and (full := _full_name(intent, short, main, candidates, catalog))
    ):
        return Choice(main, span, full[0], full[1])
    return choice


def with_learned_short(
    choice: Choice, intent: Intent, catalog: Catalog, settings: Settings, readings: Readings | None = None
) -> Choice:
    """The choice with the learned extractor's short answer in its sentence when the rules gave
    none and it is sure enough (extracted.py); asked only of a reply that is given. The reply's
    `readings` (readings.py) give the reading when they hold the chosen sentence."""
    if choice.span is not None or choice.support is not None or not settings.answer.learned_short:
        return choice
    span = learned_span(intent.question, choice.main.sentence.index, catalog, readings=readings)
    return choice if span is None else replace(choice, span=span)


def pool_for(intent: Intent, candidates: list[Candidate], catalog: Catalog) -> list[Candidate]:
    """The candidates to choose from: for a role's holder, the best sentences that mention the role
    (one further down naming a holder, when those do not); else all of them."""
    role = intent.role
    if role:
        # a role's holder is named where the role is, when a sentence of the pool mentions it
        mentioning = _pool_saying(candidates, catalog, lambda text: mentions_role(text, role))
        if (
            mentioning
            and role_countries(intent.question, role)
            and not any(_names_holder(intent, c, catalog) for c in mentioning)
        ):
            # A country's role: the best sentences name it but no holder ("two right-wing leaders"),
            # one further down may. (Not for anything else: "the leader of the populist movement".)
            further = (
                c
                for c in candidates[TYPED_POOL:]
                if mentions_role(catalog.sentences[c.sentence.index].text, role) and _names_holder(intent, c, catalog)
            )
            mentioning += [found] if (found := next(further, None)) else []
        return mentioning or candidates
    return candidates


def _weighed(
    intent: Intent, candidates: list[Candidate], catalog: Catalog, settings: Settings, readings: Readings | None
) -> tuple[Candidate, Span | None, Candidate | None]:
    """The sentence to lead with, the answer inside it, and a sentence it needs beside it: the
    rules' choice, weighed against the other options of the best sentences by the learned ranker
    (qa/answer/rank.py), the words in the chosen sentence also by the extractor's reading of it.
    A speaker found in a neighbouring sentence, or a place of the kind asked for below the best
    sentences, stays the rules' call."""
    typed = intent.reading is not None
    if typed:  # the sentences the rules and the ranker read, parsed in one batch
        parse_all([catalog.sentences[c.sentence.index].text for c in candidates[: load_ranker().pool]])
    main, span, support = rule_choice(intent, candidates, catalog, settings)
    if not typed or support is not None or not settings.answer.learned_spans:
        return main, span, support
    ranker = load_ranker()
    pool = candidates[: ranker.pool]
    if span is not None and intent.region and all(c is not main for c in pool):
        return main, span, support  # "which region": a place of that kind, found further down
    main_text = catalog.sentences[main.sentence.index].text
    if span is not None and intent.qtype == "who" and _answers_preposition(intent, main_text, span):
        return main, span, support  # "Who did Lee say it to?": whom "told" takes
    pooled = pool_of(pool, catalog, ranker.pool)

    def reading(i: int) -> Extracted:
        return reading_of(intent.question, pool[i].sentence.index, catalog, readings)

    ruled = ruled_option(pool, main, span)
    picked = ranker.choose(intent, pooled, ruled, catalog.sentences_lexical.weight, reading)
    if picked is None:
        return main, span, support
    return pool[picked.pooled], picked.span, None


def rule_choice(
    intent: Intent, candidates: list[Candidate], catalog: Catalog, settings: Settings
) -> tuple[Candidate, Span | None, Candidate | None]:
    """The sentence to lead with, the answer inside it, and a sentence it needs beside it, by rule.

    Among sentences nearly as relevant as the best, the one whose entity of the wanted type
    stands closest to the question's own words wins ("President Ann Lee" for "who is the
    president"). When no such sentence names anyone for a who-question, the neighbours of the
    best sentence are read too (a quote whose speaker is named in the sentence before it).
    """
    main = candidates[0]
    if intent.reading is None:
        return main, None, None
    best = _nearest_in_pool(intent, candidates, catalog, settings)
    if best is not None:
        return best
    # A quote's speaker may be named beside it; a role's holder is named where the role is.
    if intent.qtype == "who" and not intent.role:
        siblings = catalog.passage_sentences[main.passage.index]
        position = siblings.index(main.sentence.index) if main.sentence.index in siblings else -1
        for offset in (-1, 1):
            j = position + offset
            if position < 0 or not 0 <= j < len(siblings):
                continue
            span = rules_pick(intent, catalog.sentences[siblings[j]].text)
            if span is not None:
                neighbour = Candidate(replace(main.sentence, index=siblings[j]), main.passage, main.score)
                return neighbour, span, main
    return main, None, None


def _nearest_in_pool(
    intent: Intent, candidates: list[Candidate], catalog: Catalog, settings: Settings
) -> tuple[Candidate, Span, None] | None:
    """The rules' pick among the best sentences nearly as relevant as the first: the best one's
    own when it names a fitting answer near the question's words, else the option nearest them
    (a place of the kind "which region" names, from any sentence of the pool, before all)."""
    main = candidates[0]
    # A question naming the kind of place ("which region") wants a place of that kind (a LOC,
    # not a country or city): any sentence of the pool that names one beats a nearer GPE.
    strict = intent.region
    best: tuple[float, Candidate, Span] | None = None
    best_kind: tuple[float, Candidate, Span] | None = None
    for cand in candidates[:TYPED_POOL]:
        within = cand.score >= main.score - settings.answer.typed_margin
        if not (within or strict):
            continue  # (the learned order need not follow the scores)
        options = options_in(intent, catalog.sentences[cand.sentence.index].text)
        if strict:
            for option in options:
                key = cand.score - settings.answer.gap_cost * min(option.gap, 10)
                if option.rank == 0 and (best_kind is None or key > best_kind[0]):
                    best_kind = (key, cand, option)
        span = nearest(options) if within else None
        if span is None:
            continue
        if cand is main and span.gap <= settings.answer.keep_gap and not strict:
            return main, span, None  # the best sentence names a fitting answer near the question's words
        key = cand.score - settings.answer.gap_cost * min(span.gap + RANK_COST * span.rank, 10)
        if best is None or key > best[0]:
            best = (key, cand, span)
    best = best_kind or best
    return (best[1], best[2], None) if best is not None else None


def _answers_preposition(intent: Intent, sentence: str, span: Span) -> bool:
    """ "Who did Lee say it to?" and the span is what "told" or "to" takes: the rules know the
    answer's place in the sentence, which the learned ranker's features do not see."""
    asked = intent.reading
    return (
        asked is not None
        and asked.preposition is not None
        and follows(asked.preposition, parse(sentence), span, asked.spoken)
    )


def _full_name(
    intent: Intent, short: str, main: Candidate, candidates: list[Candidate], catalog: Catalog
) -> tuple[Candidate, Span] | None:
    """A retrieved sentence naming the answer in full ("Sarah Johnson" where the best one says
    "Johnson"), and that name in it: the reply leads with the full name and quotes it too."""
    for cand in candidates[:TYPED_POOL]:
        if cand is main:
            continue
        text = catalog.sentences[cand.sentence.index].text
        if " " + short not in text:
            continue  # cheap test first: parsing a sentence costs milliseconds
        for option in options_in(intent, text):
            if text[option.start : option.end].endswith(" " + short):
                return cand, option
    return None


def _pool_saying(candidates: list[Candidate], catalog: Catalog, says: Callable[[str], bool]) -> list[Candidate]:
    """The best sentences (the pool typed answers are read from) whose text says what `says` asks."""
    return [c for c in candidates[:TYPED_POOL] if says(catalog.sentences[c.sentence.index].text)]


def _names_holder(intent: Intent, cand: Candidate, catalog: Catalog) -> bool:
    """Whether a sentence names someone holding the role the question asks about."""
    return bool(options_in(intent, catalog.sentences[cand.sentence.index].text))
