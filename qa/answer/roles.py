"""People's titles and roles: who holds an office, and what a sentence says someone is.

The titles written before a name, the descriptions that answer "Who is X?" (an apposition, the
title in front of the name), the role a question asks the holder of and whether a sentence gives
that role to the person an option names, and the countries a role is tied to in a question or in
the documents. Questions about office holders share these word lists and tag-reading rules.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from qa.answer.places import country_key, is_country
from qa.answer.tokens import POSSESSIVE, Span, token_at
from qa.answer.words import HEAD_ROLES, NAME_SUFFIXES, ROLE_HOLDING, TITLES
from qa.attribute.lexicon import SPEECH_FORMS
from qa.nlp import parse
from qa.retrieve.lexical import NAME_PARTICLES, terms

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


def is_title(word: str) -> bool:
    """A person's title or rank ("President", "Secretary", "Dr.")."""
    return word.lower() in TITLES


def titled(doc: Doc, start: int, asked: frozenset[str], limit: int = 3) -> int:
    """A person's start moved back over the capitalised titles before the name, unless the
    question gives the title ("Who is the president of Chile?": the name, not "President ...")."""
    first = start
    while (
        start > 0
        and first - start < limit
        and doc[start - 1].text[:1].isupper()
        and doc[start - 1].lower_ in TITLES
        and not set(terms(doc[start - 1].text)) & asked
    ):
        start -= 1
    return start


def suffixed(doc: Doc, end: int) -> int:
    """A person's end moved over ", Jr." or "Sr."."""
    if end + 1 < len(doc) and doc[end].text == "," and doc[end + 1].lower_ in NAME_SUFFIXES:
        return end + 2
    return end + 1 if end < len(doc) and doc[end].lower_ in NAME_SUFFIXES else end


_APPOSITION_END = re.compile(r",|\)|;| who | which | whose | that ")


# "the president of X", "Chile's foreign minister": the role, after an article or a possessive name
_ROLE_OF = re.compile(
    r"^(?:the |a |an |(?:[A-Z][\w.]*\s){0,3}[A-Z][\w.]*(?:'s|’s) )([a-z][a-z -]*?)"
    r"(?: (?:of|for|in|at|on|from|with|during|under|to|since|after|before|who|that) |$)"
)


