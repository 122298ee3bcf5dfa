"""The short answer (a name, a date, a number, a place) inside a quoted sentence."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from qa.answer.question import ENTITY_LABELS, QuestionType
from qa.attribute.lexicon import HUMAN_NOUNS, SPEECH_FORMS
from qa.attribute.lexicon import words as word_set
from qa.attribute.people import clean_name, titled_name
from qa.nlp import parse

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as EntitySpan
from qa.retrieve.lexical import NAME_PARTICLES, terms

_PREFERENCE: dict[QuestionType, tuple[str, ...]] = {
    "who": ("PERSON", "ORG", "GPE", "NORP"),
    "when": ("DATE", "TIME"),
    "where": ("GPE", "LOC", "FAC", "ORG"),
    "how many": ("CARDINAL", "QUANTITY", "MONEY", "PERCENT", "DATE", "TIME"),
}


# "Which team ...", "what company ...": the question asks for a group, not a person.
_GROUPS = re.compile(
    r"\b(?:what|which) (?:\w+ )?(team|group|company|companies|organi[sz]ation|band|party|club|firm|agency|country)"
)
_REGIONS = re.compile(r"\b(region|continent|area|ocean|sea|river|mountains?|desert|valley)\b")
RANK_COST = 4


# "Which country ...", "in what city ...": the kind of place asked for, which a country fits or not
# ("which city-state" is neither).
_PLACE_KIND = re.compile(r"\b(?:what|which)\s+(?:[a-z]+\s+)?(country|city|town|village)(?![-\w])", re.IGNORECASE)
_CITY_KINDS = frozenset({"city", "town", "village"})
# Short and former names in common use that ISO 3166 does not list, with the country they name
# (None: a country of its own, listed apart: England beside the UK, Prussia beside Germany).
_COUNTRY_ALIASES: dict[str, str | None] = {
    **dict.fromkeys(("US", "America"), "US"),
    **dict.fromkeys(("Britain", "Great Britain", "UK", "U.K."), "GB"),
    **dict.fromkeys(("Soviet Union", "USSR"), "SU"),
    **{"Russia": "RU", "Turkey": "TR", "Burma": "MM", "Holland": "NL", "Ivory Coast": "CI"},
    **{"Macedonia": "MK", "Vatican": "VA", "Palestine": "PS"},
    **dict.fromkeys(("England", "Scotland", "Wales", "Northern Ireland", "Czechoslovakia", "Yugoslavia")),
    **dict.fromkeys(("East Germany", "West Germany", "Prussia", "Persia")),
}


@lru_cache(maxsize=1)
def _countries() -> tuple[dict[str, str], dict[str, str]]:
    """Countries' names (lowercased) and codes, present and past (ISO 3166 through pycountry,
    offline), each to the country's code: one key for all of one country's names."""
    import pycountry

    names: dict[str, str] = {}
    codes: dict[str, str] = {}
    for country in [*pycountry.countries, *pycountry.historic_countries]:
        key = next(getattr(country, c) for c in ("alpha_2", "alpha_3", "alpha_4") if getattr(country, c, None))
        for field in ("name", "common_name", "official_name"):
            if value := getattr(country, field, None):
                names.setdefault(value.lower(), key)
        for code in ("alpha_2", "alpha_3"):
            if value := getattr(country, code, None):
                codes.setdefault(value, key)
    return names, codes


def country_key(text: str) -> str | None:
    """The country a name means, one key for all its names ("the U.S.", "the United States",
    "America" -> "US"); None when it names none. A code counts only dotted or of three capitals
    ("LA" is Los Angeles far more often than Laos)."""
    name = clean_name(re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE))
    if name in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[name] or name.lower()
    names, codes = _countries()
    if key := names.get(name.lower()):
        return key
    bare = name.replace(".", "")
    return codes.get(bare) if bare.isupper() and ("." in name or len(bare) == 3) else None


def is_country(text: str) -> bool:
    """ "El Salvador", "the Netherlands", "Russia", "U.S.", "USA"."""
    return country_key(text) is not None


def _may_be_town(ent: EntitySpan) -> bool:
    """A place name that is no country (a region or state still passes). Not an ORG: the small
    tagger calls a few cities one ("Ulaanbaatar"), but people too ("Bukele"), and a town is a fact
    the documents should state."""
    return ent.label_ in ("GPE", "LOC") and not is_country(ent.text)


# "Where is UC Berkeley?", "Where was the Summer Theatre located?": where a named thing is
_WHERE_IS_NAMED = re.compile(
    r"^\s*where\s+(?:is|was|are|were)\s+(?:the\s+)?(?-i:[A-Z])[\w.’'-]*(?:\s+(?:(?-i:[A-Z])|of\b|the\b)[\w.’'-]*)*"
    r"(?:\s+(?:located|based|situated|found|headquartered))?\s*\??\s*$",
    re.IGNORECASE,
)


def place_missing(question: str, short: str | None) -> bool:
    """A question asking which city, town or village with no such place to answer it ("In which
    town is CECOT located?" when the text names only the country), or where a named thing is with
    no place name to answer it ("Where is UC Berkeley?": not "in immigration law"): the
    documents don't say."""
    if short is None:
        return _reading(question, "where").place_kind in _CITY_KINDS
    return bool(_WHERE_IS_NAMED.match(question)) and not any(w[:1].isupper() for w in short.split())


def wants_region(question: str) -> bool:
    """ "Which region ...", "what river ...": the question names the kind of place it wants."""
    return bool(_REGIONS.search(question.lower()))


# Years the tagger calls numbers ("Ögedei (1189—1241)"), ages ago ("3.5 billion years ago", a MONEY
# to it) and a time given as a clause ("while a child was in school"): when-answers with no DATE.
YEARS = re.compile(
    r"\b(?:1[0-9]{3}|20[0-9]{2})s?(?:\s?[–—-]\s?(?:1[0-9]{3}|20[0-9]{2}|[0-9]{2})\b)?\b"  # 1919, 1920–1999
    r"|(?:about |around )?\b[0-9][0-9.,–-]*(?: (?:thousand|million|billion))? years ago\b"  # 3.5 billion years ago
)
_TIME_CLAUSE = re.compile(
    # a period inside the sentence ("the U.S. Secretary") does not end the clause
    r"\b(?:when|while|after|before|until|once|during|since)\b(?:[^,;:.()\"“”]|\.(?=\s?\w)){3,80}",
    re.IGNORECASE,
)

_PHRASE_START = re.compile(r" (?:with|for|of|at|in|to|from|by|on|as|and) ")

_HOW_MANY_UNIT = re.compile(r"\bhow (?:many|much)\s+([a-z]+)")


def _unit(question: str) -> str | None:
    """The counted thing in "how many kilometers ...", singular, compared by its first five letters
    (so "yards" finds "39-yard", "kgs" finds "kg", "kilometers" finds "kilometres")."""
    match = _HOW_MANY_UNIT.search(question.lower())
    if not match:
        return None
    word = match.group(1)
    word = word[:-2] if word.endswith(("ches", "shes", "xes")) else word[:-1] if word.endswith("s") else word
    return word[:5]


def _followed_by(doc: Doc, end: int, unit: str) -> bool:
    """The unit follows within two tokens ("39-yard", "ten days"), with no other number between."""
    for token in doc[end : end + 2]:
        if token.text.lower().startswith(unit):
            return True
        if token.like_num:
            return False
    return False


# "How much is the fee?": an amount of money, so a count of something else ("40,000 inmates") is
# no answer (none found: the documents don't say).
_MONEY_ASKED = re.compile(
    r"\bhow much\b.*\b(?:money|cost|pay|paid|earn|spen[dt]|raise|worth|price|revenue|budget|fund|fee|charge|salar|wage)"
)
# "How much did the price of oil increase?" may be answered by a share ("less than two percent").
_CHANGE = re.compile(r"\b(?:increase|rise|rose|grow|grew|fall|fell|drop|decline|change|cut|reduce)")
_CURRENCY = frozenset(
    {"usd", "eur", "gbp", "chf", "rs", "cents", "yen", "yuan", "lira", "lire", "dinars"}  # signs: is_currency
    | {"dollar", "dollars", "euro", "euros", "pound", "pounds", "franc", "francs", "mark", "marks", "rupees"}
    | {"pesos", "rubles", "roubles", "shillings", "guilders", "crowns", "kronor", "krona", "pence", "florins", "ducats"}
)

# What a how-many question measures decides which kind of number answers it first.
_MEASURES: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"\bhow (?:long|old)\b"), ("DATE", "TIME", "QUANTITY", "CARDINAL")),
    (re.compile(r"\bpercent|\bpercentage\b"), ("PERCENT", "CARDINAL")),
    (_MONEY_ASKED, ("MONEY", "CARDINAL")),
    (re.compile(r"\bhow (?:far|high|tall|large|big|deep|wide|heavy)\b"), ("QUANTITY", "CARDINAL")),
]


