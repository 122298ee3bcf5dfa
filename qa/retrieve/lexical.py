"""BM25 over passages and sentences (bm25s), with the same tokens used for evidence checks."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import bm25s
import numpy as np
import Stemmer

# bm25s sets its own logger to DEBUG on import: its "Building index" notes reached the terminal.
logging.getLogger("bm25s").setLevel(logging.WARNING)

# A word; dotted initials ("U.S.", "U.K.") are one, as "US" is (else both letters would be dropped).
# Only the first letter of a run may start one (and the run is taken whole), so "a.a.a.a…" is linear.
_TOKEN = re.compile(r"(?<![A-Za-z.])\b(?:[A-Za-z]\.){2,}+(?![A-Za-z])|\w+")
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "did",
        "does",
        "do",
        "done",
        "many",
        "much",
        "also",
        "said",
        "say",
        "says",
        "one",
        "whose",
    ]
)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased word tokens; apostrophes and hyphens split words ("Lee's" -> "lee", "s"), which
    retrieved better than keeping hyphenated words whole (docs/evaluation.md)."""
    return [w.replace(".", "") for w in _TOKEN.findall(text.lower())]


def _content(word: str) -> bool:
    return (len(word) > 1 or word.isdigit()) and word not in STOPWORDS


def terms(text: str) -> list[str]:
    """Content terms: stop words dropped, stemmed. Used for BM25 and for term overlap."""
    return list(_stemmer().stemWords([w for w in words(text) if _content(w)]))


def term_spans(text: str) -> list[tuple[int, int, str]]:
    """Where each content word stands in `text`, with its term (what `terms` gives, in order)."""
    tokens = [(m.start(), m.end(), m.group().lower().replace(".", "")) for m in _TOKEN.finditer(text)]
    found = [(start, end, w) for start, end, w in tokens if _content(w)]
    stems = _stemmer().stemWords([w for _, _, w in found])
    return [(start, end, stem) for (start, end, _), stem in zip(found, stems, strict=True)]


# Small words inside names ("Café de Málaga", "Ludwig van Beethoven", "Osama bin Laden"), not capitalised.
NAME_PARTICLES = frozenset(
    {"al", "bin", "da", "de", "del", "della", "den", "der", "di", "du", "ibn", "la", "le", "van", "von"}
)
_NAME = re.compile(r"\b[A-Z][\w’'-]*")
_NAME_INSIDE = re.compile(r"(?<!^)(?<![.?!] )\b[A-Z][\w’'-]*")


def names(text: str, *, opening: bool = True) -> list[str]:
    """Capitalised words ("Lee’s", "Port", "Alder"), with a sentence's opening word unless
    `opening` is False (there a capital says nothing)."""
    return (_NAME if opening else _NAME_INSIDE).findall(text)


class Lexical:
    """A BM25 index over a list of texts; scores every text for a query."""

    def __init__(self, texts: list[str] | None = None, tokenized: list[list[str]] | None = None) -> None:
        """From texts, or from their terms when the caller already has them (start-up time)."""
        if tokenized is None:
            tokenized = [terms(t) for t in texts or []]
        tokenized = [toks or ["\u2205"] for toks in tokenized]
        model = bm25s.BM25(k1=1.5, b=0.75)
        if tokenized:
            model.index(tokenized, show_progress=False)
        vocab: dict[str, int] = dict(model.vocab_dict) if tokenized else {}
        df = np.zeros(len(vocab), dtype=np.float32)  # how many texts hold each term
        for toks in tokenized:
            for tok in set(toks):
                df[vocab[tok]] += 1
        self._hold(model, len(tokenized), vocab, df)

    @classmethod
    def of(cls, model: bm25s.BM25, size: int, df: np.ndarray) -> Lexical:
        """One built before (saved and loaded again, `lexical_cache`): the same scores and weights."""
        lexical = cls.__new__(cls)
        lexical._hold(model, size, dict(model.vocab_dict) if size else {}, df)
        return lexical

    def _hold(self, model: bm25s.BM25, size: int, vocab: dict[str, int], df: np.ndarray) -> None:
        self.model = model
        self.size = size
        self.vocab = vocab
        self.df = df
        self._n = max(1, size)
        self.max_idf = float(np.log(1 + (self._n + 0.5) / 0.5))

    def scores(self, query_terms: list[str]) -> np.ndarray:
        known = [t for t in query_terms if t in self.vocab]
        if not known or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.model.get_scores(known), dtype=np.float32)

    def weight(self, term: str) -> float:
        """IDF of a term; unseen terms weigh most, since they are the most specific."""
        i = self.vocab.get(term)
        if i is None:
            return self.max_idf
        df = self.df[i]  # float32, as the scores' own arithmetic
        return float(np.log(1 + (self._n - df + 0.5) / (df + 0.5)))
