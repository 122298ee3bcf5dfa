"""The short answer (a name, a date, a number, a place) inside a quoted sentence.

`options_in` gathers every candidate in a sentence for a question's intent (intent.py), in named
steps: the fitting entities, the phrases that answer when none does, the narrowing to what the
question asks, the options standing where its relation puts the answer; `nearest` picks the rules'
choice. The rules for each kind of answer live beside this module (places, amounts, dates, roles,
people), the question's reading in reading.py and the `Span` record in tokens.py.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from qa.answer.amounts import amounts, capacities, followed_by, qualified
from qa.answer.dates import calendar_day, era, when_fallbacks
from qa.answer.intent import Intent, read
from qa.answer.people import (
    agent,
    agent_follows,
    follows,
    no_one,
    noun_phrases,
    objects_of,
    person_asked,
    possessed,
)
from qa.answer.places import is_country, may_be_town, names_a_kind, origin, place_follows, place_phrases
from qa.answer.question import ENTITY_LABELS, QuestionType
from qa.answer.reading import Reading
from qa.answer.roles import appositions, descriptions, holds_role, is_role, role_forms, suffixed, titled
from qa.answer.tokens import POSSESSIVE, Span, after_verbs, noun_tail, option, right_after, token_terms
from qa.answer.words import CITY_KINDS, TIME_QUALIFIERS
from qa.attribute.people import titled_name
from qa.nlp import parse
from qa.retrieve.lexical import NAME_PARTICLES, terms

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Span as EntitySpan


RANK_COST = 4


# How far an entity may take the nouns after it ("four" stories, "the University of Chicago" campus).
_TAILS: dict[QuestionType, int] = {"who": 3, "where": 3, "how many": 1}


def span_options(question: str, qtype: QuestionType, sentence: str, every: bool = False) -> list[Span]:
    """`options_in` for a question given as text, read as of type `qtype`."""
    return options_in(read(question, qtype=qtype), sentence, every)


def options_in(intent: Intent, sentence: str, every: bool = False) -> list[Span]:
    """Every possible short answer in `sentence` that the question does not already name: entities of
    a fitting type with the words that complete them, then the phrases that answer when no entity
    does (years, time clauses, place phrases, noun phrases, bare numbers). With `every`, noun
    phrases and bare numbers are options beside the entities too (the learned ranker weighs them).
    Then the options are narrowed to what the question asks (an amount of money, the holder of a
    role, ...), and an option standing where the question's relation puts the answer comes first."""
    asked = intent.reading
    if intent.qtype not in ENTITY_LABELS or asked is None:
        return []
    doc = parse(sentence)
    anchors = {i: w for i, w in enumerate(token_terms(sentence)) if w in asked.terms}
    options = _entity_options(intent, asked, doc, anchors)
    options = _phrase_options(intent, asked, sentence, doc, anchors, options)
    phrases = noun_phrases(asked.terms, doc, anchors, len(asked.preference)) if intent.qtype == "who" else []
    options = _fallback_options(intent, asked, doc, anchors, options, phrases, every)
    options = _narrowed(asked, doc, anchors, options)
    return _related_first(asked, doc, anchors, options, phrases)