# "a maximum capacity of 40,000 inmates" says how many a place can take, which answers "How many
# can it hold?" or "How big is it?", not how many are there or will be sent.
_CAPACITY_ASKED = re.compile(
    r"\b(?:capacity|hold|holds|held|house|fit|accommodate|seat|seats|big|large|size|maximum|max|can|could)\b"
)

# ... and words that ask how many there are at present instead
_NOW = re.compile(r"\b(?:currently|current|now|today|at present|presently|at the moment)\b")


# Words that say how exact a number is, or from or to when a time runs: "over 90 destinations",
# "since the 1950s", "until 1796" (how long), "more than 300".
_QUALIFIERS = frozenset({"over", "about", "around", "nearly", "almost", "approximately", "roughly", "since", "until"})
_QUALIFIER_PAIRS = frozenset({("more", "than"), ("less", "than"), ("fewer", "than"), ("at", "least"), ("up", "to")})


# ... and a date the word that places it: "after their second year", "before 1900", "about 1200"
# (not "since" or "until": "until 1798" reads as a wrong answer to "When was it first measured?").
_TIME_QUALIFIERS = frozenset({"after", "before", "about", "around", "circa", "c."})
_ERAS = frozenset({"BC", "BCE", "AD", "CE", "B.C.", "A.D.", "B.C.E.", "C.E."})  # in capitals: "2015 ad spending"


def _qualified(
    doc: Doc,
    start: int,
    words: frozenset[str] = _QUALIFIERS,
    pairs: frozenset[tuple[str, str]] = _QUALIFIER_PAIRS,
) -> int:
    """The start of a number moved back over the word (or two) that qualifies it."""
    if start >= 2 and (doc[start - 2].lower_, doc[start - 1].lower_) in pairs:
        return start - 2
    if start >= 1 and doc[start - 1].lower_ in words:
        return start - 1
    return start


# A person's title or rank, capitalised right before the name: "King George III", "Major General
# James Abercrombie", "Sayyid Abul Ala Maududi".
_TITLES = word_set(
    "president prime minister secretary senator governor mayor chancellor premier ambassador judge justice "
    "general professor doctor chief ceo chairman commander king queen prince princess emperor empress sultan "
    "shah tsar czar pope saint st. sir lord lady dame duke duchess count baron sayyid sheikh imam rabbi bishop "
    "archbishop cardinal reverend major lieutenant colonel captain admiral sergeant marshal dr. mr. mrs. ms. miss"
)
_SUFFIXES = frozenset({"jr.", "sr.", "jr", "sr"})


def is_title(word: str) -> bool:
    """A person's title or rank ("President", "Secretary", "Dr.")."""
    return word.lower() in _TITLES


def _titled(doc: Doc, start: int, asked: frozenset[str], limit: int = 3) -> int:
    """A person's start moved back over the capitalised titles before the name, unless the
    question gives the title ("Who is the president of El Salvador?": Nayib Bukele)."""
    first = start
    while (
        start > 0
        and first - start < limit
        and doc[start - 1].text[:1].isupper()
        and doc[start - 1].lower_ in _TITLES
        and not set(terms(doc[start - 1].text)) & asked
    ):
        start -= 1
    return start


def _suffixed(doc: Doc, end: int) -> int:
    """A person's end moved over ", Jr." or "Sr."."""
    if end + 1 < len(doc) and doc[end].text == "," and doc[end + 1].lower_ in _SUFFIXES:
        return end + 2
    return end + 1 if end < len(doc) and doc[end].lower_ in _SUFFIXES else end


def _era(doc: Doc, end: int) -> int:
    """A date's end moved over the era after it: "the 2nd century BCE"."""
    return end + 1 if end < len(doc) and doc[end].text in _ERAS else end


def _capacities(doc: Doc, options: list[Span]) -> list[Span]:
    """The options that are not a capacity: no "capacity of" right before them (qualifiers such as
    "up to" aside). "filled to capacity, with 70,000 fans" still counts the fans."""
    kept = []
    for option in options:
        first = _token_at(doc, option.start)
        while (before := _qualified(doc, first)) != first:
            first = before
        if not (first >= 2 and doc[first - 1].lower_ == "of" and doc[first - 2].lower_ == "capacity"):
            kept.append(option)
    return kept


def _amounts(doc: Doc, options: list[Span]) -> list[Span]:
    """The options that are amounts of money: tagged so, or a number with a currency sign or word
    in or right after it."""

    def money(span: Span) -> bool:
        found = doc.char_span(span.start, span.end, alignment_mode="expand")
        if found is None:
            return False
        near = doc[max(found.start - 1, 0) : found.end + 1]  # "CHF 300", "300 dollars"
        return any(t.ent_type_ == "MONEY" or t.is_currency or t.lower_ in _CURRENCY for t in near)

    return [o for o in options if money(o)]


def _calendar_day(doc: Doc, start: int, end: int) -> int:
    """Where a date naming its weekday starts: the tagger takes "the coming fiscal year late
    Tuesday, March 11, 2025" as one date, which answers "When did the council approve it?" as
    "Tuesday, March 11, 2025"."""
    day = next((i for i in range(start + 1, end) if doc[i].lower_ in _DAY_NAMES), None)
    if day is None or any(t.like_num for t in doc[start:day]):
        return start
    return day


def _how_many_preference(question: str, default: tuple[str, ...]) -> tuple[str, ...]:
    lowered = question.lower()
    for pattern, preferred in _MEASURES:
        if pattern.search(lowered):
            return preferred + tuple(label for label in default if label not in preferred)
    return default


@dataclass(frozen=True)
class Span:
    """A short answer inside a sentence, and how far (in tokens) it stands from the question's words.

    `gap` is the distance to the nearest of the question's words and `spread` half the mean distance
    to each of them (spans of one sentence are ranked by both, sentences by `gap`); `rank` is the
    entity type's place in the question type's preference; `unit` says the span carries the unit a
    how-many question counts in ("300 kilometres" for "how many kilometers").
    """

    start: int
    end: int
    gap: int
    rank: int
    unit: bool = False
    spread: float = 0.0


