"""Who-answers beyond the tagged entities: owners, doers, listeners and unnamed people.

The one a sentence says owns a thing ("his boats"), the doer after "by" in a passive sentence, the
one a preposition or a verb of speech takes ("with whom", "told CNN"), the noun phrases that name
a person by what they do ("the municipal building inspector"), and the options that are no one at
all. These read a sentence's tags to find a person or body the tagger missed or mislabelled.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from qa.answer.tokens import NOUNS, NP_POS, PHRASE_POS, POSSESSIVE, Span, option, phrase_end, token_at
from qa.answer.words import DEMONSTRATIVES, TELL
from qa.retrieve.lexical import NAME_PARTICLES, terms

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as EntitySpan


_OWNER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


def agent(doc: Doc, start: int) -> Span | None:
    """The doer named from `start` (after "by"): the person it names ("Mayor Jane Smith" -> "Jane
    Smith"), else the whole noun phrase ("the courts of member states"), never a date after it."""

    def within(i: int) -> bool:
        return (doc[i].pos_ in _AGENT_POS or doc[i].lower_ == "of") and doc[i].ent_type_ not in ("DATE", "TIME")

    end = phrase_end(doc, start, 12, within)
    if end == start:
        return None
    person = next((e for e in doc[start:end].ents if e.label_ == "PERSON"), None)
    first, last = (person.start, person.end) if person else (start, end)
    return Span(doc[first].idx, doc[first:last].end_char, 0, 0)


def agent_follows(verb: Token, word: Token) -> bool:
    """ "The show was headlined by ...": a participle of the question's verb, then "by"."""
    return verb.tag_ == "VBN" and word.lower_ == "by"


def follows(preposition: str, doc: Doc, span: Span, spoken: bool = False) -> bool:
    """The span stands right after the preposition (a determiner or two may come between); when
    the question asks who was spoken to, "told CNN" says it to CNN."""
    at = token_at(doc, span.start)
    told = spoken and preposition == "to"
    return any(t.lower_ == preposition or (told and t.lower_ in TELL) for t in doc[max(0, at - 2) : at])


def objects_of(preposition: str, doc: Doc, options: list[Span], spoken: bool) -> list[Span]:
    """ "With whom was it signed?": a span right after "with" is the answer, whatever its type."""
    return [replace(o, gap=0, rank=0, spread=0.0) if follows(preposition, doc, o, spoken) else o for o in options]


def no_one(doc: Doc, span: Span) -> bool:
    """No answer to who: one word that names nothing ("Commonly", "International", tagged as a name
    at a sentence's start), or what a demonstrative points back to ("This results"). A people
    named by one adjective ("Sunni") stays."""
    tokens = doc.char_span(span.start, span.end, alignment_mode="expand") or doc[0:0]
    if not len(tokens):
        return False
    one = tokens[0]
    if len(tokens) == 1 and one.pos_ in ("ADV", "ADJ", "VERB", "AUX", "PRON", "ADP"):
        return not (one.pos_ == "ADJ" and one.ent_type_ == "NORP")  # "Sunni", "Muslim": a people
    return tokens[0].lower_ in DEMONSTRATIVES


def person_asked(ent: EntitySpan, question: str) -> bool:
    """A person the question names by surname ("Who did Lee say it to?" is not "Ann Lee"),
    unless the sentence names that one by the surname alone too: in "President Kennedy appointed
    his brother Robert Kennedy", Robert Kennedy is someone else."""
    last = ent[-1].text if ent[-1].lower_ not in POSSESSIVE else ent[-2].text if len(ent) > 1 else ""
    if ent.label_ != "PERSON" or not last[:1].isupper():
        return False
    if any(e.label_ == "PERSON" and e.text == last for e in ent.doc.ents if e.start != ent.start):
        return False
    # named alone, not inside another name ("Who founded McKinsey & Company?", "the Compton Effect")
    alone = rf"\b{re.escape(last)}\b(?![’']s\s+[A-Z])(?!\s+(?:[A-Z]|&))"
    return re.search(alone, question) is not None


def possessed(doc: Doc, end: int, limit: int = 4) -> int:
    """ "Chile's" + "foreign minister": a who-answer is the person a country has, when it names
    one. Only after a country or nation: the small pipeline often calls a person an ORG, and a
    person's own "Reed's announcement" is not a who."""
    if end < len(doc) and doc[end].lower_ in POSSESSIVE:
        end += 1
    elif doc[end - 1].lower_ not in POSSESSIVE:
        return end
    return phrase_end(doc, end, limit, lambda i: doc[i].pos_ in ("ADJ", "NOUN", "PROPN"))


_NP_START = NP_POS - {"CCONJ", "PART"}


_AGENT_POS = PHRASE_POS | {"CCONJ"}


def noun_phrases(q_terms: frozenset[str], doc: Doc, anchors: dict[int, str], rank: int) -> list[Span]:
    """ "Accountants", "the municipal building inspector": who-answers that name nobody."""

    def within(i: int) -> bool:
        nxt = doc[i + 1].pos_ if i + 1 < len(doc) else ""
        return (
            doc[i].pos_ in NP_POS
            or (doc[i].text == "," and nxt in NOUNS)  # "a construction manager, design engineer"
            or (doc[i].pos_ == "ADV" and nxt in ("ADJ", *NOUNS))  # "the most cost efficient bidder"
        )

    out: list[Span] = []
    i = 0
    while i < len(doc):
        end = phrase_end(doc, i, 12, within) if doc[i].pos_ in _NP_START else i
        if end > i and not set(terms(doc[i:end].text)) - NAME_PARTICLES <= q_terms:
            out.append(option(doc, anchors, i, end, rank))
        i = max(end, i + 1)
    return out
