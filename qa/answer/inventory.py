"""Replies to "which countries are mentioned?", "who is named in the article?": every name of the
kind asked for in the best-matching document, each cited where the document first gives it.

Retrieval finds the passages most like a question, which for such a question are no better than
any others: the answer is spread over the whole document. So the document's sentences are read in
order by the entity tagger (spaCy's small English pipeline, as for short answers), the way the
summary reads its opening. Which document: the one the best passage comes from (with one
document, that one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pycountry

from qa.answer.compose import _trim, cite, related_passages
from qa.answer.span import is_country, is_title
from qa.nlp import pipeline
from qa.retrieve.catalog import Catalog
from qa.retrieve.hybrid import PassageHit
from qa.schema import Answer, Citation

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True)
class Kind:
    """What a question lists: the entity labels that name it, and the word the reply opens with."""

    labels: frozenset[str]
    heading: str
    countries_only: bool = False


_PEOPLE = Kind(frozenset({"PERSON"}), "People named")
_KINDS: dict[str, Kind] = {
    **dict.fromkeys(("people", "persons", "person", "individuals", "names"), _PEOPLE),
    **dict.fromkeys(("countries", "country", "nations"), Kind(frozenset({"GPE"}), "Countries named", True)),
    **dict.fromkeys(("places", "place", "locations"), Kind(frozenset({"GPE", "LOC", "FAC"}), "Places named")),
    **dict.fromkeys(
        ("organizations", "organisations", "organization", "organisation", "institutions", "companies"),
        Kind(frozenset({"ORG"}), "Organisations named"),
    ),
    **dict.fromkeys(("dates", "years"), Kind(frozenset({"DATE"}), "Dates given")),
}
_KIND = "|".join(sorted(_KINDS, key=len, reverse=True))
# mentioned, and nothing after but where: "Who was named president?" asks who was appointed
_SAID = (
    r"(?:mentioned|named|cited|referred\s+to|listed|involved|featured|discussed)"
    r"(?:\s+by\s+name|\s+(?:in|throughout|within|across)\b[^?]*)?\s*[?.!]*\s*$"
)
_BE = r"(?:is|are|was|were|get|gets|got|has\s+been|have\s+been)"
_INVENTORY = re.compile(
    rf"^\s*(?:which|what)\s+(?:other\s+)?(?P<kind>{_KIND})\s+{_BE}\s+{_SAID}"
    rf"|^\s*(?:which|what)\s+(?:other\s+)?(?P<kind2>{_KIND})\s+(?:does|do|did)\s+(?:it|the\s+\w+)\s+(?:mention|name)\b"
    rf"|^\s*(?P<who>who)\s+{_BE}\s+{_SAID}"
    rf"|^\s*(?:list|name)\s+(?:all\s+|every\s+)?(?:of\s+)?(?:the\s+)?(?P<kind3>{_KIND})\b",
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
    word = match.group("kind") or match.group("kind2") or match.group("kind3")
    return _KINDS[word.lower()]


def _key(name: str, kind: Kind) -> str:
    """Two mentions of one thing: "the U.S." and "the United States", "Rubio" and "Marco Rubio"
    (the latter merged afterwards)."""
    bare = re.sub(r"^the\s+|['’]s$", "", name.strip(), flags=re.IGNORECASE)
    if "GPE" in kind.labels:
        try:
            return str(pycountry.countries.lookup(bare.replace(".", "")).alpha_2)
        except LookupError:
            pass
    return bare.lower()


def _fits(text: str, label: str, kind: Kind) -> bool:
    if label not in kind.labels:
        return False
    if kind is _PEOPLE and (any(c.isdigit() for c in text) or not text[:1].isupper()):
        return False  # the tagger takes "MS-13" for a person
    return not kind.countries_only or is_country(text)


def _in_title(doc: Doc, start: int, end: int) -> bool:
    """One word ending a capitalised title: "State" in "the U.S. Secretary of State"."""
    return (
        end - start == 1
        and start >= 2
        and doc[start - 1].lower_ == "of"
        and doc[start - 2].text[:1].isupper()
        and is_title(doc[start - 2].text)
    )


def list_names(
    question: str, hits: list[PassageHit], catalog: Catalog, budget: int, most_sentences: int
) -> Answer | None:
    """Every name of the asked kind in the best-matching document's first `most_sentences`
    sentences, in the order it first appears, each cited there with the name highlighted, as
    many as `budget` characters hold; None when the question is no such request or none is found."""
    kind = inventory_kind(question)
    if kind is None or not hits:
        return None
    sentences = list(catalog.document_sentences(catalog.passages[hits[0].index].doc))[:most_sentences]
    # not through parse's cache: a whole document is read once
    docs = list(pipeline().pipe(ref.text for ref, _ in sentences))
    # The tagger takes a person named with a possessive for an organisation or a place ("Bukele’s
    # statements"): a word of any person's name is no other kind of name.
    person_words = {w for doc in docs for e in doc.ents if e.label_ == "PERSON" for w in e.text.split()}
    found: dict[str, tuple[str, Citation]] = {}
    for (ref, passage), doc in zip(sentences, docs, strict=True):
        for ent in doc.ents:
            name = re.sub(r"['’]s$", "", ent.text)
            if not _fits(name, ent.label_, kind) or _key(name, kind) in found:
                continue
            if kind is not _PEOPLE and (
                set(name.split()) <= person_words  # "Rubio’s announcement"
                or (ent.end < len(doc) and doc[ent.end].ent_type_ == "PERSON")  # "Secretary of State Marco Rubio"
                or _in_title(doc, ent.start, ent.end)
            ):
                continue
            lo, hi = _trim(ref.text, budget // 2, (ent.start_char, ent.start_char + len(name)))
            quote = cite(0, ref.start + lo, ref.text[lo:hi], passage, 1.0)
            at = ref.start + ent.start_char
            found[_key(name, kind)] = (name, replace(quote, span_start=at, span_end=at + len(name)))
    names = list(found.values())
    if kind is _PEOPLE:  # "Rubio" is Marco Rubio when the document names him in full too
        names = [(n, c) for n, c in names if not any(o != n and o.endswith(" " + n) for o, _ in names)]
    if not names:
        return None
    parts: list[str] = []
    citations: list[Citation] = []
    used = len(kind.heading) + 2
    more = len(" (and 999 more)")
    for name, citation in names:
        if used + len(name) + 2 > budget - more:
            break
        citations.append(replace(citation, n=len(citations) + 1))
        parts.append(f"{name} [{len(citations)}]")
        used += len(name) + 2
    text = f"{kind.heading}: " + ", ".join(parts)
    if len(citations) < len(names):
        text += f" (and {len(names) - len(citations)} more)"
    return Answer(question=question, text=text, citations=citations, passages=related_passages(hits, catalog))