@dataclass(frozen=True)
class _Reading:
    """What a question asks for, read once per question (span_options runs for every candidate)."""

    labels: frozenset[str]
    terms: frozenset[str]
    preference: tuple[str, ...]
    unit: str | None  # how many: the counted thing
    money: bool  # how much: an amount of money
    described: str | None  # who is X: the X
    described_name: bool  # ... and X is a name ("Who is Rubio?"): only a description answers it
    role: str | None  # who is the president of X: "president" (someone the sentence calls so answers)
    won: bool  # who won: the side before "beat" / "defeated"
    owned: str | None  # whose X: the X
    capacity: bool | None  # how many: a capacity asked (True), how many there are now (False), or either
    preposition: str | None  # with whom / by who / who ... to: the preposition
    spoken: bool  # the question's verb is one of speech ("Who did she say it to?": "told CNN" answers)
    shape: re.Pattern[str] | None  # when: what a fitting date holds ("what year": a year)
    asks_from: bool  # where: "... come from?" (else a place things come from is no answer)
    asks_doer: bool  # who: "Who <verb>ed ...?" (so a passive sentence's agent answers)
    place_kind: str | None  # where: "which country", "what city" (a country is no city)
    duration: bool  # how long: a length of time or of road, never a bare count ("two leaders")


_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_DAY_NAMES = frozenset(_WEEKDAYS.split("|"))
# "In what year ...?" wants a year, "what month" a month, "what day of the week" a weekday: dates
# of another shape in the sentence come after those that fit.
_DATE_SHAPES = [
    (re.compile(r"\b(?:what|which) year\b"), re.compile(r"\b\d{3,4}s?\b")),
    (re.compile(r"\b(?:what|which) month\b"), re.compile(rf"\b(?:{_MONTHS})\b", re.IGNORECASE)),
    (
        re.compile(r"\bday of the week\b|\b(?:what|which) day\b"),
        re.compile(rf"\b(?:{_WEEKDAYS})\b|\b\d{{1,2}}\b", re.IGNORECASE),
    ),
    (re.compile(r"\b(?:what|which) century\b"), re.compile(r"\bcentury\b|\b\d{1,2}(?:st|nd|rd|th)\b|\b\d{3,4}s?\b")),
]


_WHEN_ASKED = re.compile(
    r"\s*when\s+(?:was|were|did|do|does|is|are|has|have|had|will|would|could|can|should|might)\b", re.IGNORECASE
)
_CALENDAR_ASKED = re.compile(r"\b(?:what|which) (?:date|day|year|month|century|decade)\b")
_CALENDAR = re.compile(
    rf"\d|\b(?:{_MONTHS}|(?:{_WEEKDAYS})s?|centur(?:y|ies)|decades?|years?|days?|eve|night|today|yesterday|"
    r"tomorrow|weekends?|mornings?|evenings?|afternoons?|"
    r"christmas|easter|spring|summer|autumn|winter)\b",
    re.IGNORECASE,
)


def date_missing(question: str, short: str | None) -> bool:
    """A question asking for a date, day or year whose short answer names none ("On what date did
    Rubio announce the deal?" answered "during his visit"): the documents don't give it. On
    squad-dev the one such answer of 141 was wrong too. Likewise "When was CECOT built?" with no
    time at all to answer it; "When rock folds ..., what does it create?" asks something else."""
    if short is None and _WHEN_ASKED.match(question):
        return True
    return bool(_CALENDAR_ASKED.search(question.lower())) and not (short and _CALENDAR.search(short))


@lru_cache(maxsize=1024)
def _reading(question: str, qtype: QuestionType) -> _Reading:
    lowered = question.lower()
    preference = _PREFERENCE[qtype]
    if qtype == "who" and _GROUPS.search(lowered):
        preference = ("ORG", "NORP", "GPE", "PERSON")
    if qtype == "where" and wants_region(question):
        preference = ("LOC", "GPE", "FAC", "ORG")
    if qtype == "how many":
        preference = _how_many_preference(question, preference)
    match = _WHO_IS.match(question) if qtype == "who" else None
    described = match.group(1) if match else None
    named = described is not None and _is_name(described)
    asked = _PREPOSITION_WHOM.search(lowered) if qtype == "who" else None
    shape = next((form for asks, form in _DATE_SHAPES if asks.search(lowered)), None) if qtype == "when" else None
    return _Reading(
        shape=shape,
        asks_from=bool(_FROM.search(lowered)),
        asks_doer=qtype == "who" and not _NOT_ACTIVE.search(question),
        place_kind=kind.group(1) if qtype == "where" and (kind := _PLACE_KIND.search(lowered)) else None,
        labels=ENTITY_LABELS[qtype],
        terms=frozenset(terms(question)),
        preference=preference,
        unit=_unit(question) if qtype == "how many" else None,
        money=qtype == "how many" and bool(_MONEY_ASKED.search(lowered)) and not _CHANGE.search(lowered),
        described=described,
        described_name=named,
        role=_role(described) if described and not named else None,
        preposition=next((g for g in asked.groups() if g), None) if asked else None,
        spoken=any(w in SPEECH_FORMS or w in _TALK for w in re.findall(r"[a-z]+", lowered)),
        duration=qtype == "how many" and bool(re.search(r"\bhow long\b", lowered)),
        won=qtype == "who" and bool(_WON.match(question)),
        owned=owned.group(1) if qtype == "who" and (owned := _WHOSE.match(question)) else None,
        capacity=(not _NOW.search(lowered) and bool(_CAPACITY_ASKED.search(lowered))) if qtype == "how many" else None,
    )


@lru_cache(maxsize=4096)
def token_terms(sentence: str) -> tuple[str | None, ...]:
    """Each token's search term (None for stop words and punctuation), cached as the parse is."""
    return tuple(tt[0] if (tt := terms(t.text)) else None for t in parse(sentence))


# How far an entity may take the nouns after it ("four" stories, "the University of Chicago" campus).
_TAILS: dict[QuestionType, int] = {"who": 3, "where": 3, "how many": 1}