def described_role(described: str) -> str | None:
    """The role "Who is the president of Chile?" / "Who is Chile's foreign minister?"
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


_NOUN_PHRASE = frozenset({"DET", "ADJ", "PROPN", "PART", "NOUN", "NUM"})


def appositions(doc: Doc, held: list[int]) -> list[tuple[int, int]]:
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
    """The preposition whose object the noun phrase ending at token i is ("with Chile's foreign
    minister"), read from the tags alone (the pipeline has no parser); a hyphenated word
    is one word ("play-by-play announcer")."""
    j = i - 1
    while j >= 0:
        t = doc[j]
        hyphenated = "-" in (t.text, doc[j - 1].text if j else "", doc[j + 1].text if j + 1 < len(doc) else "")
        if not (t.pos_ in _NOUN_PHRASE or hyphenated):
            return t if t.pos_ == "ADP" else None
        j -= 1
    return None


def holds_role(doc: Doc, option: Span, held: list[int], question_terms: frozenset[str], set_off: bool = False) -> bool:
    """False when the sentence gives the role (mentioned at the tokens `held`) to no one the option
    names: the option is the role itself ("Chile's foreign minister" for "Who is the foreign
    minister?"), or each mention of the role is nearer another person ("Mayor Ann Lee ..., Reed
    said") or told by the option's person ("Tom Reed said the mayor offered ...": not Reed). A
    name the question gives is the role's place, whatever the tagger calls it ("the mayor of
    Glimmerwick")."""
    span = doc.char_span(option.start, option.end, alignment_mode="expand")
    if span is None:
        return True
    if not any(t.ent_type_ or t.text[:1].isupper() for t in span):
        return False  # a holder has a name ("Commissioners", "The individual"), not "a transactional relationship"
    if is_country(span.text) and not set_off and not any(t.ent_type_ == "PERSON" for t in span):
        # a country holds no one's office ("Chile's president offered ... to Peru"); a
        # person may be called so ("The club's head coach, Jordan, ...": set off by commas)
        return False
    if any(span.start <= i < span.end for i in held):
        # "Mayor Ann Lee" names the holder; "Chile's foreign minister" only a place
        return any(t.ent_type_ == "PERSON" or (t.pos_ == "PROPN" and t.ent_type_ not in _PLACES) for t in span)
    for i in held:
        between = doc[i + 1 : span.start] if i < span.start else doc[span.end : i]
        if any(t.ent_type_ == "PERSON" and not set(terms(t.text)) & question_terms for t in between):
            continue  # the role is that nearer person's ("Mayor Ann Lee ..., Reed said")
        if i > span.start and any(t.lower_ in SPEECH_FORMS and t.pos_ == "VERB" for t in between):
            continue  # the option's person says what the role's holder did
        if any(t.text in _CLOSING_QUOTES for t in between):
            continue  # the role is in a quotation, the option outside it: its speaker, not its holder
        governing = _governing_preposition(doc, i)
        if governing is not None and governing.lower_ not in ROLE_HOLDING and span.end <= governing.i:
            continue  # "an agreement with Chile's foreign minister", "served under the president"
        return True
    return not held


def descriptions(name: str, doc: Doc) -> list[Span]:
    """How the sentence describes `name`: an apposition after it ("Ann Lee, a law professor at
    Alder College, ...") or before it ("The Prince of Płock, Bolesław II, ..."), or the title in
    front of it ("Alder College professor Ann Lee"). A surname is read as the whole name the
    sentence gives ("Who is Reed?": "Harbour Commissioner Tom Reed")."""
    text = doc.text
    if not name[:1].isupper():
        return []
    # the name as a word of its own, not inside a place's ("Alder" in "Port Alder")
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
        first = token_at(doc, start)
        if start < end <= start + 120 and first < len(doc) and doc[first].pos_ in ("DET", "ADJ", "NOUN", "NUM"):
            out.append(Span(start, end, 0, 0))
    before = text[:at].rstrip()
    if before.endswith(","):
        start = max(before.rfind(",", 0, len(before) - 1) + 1, 0)
        phrase = before[start:-1].strip()
        opener = phrase.split()[0] if phrase else ""
        if phrase and len(phrase) <= 120 and (opener.lower() in ("the", "a", "an") or opener.endswith(POSSESSIVE)):
            begin = text.index(phrase, start)
            out.append(Span(begin, begin + len(phrase), 0, 0))
    title: list[Token] = []  # "U.S. Secretary of State", "Alder College professor", "President"
    for token in reversed(doc[: token_at(doc, at)]):
        if token.pos_ not in ("PROPN", "NOUN", "ADP") or token.ent_type_ == "PERSON" or len(title) == 5:
            break
        title.insert(0, token)
    while title and title[0].pos_ == "ADP":
        title = title[1:]
    if title and title[-1].pos_ != "ADP" and title[-1].idx + len(title[-1].text) == at - 1:  # not "statements to"
        out.append(Span(title[0].idx, title[-1].idx + len(title[-1].text), 0, 0))
    return out


def mentions_role(sentence: str, role: str) -> bool:
    """Whether a sentence names the role at all (its words alone: no parse needed)."""
    forms = role_forms(role)
    return any(is_role(w, forms) for w in re.findall(r"[a-z]+", sentence.lower()))


@lru_cache(maxsize=64)
def role_forms(role: str) -> frozenset[str]:
    """The words that name a role: itself, or for "leader" a head's title too."""
    return HEAD_ROLES.get(role, frozenset()) | {role}


def role_countries(question: str, role: str) -> set[str]:
    """The countries the question asks the role of ("the president of the United States": US)."""
    return _tied_countries(parse(question), role_forms(role))


def _tied_countries(doc: Doc, forms: frozenset[str]) -> set[str]:
    """The countries a text gives the role to: "Chile's president", "U.S. President",
    "president of (the) United States"."""
    roles = [t.i for t in doc if is_role(t.lower_, forms)]
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


def is_role(word: str, forms: frozenset[str]) -> bool:
    """A mention of the role: one of its words, plural or singular."""
    return word in forms or word.removesuffix("s") in forms or word.removesuffix("es") in forms
