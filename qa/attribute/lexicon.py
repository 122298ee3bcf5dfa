"""Word lists the rules use: speech verbs, offer-like verbs, human nouns. General English, no names."""

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    """A word list written as one string, easier to read and extend than a list literal."""
    return frozenset(text.split())


# Verbs that introduce what someone said, wrote or committed to.
SPEECH_VERBS: frozenset[str] = words(
    """say tell add offer state confirm announce call agree praise argue claim write note explain insist
    warn declare deny admit acknowledge suggest propose promise pledge vow urge predict reply respond
    comment describe accuse criticize criticise stress emphasize emphasise contend recall tweet
    testify concede assert remark reiterate threaten demand ask report dismiss reject"""
)

# Verbs that make the statement an offer or a commitment (the "who offered what" questions).
OFFER_VERBS: frozenset[str] = words("offer agree propose promise pledge vow commit volunteer")

# Adjectives that make a statement a commitment too: "we are willing to ...".
OFFER_WORDS: frozenset[str] = words("willing ready prepared eager happy")

# Verbs whose content is an object complement ("called it a 'great idea'").
NAMING_VERBS: frozenset[str] = words("call describe praise criticize criticise dismiss label")

# Verbs whose infinitive complement is the content ("offered to accept ...").
XCOMP_VERBS: frozenset[str] = OFFER_VERBS | words("urge threaten demand ask refuse decline")

# Titles written before a name that the tagger may read as part of an organisation's name
# ("Councilmembers Priya Raman"): the person is the name after them.
NAME_TITLES: frozenset[str] = words(
    """councilmember councilmembers councilman councilwoman councillor councillors councilor councilors
    alderman alderwoman commissioner commissioners trustee trustees supervisor supervisors assemblyman
    assemblywoman congressman congresswoman senator senators representative rep. sen. gov. mayor"""
)

# Common nouns that can speak without a name ("experts say", "officials said").
HUMAN_NOUNS: frozenset[str] = words(
    """expert official analyst critic researcher scientist spokesman spokeswoman spokesperson lawyer
    attorney source witness resident observer economist historian professor scholar diplomat minister
    leader lawmaker senator representative author doctor advocate activist president governor mayor
    secretary director chairman chairwoman chair chief executive officer commander general judge
    prosecutor investigator police manager founder adviser advisor aide ambassador king queen prime
    premier chancellor ceo head"""
)

SUBJECT_PRONOUNS: frozenset[str] = frozenset({"he", "she"})
FIRST_PERSON: frozenset[str] = frozenset({"i", "we"})

_IRREGULAR: dict[str, tuple[str, ...]] = {
    "say": ("said",),
    "tell": ("told",),
    "write": ("wrote", "written"),
    "post": ("posted",),
}


def _forms(lemma: str) -> set[str]:
    """Inflected forms of a regular verb, good enough for a cheap pre-filter."""
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    third = lemma + "es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else lemma + "s"
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        third, past = lemma[:-1] + "ies", lemma[:-1] + "ied"
    else:
        past = stem + "ed"
    forms = {lemma, third, past, stem + "ing", lemma + "ing", *_IRREGULAR.get(lemma, ())}
    if lemma.endswith(("t", "p", "l")):  # admit -> admitted, commit -> committed
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


# Every form of a verb of speech ("confirmed", "tells"): "to" after one names a listener, no place.
SPEECH_FORMS: frozenset[str] = frozenset(f for lemma in SPEECH_VERBS for f in _forms(lemma))

# Present forms only where they are rarely nouns: "says" is a verb, "states" and "calls" mostly are not.
_PRESENT_OK = words("say tell write argue insist warn explain add agree confirm deny admit acknowledge urge")


def _cue_forms(lemma: str) -> set[str]:
    present = {lemma, lemma + "s", lemma + "es"}
    return _forms(lemma) if lemma in _PRESENT_OK else _forms(lemma) - present


_ALL_FORMS = sorted({f for lemma in SPEECH_VERBS | OFFER_VERBS for f in _cue_forms(lemma)} | {"according"})
# Lower-case forms only, or a capitalised one opening the sentence: "United States" is not a verb.
# Passives ("is called", "was agreed") name no speaker, so they do not make a sentence worth parsing.
_NOT_PASSIVE = "".join(rf"(?<!\b{w} )" for w in ("is", "are", "was", "were", "be", "been", "being")) + "(?<!so-)"
SPEECH_CUE = re.compile(_NOT_PASSIVE + r"\b(?:" + "|".join(_ALL_FORMS) + r")\b")
SPEECH_CUE_START = re.compile(r"^\W*(?:" + "|".join(f.capitalize() for f in _ALL_FORMS) + r")\b")

OPEN_QUOTES = '“"«„'
CLOSE_QUOTES = '”"»“'
QUOTE = re.compile(r"“([^”]+)”|\"([^\"]+)\"|«([^»]+)»")


def has_speech_cue(text: str) -> bool:
    """Whether a sentence is worth parsing: parsing is the cost, most sentences report no speech."""
    return bool(SPEECH_CUE.search(text) or SPEECH_CUE_START.search(text))