def span_options(question: str, qtype: QuestionType, sentence: str, every: bool = False) -> list[Span]:
    """Every possible short answer in `sentence` that the question does not already name: entities of
    a fitting type with the words that complete them, then the phrases that answer when no entity
    does (years, time clauses, place phrases, noun phrases, bare numbers). With `every`, noun
    phrases and bare numbers are options beside the entities too (the learned ranker weighs them)."""
    if qtype not in ENTITY_LABELS:
        return []
    asked = _reading(question, qtype)
    doc = parse(sentence)
    anchors = {i: w for i, w in enumerate(token_terms(sentence)) if w in asked.terms}
    preference, unit, fallback = asked.preference, asked.unit, len(asked.preference)
    options: list[Span] = []
    named = {
        e.start: e
        for e in doc.ents
        if e.label_ in asked.labels
        and not _asked(e.text, question, asked.terms)
        and not _person_asked(e, question)
        # "In which town is CECOT?": not El Salvador, nor the prison's own name
        and (asked.place_kind not in _CITY_KINDS or _may_be_town(e))
    }
    for ent in named.values():
        if asked.duration and ent.label_ == "CARDINAL":
            continue
        possessive = doc[ent.end - 1].lower_ in _POSSESSIVE
        tail = qtype in _TAILS and not possessive
        # where: an organisation before a person's title is where they work ("Emerson College
        # professor"); a people or country before one names a kind of person ("the Miami chief")
        works = qtype == "where" and ent.label_ in ("ORG", "FAC")
        end = _noun_tail(doc, ent.end, _TAILS[qtype], people=not works) if tail else ent.end
        if qtype == "who" and end < len(doc) and end > ent.end and doc[end].ent_type_ == "PERSON":
            continue  # "Emerson College professor" is the title of the person named next
        if qtype == "who" and ent.label_ in ("GPE", "NORP"):
            end = _possessed(doc, end)
        if qtype in _CHAINS:
            end = _chain(doc, end, named, _CHAINS[qtype])
        if end == ent.end and possessive and end - 1 > ent.start:
            end -= 1  # "El Salvador’s" alone answers as "El Salvador"
        # a title the tagger read as an organisation's name is a person's ("Councilmembers Priya Raman")
        label = "PERSON" if ent.label_ != "PERSON" and titled_name(ent.text) else ent.label_
        rank = preference.index(label) if label in preference else fallback
        if qtype == "where" and (_names_a_kind(doc, ent, end) or (not asked.asks_from and _origin(doc, ent.start))):
            rank = fallback + 2  # well after place phrases too
        has_unit = bool(unit) and (
            _followed_by(doc, end, unit or "")
            or any(t.text.lower().startswith(unit or "") for t in doc[ent.start : end])
        )
        if asked.shape and not asked.shape.search(doc[ent.start : end].text):
            rank += 1
        # the tagger leaves the currency sign out of a sum of money: "$100,000", not "100,000"
        start = ent.start - 1 if ent.start and doc[ent.start - 1].tag_ == "$" else ent.start
        if ent.label_ == "PERSON":
            start, end = _titled(doc, start, asked.terms), _suffixed(doc, end)
        if qtype == "how many":
            start = _qualified(doc, start)
        elif qtype == "when":
            start = _calendar_day(doc, start, end)
            start, end = _qualified(doc, start, _TIME_QUALIFIERS, frozenset()), _era(doc, end)
        options.append(_option(doc, anchors, start, end, rank, has_unit))
    if qtype == "when":
        options += _when_fallbacks(question, doc, anchors, fallback, options)
    if qtype == "where":
        options += _place_phrases(asked.terms, doc, anchors, fallback)
        if places := _after_verbs(doc, anchors, _place_follows, skip=("ADV", "PRON")):
            # "Where did the Broncos practice?": what follows "practiced at" first
            options = [replace(o, gap=0, rank=0, spread=0.0) if _right_after(doc, o, places) else o for o in options]
    if asked.place_kind in _CITY_KINDS:  # a city is a place name ("into our mega-prison" is none)
        towns = [e for e in doc.ents if _may_be_town(e)]
        options = [o for o in options if any(o.start <= e.start_char and e.end_char <= o.end for e in towns)]
    elif asked.place_kind and any(countries := [is_country(sentence[o.start : o.end]) for o in options]):
        # "Which country ...?": a country before any other place (ISO 3166 misses some names)
        options = [o if country else replace(o, rank=o.rank + 2) for o, country in zip(options, countries, strict=True)]
    phrases = _noun_phrases(asked.terms, doc, anchors, fallback) if qtype == "who" else []
    if qtype == "who" and (every or not options):
        options += [p for p in phrases if p not in options]
    if qtype == "who":
        options = [o for o in options if not _no_one(doc, o)]
    if (every or not options) and qtype == "how many" and not asked.duration:
        taken = {t.i for o in options for t in doc.char_span(o.start, o.end, alignment_mode="expand") or ()}
        for token in doc:
            if token.like_num and token.i not in taken and (tt := terms(token.text)) and tt[0] not in asked.terms:
                has_unit = bool(unit) and _followed_by(doc, token.i + 1, unit or "")
                options.append(_option(doc, anchors, _qualified(doc, token.i), token.i + 1, fallback, has_unit))
    if asked.capacity is False:
        options = _capacities(doc, options)  # "How many inmates are held there now?" asks no capacity
    elif asked.capacity:
        # "What is the capacity of the stadium?": "in front of 18,450 fans" is no answer beside it
        options = [o for o in options if o not in _capacities(doc, options)] or options
    if asked.money:
        options = _amounts(doc, options)
    if asked.described:
        # Another person or place in the sentence is never what "Who is Rubio?" asks for.
        described = _descriptions(asked.described, doc)
        options = described if asked.described_name else described + options
    if asked.role:
        forms = _role_forms(asked.role)
        held = [t.i for t in doc if _is_role(t.lower_, forms)]
        # "Its first curator, Agnes Whitcombe, ...": the name in apposition, whatever the tagger calls it
        appositive = [_option(doc, anchors, a, b, fallback) for a, b in _appositions(doc, held)]
        options += [o for o in appositive if not any((o.start, o.end) == (p.start, p.end) for p in options)]
        set_off = {(o.start, o.end) for o in appositive}
        options = [o for o in options if _holds_role(doc, o, held, asked.terms, (o.start, o.end) in set_off)]
    if asked.won and (beat := next((t.i for t in doc if t.lower_ in _WIN_VERBS), None)) is not None:
        # "Who won Super Bowl 50?": "... champion Denver Broncos defeated the ... Carolina Panthers":
        # the one right before the verb won; the one after it lost
        options = [_winner_first(doc, o, beat) for o in options]
    if asked.owned and (owners := _owners(doc, anchors, asked.owned)):
        # "Whose jails ...?": who the sentence says owns them ("house them in his jails": his)
        owners = [replace(o, gap=0, spread=0.0) for o in owners]  # what is asked, wherever it stands
        return owners + [o for o in options if (o.start, o.end) not in {(w.start, w.end) for w in owners}]
    if asked.preposition:
        # a name the tagger missed after the preposition ("to Rubio") is a candidate too
        after = [p for p in phrases if _follows(asked.preposition, doc, p, asked.spoken)]
        options = _objects_of(asked.preposition, doc, options + [p for p in after if p not in options], asked.spoken)
    elif asked.asks_doer and (agents := _after_verbs(doc, anchors, _agent_follows)):
        # "The show was headlined by the British rock group Coldplay": the whole agent, first
        doers = [p for j in sorted(agents) if (p := _agent(doc, j + 1))]
        options = doers + [o for o in options if o not in doers]
    return options


# Questions whose answer is not the doer: "... tackled by Stewart?", "Who did Abercrombie
# replace?", "Who was assigned to ...?" (the passive's agent answers only "who <verb>ed ...?").
_NOT_ACTIVE = re.compile(r"\bby\b|^\s*who(?:m)?\s+(?:did|does|do|was|were|is|are)\b", re.IGNORECASE)


_WON = re.compile(r"^\s*(?:and\s+)?who\s+(?:won|wins|win)\b", re.IGNORECASE)
# Verbs of beating someone: these mean nothing else; the others ("topped 70 percent") also do, so
# they re-weigh options in a sentence already chosen but never choose the sentence (tells_winner).
_BEATING = frozenset({"defeated", "defeats", "beat", "beats", "routed", "overcame"})
_WIN_VERBS = _BEATING | {"edged", "topped", "downed"}


def _winner_first(doc: Doc, option: Span, beat: int) -> Span:
    """The option re-weighed for "who won": before the verb, as near as it stands to it; after it, later."""
    found = doc.char_span(option.start, option.end, alignment_mode="expand")
    if found is not None and found.end <= beat:
        return replace(option, gap=beat - found.end, rank=0, spread=0.0)
    return replace(option, rank=option.rank + 2)


_WHOSE = re.compile(r"^\s*(?:and\s+)?whose\s+([\w-]+)", re.IGNORECASE)
_OWNER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


def _owners(doc: Doc, anchors: dict[int, str], noun: str) -> list[Span]:
    """Who owns `noun` in the sentence: the name before "'s noun", or, for "his/her/their noun",
    the first person (or body) the sentence names before it."""
    wanted = set(terms(noun))
    found: list[Span] = []
    for t in doc:
        if not (set(terms(t.text)) & wanted) or t.i == 0:
            continue
        j = t.i - 1
        while j > 0 and doc[j].pos_ == "ADJ":
            j -= 1  # "Napoleon's grand army"
        before = doc[j]
        if before.lower_ in _POSSESSIVE and j > 0:
            owner = next((e for e in doc.ents if e.end == j and e.label_ in _OWNER_LABELS), None)
            if owner is not None:
                found.append(_option(doc, anchors, owner.start, owner.end, 0))
        elif before.tag_ == "PRP$" and before.lower_ != "its":
            # the name the sentence opens with, its subject ("Bukele also added ... his jails"), else
            # the first person, else the first body
            people = [(e.start, e.end) for e in doc.ents if e.end <= j and e.label_ == "PERSON"]
            opening = 0
            while opening < j and doc[opening].pos_ == "PROPN":
                opening += 1
            bodies = [(e.start, e.end) for e in doc.ents if e.end <= j and e.label_ in _OWNER_LABELS]
            bounds = next(iter(([(0, opening)] if opening else []) or people or bodies), None)
            if bounds is not None:
                found.append(_option(doc, anchors, bounds[0], bounds[1], 0))
    return found


