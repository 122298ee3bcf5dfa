"""The people a document names: full names, roles, and who a pronoun or a title points to."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qa.attribute.lexicon import HUMAN_NOUNS, NAME_TITLES
from qa.attribute.lexicon import words as word_set
from qa.nlp import parse
from qa.retrieve.lexical import STOPWORDS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_POSSESSIVE = re.compile(r"\s*[’']s?$")
_NAME_WORD = r"[A-Z][\w’'.-]*"
# Tokens a role never starts with; determiners carry no meaning in a title.
_DROP_LEAD = {"det", "punct", "cc"}
_ROLE_CUT = {"relcl", "acl", "advcl", "punct"}


_MALE = frozenset({"he", "him", "his", "himself"})
_FEMALE = frozenset({"she", "her", "hers", "herself"})
_HONORIFICS = {"mr": "male", "sir": "male", "mrs": "female", "ms": "female", "miss": "female"}
# After a mention, up to the first pronoun: no other name (a capitalised word), no sentence end, no
# quote opening (someone else's words) in between. "Reed confirmed his statements" -> his.
_UNTIL_PRONOUN = re.compile(r"[^A-Z.!?;“\"]*?\b(he|him|his|himself|she|her|hers|herself)\b(?:\s+([a-z]+))?")
_OWNS = re.compile(r"[’']s\s+([a-z]+)")
# "Reed’s wife said she": after a person's relative or aide, a pronoun is theirs.
_RELATIVES = HUMAN_NOUNS | word_set(
    """wife husband son daughter mother father brother sister partner friend girlfriend boyfriend
    widow widower child children parent parents family staff aide aides spokesman spokeswoman"""
)


def pronoun_gender(word: str) -> str | None:
    """ "male" for he/him/his, "female" for she/her, None for any other word."""
    word = word.lower()
    return "male" if word in _MALE else "female" if word in _FEMALE else None


def _refers_back(text: str, end: int) -> str | None:
    """The gender of the first pronoun after a mention ending at `end` that can be the person
    themself: "he"/"his"/"she", "her" before a noun ("her crews"); not "him" or "her" as an object
    ("Reed thanked her"), nor anything after a relative ("Reed’s wife said she")."""
    owns = _OWNS.match(text, end)
    if owns and owns.group(1) in _RELATIVES:
        return None
    follow = _UNTIL_PRONOUN.match(text, owns.end() if owns else end)
    if not follow:
        return None
    word, after = follow.group(1).lower(), follow.group(2)
    if word == "him" or (word == "her" and (not after or after in STOPWORDS)):
        return None
    return pronoun_gender(word)


def gender_in(texts: Iterable[str], name: str) -> str | None:
    """How the documents refer back to `name`: "male" when "he"/"his" follow its mentions (or
    "Mr." precedes them) more often than "she"/"her", "female" the other way round, None when
    they never do or are even. No list of first names: the documents are the only evidence."""
    parts = clean_name(name).split()
    if not parts:
        return None
    surname = re.escape(parts[-1])
    mention = re.compile(rf"\b{surname}\b")
    honorific = re.compile(rf"\b(Mr|Mrs|Ms|Miss|Sir)\.?\s+(?:[A-Z][\w’'.-]*\s+){{0,2}}{surname}\b")
    votes = {"male": 0, "female": 0}
    for text in texts:
        if parts[-1] not in text:
            continue  # cheap test first
        for m in honorific.finditer(text):
            votes[_HONORIFICS[m.group(1).lower()]] += 1
        for m in mention.finditer(text):
            if gender := _refers_back(text, m.end()):
                votes[gender] += 1
    if votes["male"] == votes["female"]:
        return None
    return max(votes, key=lambda g: votes[g])


def acts_in(texts: Iterable[str], name: str) -> bool:
    """Whether a sentence has `name` doing something: its surname right before a verb ("Joseph Haas
    was arrested for sending an email stating ..."). "The Reed administration demands" and
    "Reed’s most vocal critic" do not: a person only named that way never speaks or acts."""
    parts = clean_name(name).split()
    if not parts:
        return False
    surname = parts[-1]
    for text in texts:
        if surname not in text:
            continue  # cheap test first: parsing costs milliseconds
        doc = parse(text)
        for token in doc[:-1]:
            if token.text == surname and doc[token.i + 1].pos_ in ("VERB", "AUX"):
                return True
    return False


def clean_name(text: str) -> str:
    """A name without its possessive ending ("Lee’s" -> "Lee")."""
    return _POSSESSIVE.sub("", text.strip())


def _text(doc: Doc, start: int, end: int) -> str:
    """Tokens `start:end` as written, trimmed of edge punctuation."""
    toks = [t for t in doc[start:end]]
    while toks and (toks[0].dep_ in _DROP_LEAD or toks[0].is_punct or toks[0].is_space):
        toks.pop(0)
    while toks and (toks[-1].is_punct or toks[-1].is_space):
        toks.pop()
    if not toks:
        return ""
    return doc.text[toks[0].idx : toks[-1].idx + len(toks[-1].text)]


def titled_name(text: str) -> tuple[str, str] | None:
    """("Councilmembers", "Priya Raman") for "Councilmembers Priya Raman": a title of NAME_TITLES
    followed by two or three capitalised words; None otherwise."""
    words = clean_name(text).split()
    if len(words) < 3 or words[0].lower() not in NAME_TITLES:
        return None
    rest = words[1:]
    if len(rest) > 3 or not all(w[:1].isupper() and w.replace("-", "").replace("’", "").isalpha() for w in rest):
        return None
    return words[0], " ".join(rest)


def named_body(subject: Token) -> Span | None:
    """A common noun named by the proper nouns before it ("the Port of X authority", "the X port
    authority"): a body that speaks and offers, from its first proper noun on."""
    if subject.pos_ != "NOUN":
        return None
    named = [c for c in subject.lefts if c.dep_ in ("nmod", "compound") and c.pos_ == "PROPN"]
    return subject.doc[named[0].left_edge.i : subject.i + 1] if named else None


def person_span(token: Token) -> Span | None:
    """The PERSON entity holding `token`, if the tagger found one."""
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end and ent.label_ == "PERSON":
            return ent
    return None


def local_role(name_head: Token, name_start: int) -> str | None:
    """The title written next to a name: "Harbour Commissioner" Tom Reed, Lee, "a law professor"."""
    doc = name_head.doc
    lefts = [c for c in name_head.lefts if c.i < name_start and c.dep_ in ("compound", "nmod", "amod", "npadvmod")]
    if lefts:
        role = _text(doc, min(c.left_edge.i for c in lefts), name_start)
        if role and any(t.is_alpha for t in doc[min(c.left_edge.i for c in lefts) : name_start]):
            return role
    for child in name_head.rights:
        if child.dep_ == "appos" and child.pos_ in ("NOUN", "PROPN"):
            cut = [g.left_edge.i for g in child.rights if g.dep_ in _ROLE_CUT]
            role = _text(doc, child.left_edge.i, min([*cut, child.right_edge.i + 1]))
            if role:
                return role
    head = name_head.head
    if name_head.dep_ == "appos" and head.pos_ == "NOUN":
        role = _text(doc, head.left_edge.i, head.i + 1)
        if role:
            return role
    return None


@dataclass
class People:
    """Names seen in a document; `more(surname)` may parse a few extra sentences to find a full name."""

    text: str
    names: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)
    more: Callable[[str], Iterable[Doc]] | None = None
    _searched: set[str] = field(default_factory=set)
    _extra_mentions: list[tuple[int, str]] = field(default_factory=list)
    _genders: dict[str, str | None] = field(default_factory=dict)

    def add_doc(self, doc: Doc) -> None:
        """Register every PERSON entity of a parsed sentence, with its role if one is written, and
        the names after a title the tagger took for an organisation ("Councilmembers Priya Raman")."""
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                titled = titled_name(ent.text)
                if titled is not None and titled[1] not in self.names:
                    self.names.append(titled[1])
                    self.roles.setdefault(titled[1], titled[0])
                continue
            name = clean_name(ent.text)
            if not name or not any(ch.isalpha() for ch in name) or not name[0].isupper():
                continue
            if name not in self.names:
                self.names.append(name)
            role = local_role(ent[-1], ent.start)
            if role:
                self.roles.setdefault(self.full_name(name, search=False), role)

    def knows(self, word: str) -> bool:
        last = clean_name(word).split()[-1:] if word.strip() else []
        return bool(last) and any(n.split()[-1] == last[0] for n in self.names)

    def full_name(self, mention: str, search: bool = True) -> str:
        """The longest name in the document ending like `mention` ("Reed" -> "Tom Reed")."""
        mention = clean_name(mention)
        words = mention.split()
        if not words:
            return mention
        if search and len(words) == 1 and words[0] not in self._searched and self.more is not None:
            self._searched.add(words[0])
            pattern = re.compile(rf"\b{_NAME_WORD}\s+{re.escape(words[0])}\b")
            if pattern.search(self.text):
                for doc in self.more(words[0]):
                    self.add_doc(doc)
        matches = [n for n in self.names if n.split()[-len(words) :] == words]
        best = max(matches, key=lambda n: (len(n.split()), -self.names.index(n)), default=mention)
        # Roles found under a short name belong to the full one.
        for short in matches:
            if short != best and short in self.roles:
                self.roles.setdefault(best, self.roles[short])
        return best

    def role_of(self, name: str) -> str | None:
        return self.roles.get(name)

    def by_title(self, noun: str, possessor: str | None = None) -> str | None:
        """The one named person whose title is `noun`: "the town’s mayor" -> Mayor Ann Lee."""
        word = noun.lower()
        found = [n for n in self._full_names() if word in re.findall(r"\w+", self.roles.get(n, "").lower())]
        if not found:
            pattern = re.compile(rf"\b(?i:{re.escape(noun)})\s+((?:{_NAME_WORD}\s+){{0,2}}{_NAME_WORD})")
            for m in pattern.finditer(self.text):
                candidate = self.full_name(m.group(1).split()[-1])
                if candidate in self.names and candidate not in found:
                    found.append(candidate)
                    self.roles.setdefault(candidate, self.text[m.start() : m.start() + len(noun)])
        if possessor and len(found) > 1:
            owned = [n for n in found if possessor.lower() in self.roles.get(n, "").lower()]
            found = owned or found
        return found[0] if len(found) == 1 or (found and possessor) else None

    def note_mention(self, offset: int, name: str) -> None:
        """A resolved mention the surname scan cannot see ("the town’s mayor")."""
        self._extra_mentions.append((offset, name))

    def most_recent(self, before: int, exclude: set[str], pronoun: str = "") -> str | None:
        """The person mentioned last before `before`, for "he"/"she": the last one the document
        does not refer to with the other pronoun; None rather than a man for "she"."""
        # (offset, tie-break, name): at one offset the name listed first wins, a scanned mention
        # before a noted one.
        seen: list[tuple[int, int, str]] = []
        for rank, name in enumerate(self._full_names()):
            if name in exclude:
                continue
            for word in {name, name.split()[-1]}:
                found = re.finditer(rf"\b{re.escape(word)}\b", self.text[:before])
                seen += [(m.start(), -rank, name) for m in found]
        last = -len(self.names) - 1
        seen += [(at, last, name) for at, name in self._extra_mentions if at < before and name not in exclude]
        if not seen:
            return None
        seen.sort()
        wanted = pronoun_gender(pronoun)
        return next((n for *_, n in reversed(seen) if not wanted or self.gender(n) in (None, wanted)), None)

    def gender(self, name: str) -> str | None:
        """How the document refers back to `name` (`gender_in`), worked out once per name."""
        if name not in self._genders:
            self._genders[name] = gender_in([self.text], name)
        return self._genders[name]

    def _full_names(self) -> list[str]:
        seen: list[str] = []
        for n in self.names:
            full = self.full_name(n, search=False)
            if full not in seen:
                seen.append(full)
        return seen
