"""Replies to "which countries are mentioned?", "who is named in the article?": every name of the
kind asked for in the best-matching document, each cited where the document first gives it.

Retrieval finds the passages most like a question, which for such a question are no better than
any others: the answer is spread over the whole document. So the document's sentences are read in
order by the entity tagger (spaCy's small English pipeline, as for short answers), the way the
summary reads its opening. Which document: the one the best passage comes from (with one
document, that one); with several, the reply says which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from qa.answer.places import country_key, is_country
from qa.answer.quoting import cite, related_passages, trim
from qa.answer.roles import is_title
from qa.answer.words import COUNTRY_WORDS, DATE_WORDS, MENTIONED, ORGANISATION_WORDS, PEOPLE_WORDS, PLACE_WORDS
from qa.attribute.people import titled_name
from qa.nlp import pipeline
from qa.retrieve.catalog import Catalog
from qa.retrieve.hybrid import PassageHit
from qa.schema import Answer, Citation


@dataclass(frozen=True)
class Kind:
    """What a question lists: the entity labels that name it, and the words the reply opens with."""

    labels: frozenset[str]
    heading: str
    countries_only: bool = False


_PEOPLE = Kind(frozenset({"PERSON"}), "People named")
_KINDS: dict[str, Kind] = {
    **dict.fromkeys(PEOPLE_WORDS, _PEOPLE),
    **dict.fromkeys(COUNTRY_WORDS, Kind(frozenset({"GPE"}), "Countries named", True)),
    **dict.fromkeys(PLACE_WORDS, Kind(frozenset({"GPE", "LOC", "FAC"}), "Places named")),
    **dict.fromkeys(ORGANISATION_WORDS, Kind(frozenset({"ORG"}), "Organisations named")),
    **dict.fromkeys(DATE_WORDS, Kind(frozenset({"DATE"}), "Dates given")),
}
_KIND = "|".join(sorted(_KINDS, key=len, reverse=True))
# Only a request for the whole list: nothing may follow the kind and "mentioned" but where
# ("in it", "in the documents", "in the harbour bridge story": which document), or "by name".
# "Who was named president?", "List the people who
# criticized the offer" and "Which places are mentioned by Reed?" ask something narrower.
_WHERE = (
    r"(?:\s+(?:by\s+name|here|so\s+far|in\s+(?:it|them|there)|in\s+(?:the|this|these|that|those)(?:\s+[\w’'-]+){1,5}))?"
)
_END = rf"{_WHERE}\s*[?.!]*\s*$"
_SAID = rf"(?:{MENTIONED})"
_BE = r"(?:is|are|was|were|get|gets|got|has\s+been|have\s+been)"
_OPEN = r"^\s*(?:and\s+|so\s+|also\s+|ok(?:ay)?,?\s+)?(?:(?:can|could|would|will)\s+you\s+|please\s+)?"
_INVENTORY = re.compile(
    rf"{_OPEN}(?:which|what)\s+(?:other\s+)?(?P<kind>{_KIND})\s+{_BE}\s+{_SAID}{_END}"
    rf"|{_OPEN}(?:which|what)\s+(?:other\s+)?(?P<kind2>{_KIND})\s+(?:does|do|did)\s+"
    rf"(?:it|they|the\s+(?:article|story|text|document|report|piece)s?)\s+(?:mention|name|cite|list){_END}"
    rf"|{_OPEN}(?:what|who)\s+are\s+(?:all\s+)?the\s+(?P<kind3>{_KIND})(?:\s+(?:that\s+)?(?:{_BE}\s+)?{_SAID}){_END}"
    rf"|{_OPEN}(?P<who>who)(?:\s+{_BE}|['’]s)\s+{_SAID}{_END}"
    rf"|{_OPEN}(?:list|name)\s+(?:all\s+|every\s+)?(?:of\s+)?(?:the\s+)?(?P<kind4>{_KIND})"
    rf"(?:\s+(?:that\s+)?(?:{_BE}\s+)?{_SAID})?{_END}",
    re.IGNORECASE,
)


def inventory_kind(question: str) -> Kind | None:
    """What kind of name the question asks for every one of ("Which countries are mentioned?"),
    or None when it asks something else."""
    match = _INVENTORY.search(question)
    if match is None:
        return None
    if match.group("who"):
        return _PEOPLE
    word = next(w for w in match.group("kind", "kind2", "kind3", "kind4") if w)
    return _KINDS[word.lower()]


@dataclass(frozen=True)
class _Name:
    """A name the tagger found: in which sentence of the document, where, and what around it says."""

    sentence: int
    start: int
    end: int
    label: str
    before_person: bool  # "Secretary of State Ann Lee": part of a person's title
    in_title: bool  # "the U.S. Secretary of State"


@lru_cache(maxsize=16)
def _names(texts: tuple[str, ...]) -> tuple[_Name, ...]:
    """Every entity of a document's sentences, read once per document text (not through parse's
    cache, which a whole document would flush)."""
    out: list[_Name] = []
    for i, doc in enumerate(pipeline().pipe(texts)):
        for ent in doc.ents:
            before_person = ent.end < len(doc) and doc[ent.end].ent_type_ == "PERSON"
            in_title = (
                ent.end - ent.start == 1
                and ent.start >= 2
                and doc[ent.start - 1].lower_ == "of"
                and doc[ent.start - 2].text[:1].isupper()
                and is_title(doc[ent.start - 2].text)
            )
            if ent.label_ != "PERSON" and (titled := titled_name(ent.text)) is not None:
                # "Councilmembers Priya Raman", an organisation to the tagger: the person named
                at = ent.start_char + ent.text.index(titled[1])
                out.append(_Name(i, at, at + len(titled[1]), "PERSON", False, False))
                continue
            out.append(_Name(i, ent.start_char, ent.end_char, ent.label_, before_person, in_title))
    return tuple(out)


def _key(name: str, label: str) -> str:
    """Two mentions of one thing: "the U.S." and "the United States", "Britain" and "the UK"."""
    if label == "GPE" and (country := country_key(name)):
        return country
    return re.sub(r"^the\s+", "", name, flags=re.IGNORECASE).lower()


def _name_text(text: str, label: str) -> str:
    """The name as the reply gives it: without a possessive ending, and for a place, without the
    person it owns ("Chile's Ann Lee", which the tagger may take as one entity)."""
    if label != "PERSON" and (owner := re.match(r"(.+?)['’]s\s+\S", text)):
        return owner.group(1)
    return re.sub(r"['’]s$", "", text)


def list_names(
    question: str, kind: Kind, hits: list[PassageHit], catalog: Catalog, budget: int, most_sentences: int
) -> Answer | None:
    """Every name of `kind` (`inventory_kind` of the question) in the best-matching document's
    first `most_sentences` sentences, in the order it first appears, each cited there with the
    name highlighted, as many as `budget` characters hold; None when none is found."""
    if not hits:
        return None
    doc_name = catalog.passages[hits[0].index].doc
    every = list(catalog.document_sentences(doc_name))
    sentences = every[:most_sentences]
    names = _names(tuple(ref.text for ref, _ in sentences))
    people = [_name_text(sentences[n.sentence][0].text[n.start : n.end], n.label) for n in names if n.label == "PERSON"]
    # The tagger takes a person named with a possessive for an organisation or a place ("Lee’s
    # statements"): a person's surname or full name is no other kind of name ("Jordan" in "Jordan
    # Bardella" still is a country).
    person_names = set(people) | {p.split()[-1] for p in people if p.split()}
    found: dict[str, tuple[str, Citation]] = {}
    for n in names:
        ref, passage = sentences[n.sentence]
        name = _name_text(ref.text[n.start : n.end], n.label)
        if n.label not in kind.labels or (kind.countries_only and not is_country(name)):
            continue
        if kind is _PEOPLE and (any(c.isdigit() for c in name) or not name[:1].isupper()):
            continue  # the tagger takes a name with a digit (a gang's, a route's) for a person
        if kind is not _PEOPLE and (name in person_names or n.before_person or n.in_title):
            continue
        key = _key(name, n.label)
        if key in found:
            continue
        lo, hi = trim(ref.text, budget // 2, (n.start, n.start + len(name)))
        at = ref.start + n.start
        quote = cite(0, ref.start + lo, ref.text[lo:hi], passage, 1.0)
        found[key] = (name, replace(quote, span_start=at, span_end=at + len(name)))
    listed = list(found.values())
    if kind is _PEOPLE:  # "Reed" is Tom Reed when the document names him in full too
        listed = [(n, c) for n, c in listed if not any(o != n and o.endswith(" " + n) for o, _ in listed)]
    if not listed:
        return None
    heading = kind.heading + (f" in {doc_name}" if len(catalog.doc_names) > 1 else "")
    tail = (
        f" (read the first {len(sentences):,} of its {len(every):,} sentences)" if len(every) > len(sentences) else ""
    )
    parts: list[str] = []
    citations: list[Citation] = []
    room = budget - len(heading) - 2 - len(tail) - len(" (and 999 more)")
    for name, citation in listed:
        if len(name) + 2 > room:
            break
        citations.append(replace(citation, n=len(citations) + 1))
        parts.append(f"{name} [{len(citations)}]")
        room -= len(name) + 2
    text = f"{heading}: " + ", ".join(parts)
    if len(citations) < len(listed):
        text += f" (and {len(listed) - len(citations)} more)"
    return Answer(question=question, text=text + tail, citations=citations, passages=related_passages(hits, catalog))