def _agent(doc: Doc, start: int) -> Span | None:
    """The doer named from `start` (after "by"): the person it names ("Mayor Jane Smith" -> "Jane
    Smith"), else the whole noun phrase ("the courts of member states"), never a date after it."""

    def within(i: int) -> bool:
        return (doc[i].pos_ in _AGENT_POS or doc[i].lower_ == "of") and doc[i].ent_type_ not in ("DATE", "TIME")

    end = _phrase_end(doc, start, 12, within)
    if end == start:
        return None
    person = next((e for e in doc[start:end].ents if e.label_ == "PERSON"), None)
    first, last = (person.start, person.end) if person else (start, end)
    return Span(doc[first].idx, doc[first:last].end_char, 0, 0)


def _after_verbs(
    doc: Doc, anchors: dict[int, str], fits: Callable[[Token, Token], bool], skip: tuple[str, ...] = ("ADV",)
) -> frozenset[int]:
    """Where a word that `fits` follows one of the question's words (past adverbs and the like):
    "headlined by" for who-questions, "practiced at" for where-questions."""
    found = set()
    for i in anchors:
        j = i + 1
        while j < len(doc) and doc[j].pos_ in skip:  # "located mostly in", "house them in"
            j += 1
        if j < len(doc) and fits(doc[i], doc[j]):
            found.add(j)
    return frozenset(found)


def _agent_follows(verb: Token, word: Token) -> bool:
    """ "The show was headlined by ...": a participle of the question's verb, then "by"."""
    return verb.tag_ == "VBN" and word.lower_ == "by"


def _place_follows(verb: Token, word: Token) -> bool:
    """ "The Broncos practiced at ...": the question's verb, then a place preposition."""
    return verb.pos_ == "VERB" and word.pos_ == "ADP" and word.lower_ in _PLACE_PREPOSITIONS


def _right_after(doc: Doc, span: Span, positions: frozenset[int]) -> bool:
    """The span starts at one of `positions` or right after it (determiners may come between)."""
    at = _token_at(doc, span.start)
    return at in positions or any(
        k in positions and all(t.pos_ == "DET" for t in doc[k + 1 : at]) for k in range(max(0, at - 3), at)
    )


def _names_a_kind(doc: Doc, ent: EntitySpan, end: int) -> bool:
    """An entity naming a kind of thing, not a place: a country before a noun ("US citizens"), or
    an owner that is no place ("Trump’s most vocal proponent")."""
    if ent.label_ == "GPE":
        return end > ent.end and doc[end - 1].pos_ == "NOUN" and not doc[end - 1].ent_type_
    owner = doc[ent.end - 1].lower_ in _POSSESSIVE or (ent.end < len(doc) and doc[ent.end].lower_ in _POSSESSIVE)
    return owner and ent.label_ != "LOC"


_FROM = re.compile(r"\bfrom\b")


def _origin(doc: Doc, start: int) -> bool:
    """A place things come from ("deportees from the U.S."), which answers where only when the
    question asks where from."""
    before = start - 1 - (start > 1 and doc[start - 1].lower_ == "the")
    return before >= 0 and doc[before].lower_ == "from"


_INITIAL = re.compile(r"^[A-Z]\.$")
# Punctuation a short answer never ends on, or starts on.
_NOT_LAST = frozenset("([{“‘,;:")
_NOT_FIRST = frozenset(")]}”’,;:")
_NOT_LAST_POS = frozenset({"SCONJ", "DET", "ADP", "CCONJ", "PRON"})


def _option(
    doc: Doc,
    anchors: dict[int, str],
    start: int,
    end: int,
    rank: int,
    unit: bool = False,
    chars: tuple[int, int] | None = None,
) -> Span:
    """The span of tokens [start, end) (or of `chars` inside them) as a short answer option."""
    if chars is None:
        while end - start > 1 and doc[end - 1].pos_ in _NOT_LAST_POS and not _REGNAL.match(doc[end - 1].text):
            end -= 1  # the tagger's "the Associated Press that", "Mstislav the Bold of"
        start, end = _whole_words(doc, start, end)
        while end - start > 1 and doc[end - 1].text in _NOT_LAST:
            end -= 1  # the tagger sometimes ends a name on the bracket after it: "Conference ("
        while end - start > 1 and doc[start].text in _NOT_FIRST:
            start += 1
    gap, spread = _gap(anchors, start, end, len(doc))
    first, last = chars or (doc[start].idx, doc[start:end].end_char)
    if chars is None and end == len(doc) and _INITIAL.match(doc[end - 1].text):
        last -= 1  # the tagger keeps a sentence's full stop on a single letter: "on X."
    return Span(first, last, gap, rank, unit, spread)


_HYPHENS = frozenset("-–")
_REGNAL = re.compile(r"^(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})$")


def _joined(doc: Doc, i: int) -> bool:
    """Token i is a hyphen inside a word, between two words ("ad-Din", "attention-seeking")."""
    return (
        0 < i < len(doc) - 1
        and doc[i].text in _HYPHENS
        and not doc[i - 1].whitespace_
        and not doc[i].whitespace_
        and doc[i - 1].is_alpha
        and doc[i + 1].is_alpha
    )