def _entity_options(intent: Intent, asked: Reading, doc: Doc, anchors: dict[int, str]) -> list[Span]:
    """The entities of a fitting type the question does not name, each with the words that complete
    it (the nouns after it, a list or nesting of such entities, a title, a qualifier, an era), ranked
    by the type's place in the question's preference."""
    qtype, question = intent.qtype, intent.question
    preference, unit, fallback = asked.preference, asked.unit, len(asked.preference)
    options: list[Span] = []
    named = {
        e.start: e
        for e in doc.ents
        if e.label_ in asked.labels
        and not _asked(e.text, question, asked.terms)
        and not person_asked(e, question)
        # "In which town is the Alder Dam?": not the country, nor the dam's own name
        and (asked.place_kind not in CITY_KINDS or may_be_town(e))
    }
    for ent in named.values():
        if asked.duration and ent.label_ == "CARDINAL":
            continue
        possessive = doc[ent.end - 1].lower_ in POSSESSIVE
        tail = qtype in _TAILS and not possessive
        # where: an organisation before a person's title is where they work ("Alder College
        # professor"); a people or country before one names a kind of person ("the Miami chief")
        works = qtype == "where" and ent.label_ in ("ORG", "FAC")
        end = noun_tail(doc, ent.end, _TAILS[qtype], people=not works) if tail else ent.end
        if qtype == "who" and end < len(doc) and end > ent.end and doc[end].ent_type_ == "PERSON":
            continue  # "Alder College professor" is the title of the person named next
        if qtype == "who" and ent.label_ in ("GPE", "NORP"):
            end = possessed(doc, end)
        if qtype in _CHAINS:
            end = _chain(doc, end, named, _CHAINS[qtype])
        if end == ent.end and possessive and end - 1 > ent.start:
            end -= 1  # "Chile’s" alone answers as "Chile"
        # a title the tagger read as an organisation's name is a person's ("Councilmembers Priya Raman")
        label = "PERSON" if ent.label_ != "PERSON" and titled_name(ent.text) else ent.label_
        rank = preference.index(label) if label in preference else fallback
        if qtype == "where" and (names_a_kind(doc, ent, end) or (not asked.asks_from and origin(doc, ent.start))):
            rank = fallback + 2  # well after place phrases too
        has_unit = bool(unit) and (
            followed_by(doc, end, unit or "")
            or any(t.text.lower().startswith(unit or "") for t in doc[ent.start : end])
        )
        if asked.shape and not asked.shape.search(doc[ent.start : end].text):
            rank += 1
        # the tagger leaves the currency sign out of a sum of money: "$100,000", not "100,000"
        start = ent.start - 1 if ent.start and doc[ent.start - 1].tag_ == "$" else ent.start
        if ent.label_ == "PERSON":
            start, end = titled(doc, start, asked.terms), suffixed(doc, end)
        if qtype == "how many":
            start = qualified(doc, start)
        elif qtype == "when":
            start = calendar_day(doc, start, end)
            start, end = qualified(doc, start, TIME_QUALIFIERS, frozenset()), era(doc, end)
        options.append(option(doc, anchors, start, end, rank, has_unit))
    return options


def _phrase_options(
    intent: Intent, asked: Reading, sentence: str, doc: Doc, anchors: dict[int, str], options: list[Span]
) -> list[Span]:
    """When: years and time clauses outside the entities; where: place phrases, what follows the
    question's verb first; and for "which city" or "which country" the places of that kind."""
    fallback = len(asked.preference)
    if intent.qtype == "when":
        options += when_fallbacks(intent.question, doc, anchors, fallback, options)
    if intent.qtype == "where":
        options += place_phrases(asked.terms, doc, anchors, fallback)
        if places := after_verbs(doc, anchors, place_follows, skip=("ADV", "PRON")):
            # "Where did the Broncos practice?": what follows "practiced at" first
            options = [replace(o, gap=0, rank=0, spread=0.0) if right_after(doc, o, places) else o for o in options]
    if asked.place_kind in CITY_KINDS:  # a city is a place name ("into our new stadium" is none)
        towns = [e for e in doc.ents if may_be_town(e)]
        options = [o for o in options if any(o.start <= e.start_char and e.end_char <= o.end for e in towns)]
    elif asked.place_kind and any(countries := [is_country(sentence[o.start : o.end]) for o in options]):
        # "Which country ...?": a country before any other place (ISO 3166 misses some names)
        options = [o if country else replace(o, rank=o.rank + 2) for o, country in zip(options, countries, strict=True)]
    return options


def _fallback_options(
    intent: Intent,
    asked: Reading,
    doc: Doc,
    anchors: dict[int, str],
    options: list[Span],
    phrases: list[Span],
    every: bool,
) -> list[Span]:
    """Who: noun phrases naming someone by what they do, when no entity answers (or `every`), and
    never an option that is no one; how many: bare numbers the tagger left out."""
    qtype, unit, fallback = intent.qtype, asked.unit, len(asked.preference)
    if qtype == "who" and (every or not options):
        options += [p for p in phrases if p not in options]
    if qtype == "who":
        options = [o for o in options if not no_one(doc, o)]
    if (every or not options) and qtype == "how many" and not asked.duration:
        taken = {t.i for o in options for t in doc.char_span(o.start, o.end, alignment_mode="expand") or ()}
        for token in doc:
            if token.like_num and token.i not in taken and (tt := terms(token.text)) and tt[0] not in asked.terms:
                has_unit = bool(unit) and followed_by(doc, token.i + 1, unit or "")
                options.append(option(doc, anchors, qualified(doc, token.i), token.i + 1, fallback, has_unit))
    return options


