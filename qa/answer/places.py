"""Places in a sentence: which names are countries, and which phrases answer where-questions.

Countries are looked up offline (ISO 3166 through pycountry, plus short and former names in common
use), one key for all of a country's names; beside them are the rules that tell a town from a
country, a place from a kind of thing ("US citizens") or a place things come from, and the
prepositional phrases ("on the sidelines") that answer where when no place is named. The country
lookups are used outside the span rules too (the inventory, the role rules).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from qa.answer.tokens import PHRASE_POS, POSSESSIVE, Span, option, phrase_end
from qa.answer.words import COUNTRY_ALIASES, NOT_TOWARDS, PLACE_PREPOSITIONS, REGIONS
from qa.attribute.lexicon import HUMAN_NOUNS, SPEECH_FORMS
from qa.attribute.people import clean_name
from qa.retrieve.lexical import terms

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as EntitySpan


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
    if name in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[name] or name.lower()
    names, codes = _countries()
    if key := names.get(name.lower()):
        return key
    bare = name.replace(".", "")
    return codes.get(bare) if bare.isupper() and ("." in name or len(bare) == 3) else None


def is_country(text: str) -> bool:
    """ "Chile", "the Netherlands", "Russia", "U.S.", "USA"."""
    return country_key(text) is not None


def may_be_town(ent: EntitySpan) -> bool:
    """A place name that is no country (a region or state still passes). Not an ORG: the small
    tagger calls a few cities one ("Ulaanbaatar"), but people too (an unfamiliar surname), and a
    town is a fact the documents should state."""
    return ent.label_ in ("GPE", "LOC") and not is_country(ent.text)


def wants_region(question: str) -> bool:
    """ "Which region ...", "what river ...": the question names the kind of place it wants."""
    return bool(REGIONS.search(question.lower()))


def place_follows(verb: Token, word: Token) -> bool:
    """ "The Broncos practiced at ...": the question's verb, then a place preposition."""
    return verb.pos_ == "VERB" and word.pos_ == "ADP" and word.lower_ in PLACE_PREPOSITIONS


def names_a_kind(doc: Doc, ent: EntitySpan, end: int) -> bool:
    """An entity naming a kind of thing, not a place: a country before a noun ("US citizens"), or
    an owner that is no place ("Reed’s most vocal critic", when the tagger calls Reed a place)."""
    if ent.label_ == "GPE":
        return end > ent.end and doc[end - 1].pos_ == "NOUN" and not doc[end - 1].ent_type_
    owner = doc[ent.end - 1].lower_ in POSSESSIVE or (ent.end < len(doc) and doc[ent.end].lower_ in POSSESSIVE)
    return owner and ent.label_ != "LOC"


def origin(doc: Doc, start: int) -> bool:
    """A place things come from ("migrants from the U.S."), which answers where only when the
    question asks where from."""
    before = start - 1 - (start > 1 and doc[start - 1].lower_ == "the")
    return before >= 0 and doc[before].lower_ == "from"


def _adds_words(phrase: EntitySpan, q_terms: frozenset[str]) -> bool:
    """Whether a phrase says more than the question: a word it lacks, or a name too short to be a
    term ("on X")."""
    found = set(terms(phrase.text))
    return not found <= q_terms if found else any(t.pos_ in ("NOUN", "PROPN") for t in phrase)


_NO_PLACE = frozenset({"PERSON", "DATE", "TIME"})


def _heard_by(doc: Doc, i: int) -> bool:
    """ "confirmed his statements to Reed": "to" a person after a verb of speech names who heard
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


def place_phrases(q_terms: frozenset[str], doc: Doc, anchors: dict[int, str], rank: int) -> list[Span]:
    """ "on the sidelines", "in a modern context": where-answers that name no place entity."""
    out: list[Span] = []
    for token in doc:
        if token.pos_ != "ADP" or token.lower_ not in PLACE_PREPOSITIONS or _heard_by(doc, token.i):
            continue
        if token.lower_ == "to" and token.i > 0 and doc[token.i - 1].lower_ in NOT_TOWARDS:
            continue
        # over "of" too: "in the arid plains of Central Asia", "within the borders of Warsaw"
        end = phrase_end(
            doc, token.i + 1, 12, lambda i: doc[i].pos_ in PHRASE_POS or doc[i].lower_ == "of" or doc[i].tag_ == "PRP$"
        )
        phrase = doc[token.i + 1 : end]
        if (
            end > token.i + 1
            and _adds_words(phrase, q_terms)
            and not any(t.ent_type_ in _NO_PLACE for t in phrase)  # "in July" says when, not where
        ):
            out.append(option(doc, anchors, token.i, end, rank))
    return out