def _whole_words(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """[start, end) widened to whole hyphenated words ("Shah Ala ad-Din", not "Shah Ala ad";
    "attention-seeking", not "seeking") and a ruler's numeral ("Charles I"); a number keeps its
    word ("Six", not "Six-time")."""
    while _joined(doc, end) and not doc[end - 1].like_num and not _suffix_word(doc, end):
        end += 2
    while _joined(doc, start - 1):
        start -= 2
    if (
        end < len(doc)
        and _REGNAL.match(doc[end].text)
        and doc[end - 1].text.istitle()
        # "I" after a name that a verb takes is the speaker: "told Rubio I would never agree"
        and not (doc[end].text == "I" and start > 0 and doc[start - 1].pos_ in ("VERB", "AUX"))
    ):
        end += 1
    return start, end


def _suffix_word(doc: Doc, hyphen: int) -> bool:
    """A lower-case word hyphened to a name ("Dallas-based", "Paris-born"): no part of the name."""
    return doc[hyphen - 1].text[:1].isupper() and doc[hyphen + 1].text[:1].islower()


def _token_at(doc: Doc, char: int) -> int:
    """The index of the first token starting at or after `char`."""
    return next((t.i for t in doc if t.idx >= char), len(doc))


# "Who is Leti Volpp?": the answer describes someone the question already names.
_WHO_IS = re.compile(r"^\s*who (?:is|was|are|were) ([A-Z][^?]*?)\s*\??\s*$", re.IGNORECASE)
_APPOSITION_END = re.compile(r",|\)|;| who | which | whose | that ")


def _is_name(phrase: str) -> bool:
    """A name, every word capitalised ("Rubio", "Leti Volpp", "Genghis Khan"), not a role that
    happens to open with a capital ("President of the US in 1900")."""
    words = phrase.split()
    capitalised = all(w[:1].isupper() or w in NAME_PARTICLES for w in words)  # "Ludwig van Beethoven" too
    return 0 < len(words) <= 4 and words[0][:1].isupper() and capitalised


# "the president of X", "El Salvador's foreign minister": the role, after an article or a possessive name
_ROLE_OF = re.compile(
    r"^(?:the |a |an |(?:[A-Z][\w.]*\s){0,3}[A-Z][\w.]*(?:'s|’s) )([a-z][a-z -]*?)"
    r"(?: (?:of|for|in|at|on|from|with|during|under|to|since|after|before|who|that) |$)"
)


_LEADS = re.compile(r"who\s+(?:leads|runs|rules|governs|heads)\s+(.+)", re.IGNORECASE)


def leader_question(question: str) -> str:
    """ "Who leads/runs/rules El Salvador?" put as "Who is the leader of El Salvador?", which asks
    for whoever holds a leader's role there (a president, a king). Only for a country: a body
    ("Who runs the University of Chicago?") is run by anyone or anything."""
    asked = question.strip()
    place = asked.rstrip("?.! ")
    match = _LEADS.fullmatch(place)
    if not match or not is_country(match.group(1)):
        return question
    return f"Who is the leader of {match.group(1)}{asked[len(place) :].strip() or '?'}"


def _role(described: str) -> str | None:
    """The role "Who is the president of El Salvador?" / "Who is El Salvador's foreign minister?"
    asks who holds, singular ("president", "minister"); None for anything else."""
    match = _ROLE_OF.match(described.strip())
    words = match.group(1).split() if match else []
    if not words or not words[-1].isalpha():
        return None
    word = words[-1]
    start = match.start(1) + match.group(1).rindex(word) if match else 0
    tagged = next((t for t in parse(described.strip()) if t.idx == start), None)
    if tagged is None or tagged.pos_ != "NOUN":
        return None  # "the trophy given to ...", "the university accredited by": no role named
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


_PLACES = frozenset({"GPE", "LOC", "NORP", "FAC"})
_CLOSING_QUOTES = frozenset({"”", '"', "''"})
# "Who is the leader of El Salvador?": a head of state, government or body holds the general role
_HEAD_ROLES = dict.fromkeys(
    ("leader", "head", "ruler"),
    word_set(
        "president premier king queen emperor empress monarch sultan chancellor chairman chairwoman chief ceo "
        "governor mayor"
    ),
)
_HOLDING = frozenset({"as"})  # "elected as president": the one preposition that gives the role


_NOUN_PHRASE = frozenset({"DET", "ADJ", "PROPN", "PART", "NOUN", "NUM"})


def _appositions(doc: Doc, held: list[int]) -> list[tuple[int, int]]:
    """The proper-noun runs set off by a comma right after a role's mentions ("curator, Agnes
    Whitcombe,"), as token ranges."""
    found = []
    for i in held:
        start = i + 2
        if start >= len(doc) or doc[i + 1].text != ",":
            continue
        end = start
        while end < len(doc) and (doc[end].pos_ == "PROPN" or (end > start and doc[end].text in NAME_PARTICLES)):
            end += 1
        if end > start and (end == len(doc) or doc[end].is_punct):
            found.append((start, end))
    return found


def _governing_preposition(doc: Doc, i: int) -> Token | None:
    """The preposition whose object the noun phrase ending at token i is ("with El Salvador's
    foreign minister"), read from the tags alone (the pipeline has no parser); a hyphenated word
    is one word ("play-by-play announcer")."""
    j = i - 1
    while j >= 0:
        t = doc[j]
        hyphenated = "-" in (t.text, doc[j - 1].text if j else "", doc[j + 1].text if j + 1 < len(doc) else "")
        if not (t.pos_ in _NOUN_PHRASE or hyphenated):
            return t if t.pos_ == "ADP" else None
        j -= 1
    return None


def _holds_role(doc: Doc, option: Span, held: list[int], question_terms: frozenset[str], set_off: bool = False) -> bool:
    """False when the sentence gives the role (mentioned at the tokens `held`) to no one the option
    names: the option is the role itself ("El Salvador's foreign minister" for "Who is the foreign
    minister?"), or each mention of the role is nearer another person ("President Nayib Bukele ...,
    Rubio said") or told by the option's person ("Marco Rubio said El Salvador's president offered
    ...": not Rubio). A name the question gives is the role's place, whatever the tagger calls it
    ("the mayor of Glimmerwick")."""
    span = doc.char_span(option.start, option.end, alignment_mode="expand")
    if span is None:
        return True
    if not any(t.ent_type_ or t.text[:1].isupper() for t in span):
        return False  # a holder has a name ("Commissioners", "The individual"), not "a transactional relationship"
    if is_country(span.text) and not set_off and not any(t.ent_type_ == "PERSON" for t in span):
        # a country holds no one's office ("El Salvador's president offered ... from the U.S."); a
        # person may be called so ("The club's head coach, Jordan, ...": set off by commas)
        return False
    if any(span.start <= i < span.end for i in held):
        # "President Nayib Bukele" names the holder; "El Salvador's foreign minister" only a place
        return any(t.ent_type_ == "PERSON" or (t.pos_ == "PROPN" and t.ent_type_ not in _PLACES) for t in span)
    for i in held:
        between = doc[i + 1 : span.start] if i < span.start else doc[span.end : i]
        if any(t.ent_type_ == "PERSON" and not set(terms(t.text)) & question_terms for t in between):
            continue  # the role is that nearer person's ("President Nayib Bukele ..., Rubio said")
        if i > span.start and any(t.lower_ in SPEECH_FORMS and t.pos_ == "VERB" for t in between):
            continue  # the option's person says what the role's holder did
        if any(t.text in _CLOSING_QUOTES for t in between):
            continue  # the role is in a quotation, the option outside it: its speaker, not its holder
        governing = _governing_preposition(doc, i)
        if governing is not None and governing.lower_ not in _HOLDING and span.end <= governing.i:
            continue  # "an agreement with El Salvador's foreign minister", "served under the president"
        return True
    return not held


def _descriptions(name: str, doc: Doc) -> list[Span]:
    """How the sentence describes `name`: an apposition after it ("Leti Volpp, a law professor at
    UC Berkeley, ...") or before it ("The Prince of Płock, Bolesław II, ..."), or the title in
    front of it ("Emerson College professor Mneesha Gellman"). A surname is read as the whole name
    the sentence gives ("Who is Rubio?": "U.S. Secretary of State Marco Rubio")."""
    text = doc.text
    if not name[:1].isupper():
        return []
    # the name as a word of its own, not inside a place's ("Salvador" in "El Salvador")
    inside = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in _PLACES and name.lower() != e.text.lower()]
    at = next(
        (
            m.start()
            for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE)
            if not any(a <= m.start() < b for a, b in inside)
        ),
        -1,
    )
    if at < 0:
        return []
    after = at + len(name)
    whole = next((e for e in doc.ents if e.label_ == "PERSON" and e.start_char <= at < e.end_char), None)
    if whole is not None:
        at, after = whole.start_char, max(after, whole.end_char)
    out: list[Span] = []
    if text.startswith(", ", after):
        start = after + 2
        stop = _APPOSITION_END.search(text, start)
        end = stop.start() if stop else len(text.rstrip("."))
        first = _token_at(doc, start)
        if start < end <= start + 120 and first < len(doc) and doc[first].pos_ in ("DET", "ADJ", "NOUN", "NUM"):
            out.append(Span(start, end, 0, 0))
    before = text[:at].rstrip()
    if before.endswith(","):
        start = max(before.rfind(",", 0, len(before) - 1) + 1, 0)
        phrase = before[start:-1].strip()
        opener = phrase.split()[0] if phrase else ""
        if phrase and len(phrase) <= 120 and (opener.lower() in ("the", "a", "an") or opener.endswith(_POSSESSIVE)):
            begin = text.index(phrase, start)
            out.append(Span(begin, begin + len(phrase), 0, 0))
    title: list[Token] = []  # "U.S. Secretary of State", "Emerson College professor", "President"
    for token in reversed(doc[: _token_at(doc, at)]):
        if token.pos_ not in ("PROPN", "NOUN", "ADP") or token.ent_type_ == "PERSON" or len(title) == 5:
            break
        title.insert(0, token)
    while title and title[0].pos_ == "ADP":
        title = title[1:]
    if title and title[-1].pos_ != "ADP" and title[-1].idx + len(title[-1].text) == at - 1:  # not "statements to"
        out.append(Span(title[0].idx, title[-1].idx + len(title[-1].text), 0, 0))
    return out


