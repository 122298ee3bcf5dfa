"""Whether an "it" stands for a clause of the question itself rather than for anything said before.

English puts a dummy "it" in subject position when the real subject is a clause moved to the end
(extraposition): "it" + copula + a predicate (adjective, participle or noun phrase) + a that-,
whether- or wh-clause, a "for ... to ..." clause, or a to-clause with content of its own. Such a
question has its own subject and needs no conversation. Read from the tagger's part-of-speech
tags (the small pipeline runs without its parser), by the grammar of the construction:

- a predicate word followed by a to-clause that takes the subject along (raising and control
  adjectives such as "likely", "able", "ready"; any passive participle; "enough" / "too") keeps
  "it" referential: the thing is likely to, designed to, big enough to;
- a to-clause with no noun or name of its own leaves the object to "it" ("easy to find" it);
- a cleft ("Was it X who ...?") names what it is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy is imported through qa.nlp only
    from spacy.tokens import Token

# Forms of the linking verbs an extraposed subject follows ("is it", "would it be", "it seems").
_LINKING = frozenset(
    {"is", "was", "are", "were", "be", "been", "being", "'s", "’s"}
    | {"seem", "seems", "seemed", "appear", "appears", "appeared", "look", "looks", "looked"}
)
# Adjectives whose to-clause shares the subject (raising and control): "it is likely to pass".
_SUBJECT_SHARING = frozenset(
    {"likely", "unlikely", "certain", "sure", "bound", "able", "unable", "ready", "due", "about", "set"}
    | {"going", "supposed", "willing", "eager", "liable", "apt", "quick", "slow", "first", "last"}
)
_DEGREE = frozenset({"enough", "too"})  # "big enough to hold": the thing is big
_CLAUSE_WORDS = frozenset({"that", "whether", "if", "why", "how", "when", "where", "who", "what", "which"})
_CONTENT_TAGS = ("NN", "NNS", "NNP", "NNPS", "CD", "PRP")


def _skip_adverbs(words: Sequence[Token], j: int) -> int:
    """The index of the first word from `j` that is not an adverb or particle (degree words stay)."""
    while j < len(words) and words[j].pos_ in ("ADV", "PART") and words[j].lower_ not in _DEGREE:
        if words[j].lower_ == "to":
            break
        j += 1
    return j


def _infinitive_at(words: Sequence[Token], j: int) -> bool:
    """Whether a to-infinitive starts at `j` ("to build", "to be approved")."""
    return j + 1 < len(words) and words[j].lower_ == "to" and words[j + 1].tag_ == "VB"


def _has_content(words: Sequence[Token], j: int) -> bool:
    """Whether the clause from `j` names something of its own (a noun, name, number or pronoun)."""
    return any(w.tag_ in _CONTENT_TAGS for w in words[j:])


def _extraposed_from(words: Sequence[Token], j: int, shares_subject: bool) -> bool:
    """Whether an extraposed clause starts at `j` (after the predicate)."""
    if j >= len(words):
        return False
    word = words[j]
    if word.lower_ in _CLAUSE_WORDS and word.tag_ in ("IN", "WDT", "WP", "WRB"):
        return _has_content(words, j + 1)  # "that the plan ...", "whether the courts ..."
    if word.lower_ == "for":  # "for a state to act ...": a clause with its own subject
        return any(_infinitive_at(words, k) for k in range(j + 2, len(words)))
    if _infinitive_at(words, j):
        return not shares_subject and _has_content(words, j + 2)
    return False


def _predicate_end(words: Sequence[Token], j: int, after_be: bool) -> tuple[int, bool] | None:
    """After "it" (and its linking verb): the index just past the predicate, and whether that
    predicate's to-clause would share the subject; None when no predicate stands at `j`. After
    "was it" a past form is a participle, whatever the tagger guessed (`after_be`)."""
    j = _skip_adverbs(words, j)
    if j >= len(words):
        return None
    word = words[j]
    if word.tag_ in ("JJ", "JJR", "JJS") or word.pos_ == "ADJ":
        k = _skip_adverbs(words, j + 1)
        degree = k < len(words) and words[k].lower_ in _DEGREE
        return (k + 1 if degree else k), degree or word.lower_ in _SUBJECT_SHARING
    if word.tag_ == "VBN" or (after_be and word.tag_ == "VBD"):  # "it is known that" ("designed to" shares)
        return j + 1, True
    if word.tag_ == "DT" or word.pos_ == "NOUN":  # "a crime", "the case"
        k = j + 1 if word.tag_ == "DT" else j
        while k < len(words) and words[k].tag_ in ("JJ", "JJR", "JJS", "NN", "NNS"):
            k += 1
        return (k, False) if k > j + (word.tag_ == "DT") else None
    return None


def _cleft(words: Sequence[Token], j: int) -> bool:
    """ "Was it the mayor who said so?": a name or noun right after "it", then who / that."""
    k = j
    while k < len(words) and words[k].tag_ in ("NNP", "NNPS", "DT", "JJ", "NN", "NNS"):
        k += 1
    return k > j and k < len(words) and words[k].lower_ in ("who", "that", "which")


def dummy_it(words: Sequence[Token], i: int) -> bool:
    """Whether the "it" at `i` stands for a clause of the question ("Is it legal for a state to ...?",
    "Is it true that ...?", "How likely is it that ...?", "Would it be wise to ...?"), not for a
    thing the conversation named ("Is it legal?", "Is it likely to pass?", "Is it big enough?")."""
    j = i + 1
    while j < len(words) and (words[j].lower_ in _LINKING or (words[j].pos_ == "ADV" and words[j].lower_ != "enough")):
        j += 1
    after_be = i > 0 and words[i - 1].lower_ in _LINKING
    if (found := _predicate_end(words, j, after_be)) is not None and _extraposed_from(words, *found):
        return True
    if j > i + 1 and words[j - 1].lower_ not in ("is", "was", "are", "were", "be") and words[j].lower_ == "that":
        return _extraposed_from(words, j, True)  # "Does it seem that ...?": the linking verb's clause
    # the predicate came first: "How likely is it that ...", "How hard is it for a state to ..."
    before = words[max(0, i - 3) : i]
    if before and before[-1].lower_ in _LINKING and any(w.tag_ in ("JJ", "RB", "JJR") for w in before[:-1]):
        shares = any(w.lower_ in _SUBJECT_SHARING for w in before)
        if _extraposed_from(words, _skip_adverbs(words, i + 1), shares):
            return True
    return j == i + 1 and i > 0 and words[i - 1].lower_ in _LINKING and _cleft(words, j)