def _narrowed(asked: Reading, doc: Doc, anchors: dict[int, str], options: list[Span]) -> list[Span]:
    """The options narrowed to what the question asks: a capacity or not, an amount of money, a
    description of the person named, the holder of the role named."""
    if asked.capacity is False:
        options = capacities(doc, options)  # "How many fans are there now?" asks no capacity
    elif asked.capacity:
        # "What is the capacity of the stadium?": "in front of 18,450 fans" is no answer beside it
        options = [o for o in options if o not in capacities(doc, options)] or options
    if asked.money:
        options = amounts(doc, options)
    if asked.described:
        # Another person or place in the sentence is never what "Who is Reed?" asks for.
        described = descriptions(asked.described, doc)
        options = described if asked.described_name else described + options
    if asked.role:
        forms = role_forms(asked.role)
        held = [t.i for t in doc if is_role(t.lower_, forms)]
        # "Its first curator, Agnes Whitcombe, ...": the name in apposition, whatever the tagger calls it
        appositive = [option(doc, anchors, a, b, len(asked.preference)) for a, b in appositions(doc, held)]
        options += [o for o in appositive if not any((o.start, o.end) == (p.start, p.end) for p in options)]
        set_off = {(o.start, o.end) for o in appositive}
        options = [o for o in options if holds_role(doc, o, held, asked.terms, (o.start, o.end) in set_off)]
    return options


def _related_first(
    asked: Reading, doc: Doc, anchors: dict[int, str], options: list[Span], phrases: list[Span]
) -> list[Span]:
    """First the options standing where the question's relation puts the answer: what the asked
    preposition takes ("with whom"), the doer after a passive's "by"."""
    if asked.preposition:
        # a name the tagger missed after the preposition ("to Reed") is a candidate too
        after = [p for p in phrases if follows(asked.preposition, doc, p, asked.spoken)]
        options = objects_of(asked.preposition, doc, options + [p for p in after if p not in options], asked.spoken)
    elif asked.asks_doer and (agents := after_verbs(doc, anchors, agent_follows)):
        # "The show was headlined by the British rock group Coldplay": the whole agent, first
        doers = [p for j in sorted(agents) if (p := agent(doc, j + 1))]
        options = doers + [o for o in options if o not in doers]
    return options


# Words that join one answer entity to the next: a list ("France and the Netherlands") for names
# and places, a place inside a bigger one ("Sainte Foy in Quebec") for places.
_CHAINS: dict[QuestionType, frozenset[str]] = {
    "who": frozenset({",", "and", "or"}),
    "where": frozenset({",", "and", "or", "in"}),
    "how many": frozenset({"to", "and", "or", "–", "-"}),  # a range: "16,000 to 35,000"
}


def _asked(text: str, question: str, q_terms: frozenset[str]) -> bool:
    """The question already names this entity ("the café in Málaga" names Café de Málaga)."""
    ent_terms = set(terms(text)) - NAME_PARTICLES
    return bool(ent_terms and ent_terms <= q_terms) or text.lower() in question.lower()


def _chain(doc: Doc, end: int, starts: dict[int, EntitySpan], joins: frozenset[str], links: int = 3) -> int:
    """The end of the list or nesting of fitting entities (none the question names) that starts
    with the one ending at `end`."""
    for _ in range(links):
        if end + 1 >= len(doc) or doc[end].lower_ not in joins:
            break
        following = starts.get(end + 1) or (starts.get(end + 2) if doc[end + 1].lower_ == "and" else None)
        if following is None:
            break
        end = noun_tail(doc, following.end)
    return end


def short_answer_span(question: str, qtype: QuestionType, sentence: str) -> Span | None:
    """The entity of the wanted type nearest the question's own words, or None when none fits."""
    return nearest(span_options(question, qtype, sentence))


def rules_pick(intent: Intent, sentence: str) -> Span | None:
    """The rules' short answer in `sentence` for the question (`short_answer_span` of an intent)."""
    return nearest(options_in(intent, sentence))


def rule_key(span: Span) -> tuple[int, float]:
    """How the rules rank options, lower first: a span carrying the counted unit before any
    without, then its distance to the question's words, a less preferred type counting as
    RANK_COST tokens."""
    return (0, span.gap + span.spread) if span.unit else (1, span.gap + span.spread + RANK_COST * span.rank)


def nearest(options: list[Span]) -> Span | None:
    """The option the rules rank first (`rule_key`); one carrying the counted unit is returned as
    standing right by the question's words (gap and rank 0)."""
    best = min(options, key=rule_key, default=None)
    if best is None:
        return None
    return replace(best, gap=0, rank=0) if best.unit else best