# "With whom was it signed?", "... employed by who?", "Who did he speak to?": the preposition the
# answer follows.
_PREPOSITION_WHOM = re.compile(
    r"^\s*(\w+) whom\b|\b(by|to|for|with|from|against) whom?\W*$|^\s*who(?:m)?\b.*\b(to|by|for|with|from|against)\W*$"
)


_TELL = frozenset({"tell", "tells", "told", "telling"})
_TALK = frozenset({"talk", "talked", "talking", "speak", "spoke", "spoken", "speaking"})


def _follows(preposition: str, doc: Doc, span: Span, spoken: bool = False) -> bool:
    """The span stands right after the preposition (a determiner or two may come between); when
    the question asks who was spoken to, "told CNN" says it to CNN."""
    at = _token_at(doc, span.start)
    told = spoken and preposition == "to"
    return any(t.lower_ == preposition or (told and t.lower_ in _TELL) for t in doc[max(0, at - 2) : at])


def answers_preposition(question: str, sentence: str, span: Span) -> bool:
    """ "Who did Volpp say it to?" and the span is what "told" or "to" takes: the rules know the
    answer's place in the sentence, which the learned ranker's features do not see."""
    asked = _reading(question, "who")
    return asked.preposition is not None and _follows(asked.preposition, parse(sentence), span, asked.spoken)


def _objects_of(preposition: str, doc: Doc, options: list[Span], spoken: bool) -> list[Span]:
    """ "With whom was it signed?": a span right after "with" is the answer, whatever its type."""
    return [replace(o, gap=0, rank=0, spread=0.0) if _follows(preposition, doc, o, spoken) else o for o in options]


def _when_fallbacks(question: str, doc: Doc, anchors: dict[int, str], rank: int, found: list[Span]) -> list[Span]:
    """Years outside DATE entities, then (one rank lower) time clauses, that the question does not hold."""
    text, lowered = doc.text, question.lower()
    out: list[Span] = []
    for pattern, extra in ((YEARS, 0), (_TIME_CLAUSE, 1)):
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            if pattern is _TIME_CLAUSE and end - start >= 80:  # cut at the limit: before its last phrase
                cuts = list(_PHRASE_START.finditer(text, start + 10, end))
                end = cuts[-1].start() if cuts else start + max(text.rfind(" ", start, end) - start, 3)
            if match.group().lower() in lowered or any(o.start <= start and end <= o.end for o in found + out):
                continue
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None:
                out.append(_option(doc, anchors, span.start, span.end, rank + extra, chars=(start, end)))
    return out


def _gap(anchors: dict[int, str], start: int, end: int, default: int) -> tuple[int, float]:
    """How far (in tokens) the span [start, end) stands from the question's words in the sentence:
    the nearest one, and half the mean distance to each of the question's terms found there.

    The second ranks the spans of one sentence: a span beside one of the words ("a short pass to Tom
    Jones") loses to one amid all of them ("a 22-yard touchdown pass to Bob Brown" for "Who caught
    the 22-yard touchdown pass?"). Squad-dev's typed questions (of all 4,961): 0.541 by the nearest
    word alone, 0.556 with the spread. Sentences are compared by the nearest word only: a long sentence
    that spreads the question's words ("President Nayib Bukele ... El Salvador") is not worse for it.
    """
    if not anchors:
        return default, 0.0
    nearest_of: dict[str, int] = {}
    for at, term in anchors.items():
        distance = max(0, start - at - 1) if at < start else max(0, at - end)
        nearest_of[term] = min(nearest_of.get(term, distance), distance)
    distances = nearest_of.values()
    return min(distances), 0.5 * sum(distances) / len(distances)


_NOUNS = ("PROPN", "NOUN")


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


_DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})


def _no_one(doc: Doc, span: Span) -> bool:
    """No answer to who: one word that names nothing ("Commonly", "International", tagged as a name
    at a sentence's start), or what a demonstrative points back to ("This results"). A people
    named by one adjective ("Sunni") stays."""
    tokens = doc.char_span(span.start, span.end, alignment_mode="expand") or doc[0:0]
    if not len(tokens):
        return False
    one = tokens[0]
    if len(tokens) == 1 and one.pos_ in ("ADV", "ADJ", "VERB", "AUX", "PRON", "ADP"):
        return not (one.pos_ == "ADJ" and one.ent_type_ == "NORP")  # "Sunni", "Muslim": a people
    return tokens[0].lower_ in _DEMONSTRATIVES


def _person_asked(ent: EntitySpan, question: str) -> bool:
    """A person the question names by surname ("Who did Volpp say it to?" is not "Leti Volpp"),
    unless the sentence names that one by the surname alone too: in "President Kennedy appointed
    his brother Robert Kennedy", Robert Kennedy is someone else."""
    last = ent[-1].text if ent[-1].lower_ not in _POSSESSIVE else ent[-2].text if len(ent) > 1 else ""
    if ent.label_ != "PERSON" or not last[:1].isupper():
        return False
    if any(e.label_ == "PERSON" and e.text == last for e in ent.doc.ents if e.start != ent.start):
        return False
    # named alone, not inside another name ("Who founded McKinsey & Company?", "the Compton Effect")
    alone = rf"\b{re.escape(last)}\b(?![’']s\s+[A-Z])(?!\s+(?:[A-Z]|&))"
    return re.search(alone, question) is not None


def _chain(doc: Doc, end: int, starts: dict[int, EntitySpan], joins: frozenset[str], links: int = 3) -> int:
    """The end of the list or nesting of fitting entities (none the question names) that starts
    with the one ending at `end`."""
    for _ in range(links):
        if end + 1 >= len(doc) or doc[end].lower_ not in joins:
            break
        following = starts.get(end + 1) or (starts.get(end + 2) if doc[end + 1].lower_ == "and" else None)
        if following is None:
            break
        end = _noun_tail(doc, following.end)
    return end


def _phrase_end(doc: Doc, start: int, limit: int, within: Callable[[int], bool]) -> int:
    """The end of the noun phrase from `start`: over at most `limit` tokens that `within` accepts,
    then back to the last noun; `start` when there is none."""
    end = start
    while end < min(len(doc), start + limit) and within(end):
        end += 1
    while end > start and doc[end - 1].pos_ not in _NOUNS:
        end -= 1
    return end


def _noun_tail(doc: Doc, end: int, limit: int = 3, people: bool = True) -> int:
    """An entity's end moved over the nouns that finish its phrase ("the University of Chicago"
    campus); without `people`, not over a person's title ("Emerson College", not "Emerson
    College professor")."""
    stop = min(len(doc), end + limit)
    while end < stop and doc[end].pos_ in _NOUNS and doc[end].ent_iob_ != "B":
        if not people and doc[end].lower_ in HUMAN_NOUNS:
            break
        end += 1
    return end


_POSSESSIVE = ("'s", "’s")


def _possessed(doc: Doc, end: int, limit: int = 4) -> int:
    """ "El Salvador's" + "foreign minister": a who-answer is the person a country has, when it names
    one. Only after a country or nation: the small pipeline often calls a person an ORG, and a
    person's own "Rubio's announcement" is not a who."""
    if end < len(doc) and doc[end].lower_ in _POSSESSIVE:
        end += 1
    elif doc[end - 1].lower_ not in _POSSESSIVE:
        return end
    return _phrase_end(doc, end, limit, lambda i: doc[i].pos_ in ("ADJ", "NOUN", "PROPN"))


