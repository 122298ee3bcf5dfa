"""The short-answer record (`Span`) and the token-level steps every answer rule shares.

A parsed sentence's run of tokens becomes an option here: trimmed to whole words, measured by its
distance from the question's words, and ended where its noun phrase ends. The rule modules for
places, amounts, dates, roles and people all build options through these helpers, and
span.py gathers them, so they live in a module of their own that imports none of the others.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from qa.attribute.lexicon import HUMAN_NOUNS
from qa.nlp import parse
from qa.retrieve.lexical import terms

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


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


@lru_cache(maxsize=4096)
def token_terms(sentence: str) -> tuple[str | None, ...]:
    """Each token's search term (None for stop words and punctuation), cached as the parse is."""
    return tuple(tt[0] if (tt := terms(t.text)) else None for t in parse(sentence))


def after_verbs(
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


def right_after(doc: Doc, span: Span, positions: frozenset[int]) -> bool:
    """The span starts at one of `positions` or right after it (determiners may come between)."""
    at = token_at(doc, span.start)
    return at in positions or any(
        k in positions and all(t.pos_ == "DET" for t in doc[k + 1 : at]) for k in range(max(0, at - 3), at)
    )


_INITIAL = re.compile(r"^[A-Z]\.$")
# Punctuation a short answer never ends on, or starts on.
_NOT_LAST = frozenset("([{“‘,;:")
_NOT_FIRST = frozenset(")]}”’,;:")
_NOT_LAST_POS = frozenset({"SCONJ", "DET", "ADP", "CCONJ", "PRON"})


def option(
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
        # "I" after a name that a verb takes is the speaker: "told Reed I would never agree"
        and not (doc[end].text == "I" and start > 0 and doc[start - 1].pos_ in ("VERB", "AUX"))
    ):
        end += 1
    return start, end


def _suffix_word(doc: Doc, hyphen: int) -> bool:
    """A lower-case word hyphened to a name ("Dallas-based", "Paris-born"): no part of the name."""
    return doc[hyphen - 1].text[:1].isupper() and doc[hyphen + 1].text[:1].islower()


def token_at(doc: Doc, char: int) -> int:
    """The index of the first token starting at or after `char`."""
    return next((t.i for t in doc if t.idx >= char), len(doc))


def _gap(anchors: dict[int, str], start: int, end: int, default: int) -> tuple[int, float]:
    """How far (in tokens) the span [start, end) stands from the question's words in the sentence:
    the nearest one, and half the mean distance to each of the question's terms found there.

    The second ranks the spans of one sentence: a span beside one of the words ("a short pass to Tom
    Jones") loses to one amid all of them ("a 22-yard touchdown pass to Bob Brown" for "Who caught
    the 22-yard touchdown pass?"); it found more short answers than the nearest word alone
    (docs/evaluation.md). Sentences are compared by the nearest word only: a long sentence that
    spreads the question's words ("Mayor Ann Lee ... Port Alder") is not worse for it.
    """
    if not anchors:
        return default, 0.0
    nearest_of: dict[str, int] = {}
    for at, term in anchors.items():
        distance = max(0, start - at - 1) if at < start else max(0, at - end)
        nearest_of[term] = min(nearest_of.get(term, distance), distance)
    distances = nearest_of.values()
    return min(distances), 0.5 * sum(distances) / len(distances)


NOUNS = ("PROPN", "NOUN")


def phrase_end(doc: Doc, start: int, limit: int, within: Callable[[int], bool]) -> int:
    """The end of the noun phrase from `start`: over at most `limit` tokens that `within` accepts,
    then back to the last noun; `start` when there is none."""
    end = start
    while end < min(len(doc), start + limit) and within(end):
        end += 1
    while end > start and doc[end - 1].pos_ not in NOUNS:
        end -= 1
    return end


def noun_tail(doc: Doc, end: int, limit: int = 3, people: bool = True) -> int:
    """An entity's end moved over the nouns that finish its phrase ("the University of Chicago"
    campus); without `people`, not over a person's title ("Alder College", not "Alder College
    professor")."""
    stop = min(len(doc), end + limit)
    while end < stop and doc[end].pos_ in NOUNS and doc[end].ent_iob_ != "B":
        if not people and doc[end].lower_ in HUMAN_NOUNS:
            break
        end += 1
    return end


POSSESSIVE = ("'s", "’s")


NP_POS = frozenset({"DET", "ADJ", "PROPN", "NOUN", "CCONJ", "PART"})


PHRASE_POS = NP_POS | {"NUM"}  # a place phrase may hold a number ("at 10 Downing Street")
