"""What a question asks for, read once per question.

`reading` gathers what the answer rules need to know about a question: the entity types it prefers,
the unit or amount it counts, the role, preposition or kind of place it names, and the shape
of date it wants. It is cached, since the option search runs once per candidate sentence, and
held by the question's `Intent` (intent.py). The question-side check that consults it (the role
asked) lives here too, so the rule modules it draws on never import it back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from qa.answer.amounts import counted_unit, how_many_preference
from qa.answer.dates import DATE_SHAPES
from qa.answer.places import wants_region
from qa.answer.question import ENTITY_LABELS, QuestionType
from qa.answer.roles import described_role
from qa.answer.words import CAPACITY_ASKED, CHANGE, GROUP_NOUNS, MONEY_ASKED, NOW, TALK
from qa.attribute.lexicon import SPEECH_FORMS
from qa.retrieve.lexical import NAME_PARTICLES, terms

_PREFERENCE: dict[QuestionType, tuple[str, ...]] = {
    "who": ("PERSON", "ORG", "GPE", "NORP"),
    "when": ("DATE", "TIME"),
    "where": ("GPE", "LOC", "FAC", "ORG"),
    "how many": ("CARDINAL", "QUANTITY", "MONEY", "PERCENT", "DATE", "TIME"),
}


# "Which team ...", "what company ...": the question asks for a group, not a person.
_GROUPS = re.compile(rf"\b(?:what|which) (?:\w+ )?({GROUP_NOUNS})")


# "Which country ...", "in what city ...": the kind of place asked for, which a country fits or not
# ("which city-state" is neither).
_PLACE_KIND = re.compile(r"\b(?:what|which)\s+(?:[a-z]+\s+)?(country|city|town|village)(?![-\w])", re.IGNORECASE)


# Questions whose answer is not the doer: "... tackled by Stewart?", "Who did Abercrombie
# replace?", "Who was assigned to ...?" (the passive's agent answers only "who <verb>ed ...?").
_NOT_ACTIVE = re.compile(r"\bby\b|^\s*who(?:m)?\s+(?:did|does|do|was|were|is|are)\b", re.IGNORECASE)


_FROM = re.compile(r"\bfrom\b")


# "Who is Ann Lee?": the answer describes someone the question already names.
_WHO_IS = re.compile(r"^\s*who (?:is|was|are|were) ([A-Z][^?]*?)\s*\??\s*$", re.IGNORECASE)


def _is_name(phrase: str) -> bool:
    """A name, every word capitalised ("Lee", "Ann Lee", "Genghis Khan"), not a role that
    happens to open with a capital ("President of the US in 1900")."""
    words = phrase.split()
    capitalised = all(w[:1].isupper() or w in NAME_PARTICLES for w in words)  # "Ludwig van Beethoven" too
    return 0 < len(words) <= 4 and words[0][:1].isupper() and capitalised


# "With whom was it signed?", "... employed by who?", "Who did he speak to?": the preposition the
# answer follows.
_PREPOSITION_WHOM = re.compile(
    r"^\s*(\w+) whom\b|\b(by|to|for|with|from|against) whom?\W*$|^\s*who(?:m)?\b.*\b(to|by|for|with|from|against)\W*$"
)


@dataclass(frozen=True)
class Reading:
    """What a typed question's short answer must be, read once per question (options are sought in
    every candidate sentence)."""

    labels: frozenset[str]
    terms: frozenset[str]
    preference: tuple[str, ...]
    unit: str | None  # how many: the counted thing
    money: bool  # how much: an amount of money
    described: str | None  # who is X: the X
    described_name: bool  # ... and X is a name ("Who is Reed?"): only a description answers it
    role: str | None  # who is the president of X: "president" (someone the sentence calls so answers)
    preposition: str | None  # with whom / by who / who ... to: the preposition
    spoken: bool  # the question's verb is one of speech ("Who did she say it to?": "told CNN" answers)
    shape: re.Pattern[str] | None  # when: what a fitting date holds ("what year": a year)
    asks_from: bool  # where: "... come from?" (else a place things come from is no answer)
    asks_doer: bool  # who: "Who <verb>ed ...?" (so a passive sentence's agent answers)
    capacity: bool | None  # how many: a capacity asked (True), how many there are now (False), or either
    place_kind: str | None  # where: "which country", "what city" (a country is no city)
    duration: bool  # how long: a length of time or of road, never a bare count ("two leaders")


@lru_cache(maxsize=1024)
def reading(question: str, qtype: QuestionType) -> Reading:
    lowered = question.lower()
    preference = _PREFERENCE[qtype]
    if qtype == "who" and _GROUPS.search(lowered):
        preference = ("ORG", "NORP", "GPE", "PERSON")
    if qtype == "where" and wants_region(question):
        preference = ("LOC", "GPE", "FAC", "ORG")
    if qtype == "how many":
        preference = how_many_preference(question, preference)
    match = _WHO_IS.match(question) if qtype == "who" else None
    described = match.group(1) if match else None
    named = described is not None and _is_name(described)
    asked = _PREPOSITION_WHOM.search(lowered) if qtype == "who" else None
    shape = next((form for asks, form in DATE_SHAPES if asks.search(lowered)), None) if qtype == "when" else None
    return Reading(
        shape=shape,
        asks_from=bool(_FROM.search(lowered)),
        asks_doer=qtype == "who" and not _NOT_ACTIVE.search(question),
        place_kind=kind.group(1) if qtype == "where" and (kind := _PLACE_KIND.search(lowered)) else None,
        labels=ENTITY_LABELS[qtype],
        terms=frozenset(terms(question)),
        preference=preference,
        unit=counted_unit(question) if qtype == "how many" else None,
        money=qtype == "how many" and bool(MONEY_ASKED.search(lowered)) and not CHANGE.search(lowered),
        described=described,
        described_name=named,
        role=described_role(described) if described and not named else None,
        preposition=next((g for g in asked.groups() if g), None) if asked else None,
        spoken=any(w in SPEECH_FORMS or w in TALK for w in re.findall(r"[a-z]+", lowered)),
        duration=qtype == "how many" and bool(re.search(r"\bhow long\b", lowered)),
        capacity=(not NOW.search(lowered) and bool(CAPACITY_ASKED.search(lowered))) if qtype == "how many" else None,
    )


# "Where is Alder College?", "Where was the Summer Theatre located?": where a named thing is
_WHERE_IS_NAMED = re.compile(
    r"^\s*where\s+(?:is|was|are|were)\s+(?:the\s+)?(?-i:[A-Z])[\w.’'-]*(?:\s+(?:(?-i:[A-Z])|of\b|the\b)[\w.’'-]*)*"
    r"(?:\s+(?:located|based|situated|found|headquartered))?\s*\??\s*$",
    re.IGNORECASE,
)


def asked_role(question: str) -> str | None:
    """The role "Who is the foreign minister?" asks the holder of ("minister"), or None."""
    return reading(question, "who").role