_PLACE_PREPOSITIONS = frozenset(
    {"in", "at", "on", "near", "inside", "within", "across", "through", "throughout", "into", "onto"}
    | {"outside", "along", "beside", "from", "to"}
)
_NP_POS = frozenset({"DET", "ADJ", "PROPN", "NOUN", "CCONJ", "PART"})
_NP_START = _NP_POS - {"CCONJ", "PART"}
_PHRASE_POS = _NP_POS | {"NUM"}  # a place phrase may hold a number ("at 10 Downing Street")
_AGENT_POS = _PHRASE_POS | {"CCONJ"}


def _noun_phrases(q_terms: frozenset[str], doc: Doc, anchors: dict[int, str], rank: int) -> list[Span]:
    """ "Accountants", "the municipal building inspector": who-answers that name nobody."""

    def within(i: int) -> bool:
        nxt = doc[i + 1].pos_ if i + 1 < len(doc) else ""
        return (
            doc[i].pos_ in _NP_POS
            or (doc[i].text == "," and nxt in _NOUNS)  # "a construction manager, design engineer"
            or (doc[i].pos_ == "ADV" and nxt in ("ADJ", *_NOUNS))  # "the most cost efficient bidder"
        )

    out: list[Span] = []
    i = 0
    while i < len(doc):
        end = _phrase_end(doc, i, 12, within) if doc[i].pos_ in _NP_START else i
        if end > i and not set(terms(doc[i:end].text)) - NAME_PARTICLES <= q_terms:
            out.append(_option(doc, anchors, i, end, rank))
        i = max(end, i + 1)
    return out


def _adds_words(phrase: EntitySpan, q_terms: frozenset[str]) -> bool:
    """Whether a phrase says more than the question: a word it lacks, or a name too short to be a
    term ("on X")."""
    found = set(terms(phrase.text))
    return not found <= q_terms if found else any(t.pos_ in ("NOUN", "PROPN") for t in phrase)


_NO_PLACE = frozenset({"PERSON", "DATE", "TIME"})


# "according to the customs", "prior to the game", "born to the consorts", "open to the public":
# a "to" after these words is no way to a place.
_NOT_TOWARDS = word_set(
    "according prior due owing thanks born similar compared open addition related relative subject contrary"
)


def _heard_by(doc: Doc, i: int) -> bool:
    """ "confirmed his statements to Rubio": "to" a person after a verb of speech names who heard
    it, no place ("called to the scene", "announced a trip to the border" are places)."""
    if doc[i].lower_ != "to":
        return False
    j = i + 1
    while j < len(doc) and doc[j].pos_ == "DET":
        j += 1
    if j == len(doc) or not (doc[j].pos_ in ("PROPN", "PRON") or doc[j].lower_.rstrip("s") in HUMAN_NOUNS):
        return False
    for t in reversed(doc[max(0, i - 5) : i]):
        if t.is_punct:
            return False
        if t.pos_ == "VERB":
            return t.lower_ in SPEECH_FORMS
    return False


def _place_phrases(q_terms: frozenset[str], doc: Doc, anchors: dict[int, str], rank: int) -> list[Span]:
    """ "on the sidelines", "in a modern context": where-answers that name no place entity."""
    out: list[Span] = []
    for token in doc:
        if token.pos_ != "ADP" or token.lower_ not in _PLACE_PREPOSITIONS or _heard_by(doc, token.i):
            continue
        if token.lower_ == "to" and token.i > 0 and doc[token.i - 1].lower_ in _NOT_TOWARDS:
            continue
        # over "of" too: "in the arid plains of Central Asia", "within the borders of Warsaw"
        end = _phrase_end(
            doc, token.i + 1, 12, lambda i: doc[i].pos_ in _PHRASE_POS or doc[i].lower_ == "of" or doc[i].tag_ == "PRP$"
        )
        phrase = doc[token.i + 1 : end]
        if (
            end > token.i + 1
            and _adds_words(phrase, q_terms)
            and not any(t.ent_type_ in _NO_PLACE for t in phrase)  # "in July" says when, not where
        ):
            out.append(_option(doc, anchors, token.i, end, rank))
    return out


def asked_role(question: str) -> str | None:
    """The role "Who is the foreign minister?" asks the holder of ("minister"), or None."""
    return _reading(question, "who").role


def asks_winner(question: str) -> bool:
    """ "Who won the cup final?": a contest someone beat someone in, not a prize ("Who won the MVP?")."""
    return _reading(question, "who").won and not _PRIZE.search(question)


# Won by being chosen, not by beating someone (a cup, a title or an election is won by beating someone).
_PRIZE = re.compile(
    r"\b(?:mvp|prizes?|awards?|medals?|honou?rs?|scholarships?|grants?|nominations?|contracts?|bids?)\b",
    re.IGNORECASE,
)


def tells_winner(sentence: str) -> bool:
    """Whether a sentence says who beat whom: a verb that means only that ("Harbor City FC beat
    Northgate United 3-1", "They then beat the Patriots"), used as a verb. Not "Turnout topped 70
    percent" (topping is also exceeding), nor "officers on the downtown beat"; and a sentence that
    only says "won" may be about anything ("nobody remembers the team that almost won")."""
    if not any(w in _BEATING for w in re.findall(r"[a-z]+", sentence.lower())):
        return False  # most sentences: no parse
    return any(t.lower_ in _BEATING and t.pos_ == "VERB" for t in parse(sentence))


def mentions_role(sentence: str, role: str) -> bool:
    """Whether a sentence names the role at all (its words alone: no parse needed)."""
    forms = _role_forms(role)
    return any(_is_role(w, forms) for w in re.findall(r"[a-z]+", sentence.lower()))


@lru_cache(maxsize=64)
def _role_forms(role: str) -> frozenset[str]:
    """The words that name a role: itself, or for "leader" a head's title too."""
    return _HEAD_ROLES.get(role, frozenset()) | {role}


def role_countries(question: str, role: str) -> set[str]:
    """The countries the question asks the role of ("the president of the United States": US)."""
    return _tied_countries(parse(question), _role_forms(role))


def role_of_another_country(question: str, role: str, sentences: Iterable[str]) -> bool:
    """Whether the question asks for the role of a country ("the president of the United States")
    while the documents' sentences give that role to other countries only: a text that says just
    "El Salvador's president" does not say who the U.S. president is (its President Nayib Bukele
    is not the answer). False when the question ties the role to no country ("the leader of the
    Islamist regime in Sudan"), or the sentences tie it to none."""
    forms = _role_forms(role)
    asked = role_countries(question, role)
    if not asked:
        return False
    tied: set[str] = set()
    for sentence in sentences:
        if mentions_role(sentence, role):
            tied |= _tied_countries(parse(sentence), forms)
    return bool(tied) and not tied & asked


def _tied_countries(doc: Doc, forms: frozenset[str]) -> set[str]:
    """The countries a text gives the role to: "El Salvador's president", "U.S. President",
    "president of (the) United States"."""
    roles = [t.i for t in doc if _is_role(t.lower_, forms)]
    tied: set[str] = set()
    for ent in doc.ents:
        key = country_key(ent.text)
        if key is None:
            continue
        for i in roles:
            between = doc[ent.end : i] if ent.end <= i else doc[i + 1 : ent.start]
            before = ent.end <= i and all(t.tag_ == "POS" or t.text in ("’s", "'s") for t in between)
            after = i < ent.start and [t.lower_ for t in between] in (["of"], ["of", "the"])
            if before or after:
                tied.add(key)
    return tied


def _is_role(word: str, forms: frozenset[str]) -> bool:
    """A mention of the role: one of its words, plural or singular."""
    return word in forms or word.removesuffix("s") in forms or word.removesuffix("es") in forms


def short_answer_span(question: str, qtype: QuestionType, sentence: str) -> Span | None:
    """The entity of the wanted type nearest the question's own words, or None when none fits."""
    return nearest(span_options(question, qtype, sentence))


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
