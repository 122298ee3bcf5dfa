"""The learned span extractor: reads (question, sentence | the sentence before it) and points at
the words of the sentence that answer the question, with how sure it is.

It is MiniLM-L6 (the embedding model's own weights) fine-tuned in the SQuAD 2.0 style by
training/train_extractor.py and shipped as an ONNX file in qa/models/extractor/, so answering never
loads torch and nothing is downloaded. Per token it gives a start and an end logit; the best span
lies inside the sentence (never its context), and the [CLS] token's pair is the "the sentence does
not answer" option, so `gap` (best span minus [CLS]) says how sure it is that the span answers.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from qa.answer.reader import cpu_session, passage_text

MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "extractor"
_EDGE = " \t\n,;:.!?\"'()[]{}\u201c\u201d\u2018\u2019"
_BRACKETS = (("(", ")"), ("[", "]"))


NO_SPAN = -30.0  # the log-probability of a span that holds none of the sentence's tokens (far under any seen)


@dataclass(frozen=True)
class TokenScores:
    """Per token of the sentence: its characters, and the log-probability that the answer starts
    (ends) there, a softmax over the sentence's tokens and the "no answer" option."""

    offsets: tuple[tuple[int, int], ...]
    starts: tuple[float, ...]
    ends: tuple[float, ...]

    def of_span(self, lo: int, hi: int) -> float:
        """How likely the extractor finds the answer to be exactly the characters lo..hi: the
        log-probability of a start at its first token and an end at its last."""
        inside = [i for i, (a, b) in enumerate(self.offsets) if b > lo and a < hi]
        return self.starts[inside[0]] + self.ends[inside[-1]] if inside else NO_SPAN


@dataclass(frozen=True)
class Extracted:
    """The best span of one sentence: its characters in the sentence, its text and its gap, and
    every token's scores (`tokens`), which weigh other spans of the sentence (rank.py)."""

    start: int
    end: int
    text: str
    gap: float
    prob: float = 0.0  # the span's share: softmax of its start times softmax of its end, over the sentence
    tokens: TokenScores | None = None


def _widen(text: str, lo: int, hi: int) -> tuple[int, int]:
    """Whole words: a span that starts or ends inside a word takes the whole word, and loses
    punctuation and spaces at its edges, but for a bracket that closes one it opens ("Article
    101(1)", not "Article 101(1")."""
    while lo > 0 and text[lo - 1].isalnum():
        lo -= 1
    while hi < len(text) and text[hi].isalnum():
        hi += 1
    while lo < hi and text[lo] in _EDGE:
        lo += 1
    while hi > lo and text[hi - 1] in _EDGE:
        hi -= 1
    for opening, closing in _BRACKETS:
        words = text[lo:hi]
        if hi < len(text) and text[hi] == closing and words.count(opening) > words.count(closing):
            hi += 1
        elif lo > 0 and text[lo - 1] == opening and words.count(closing) > words.count(opening):
            lo -= 1
    return lo, hi


def best_span(start: np.ndarray, end: np.ndarray, allowed: np.ndarray, longest: int) -> tuple[int, int, float]:
    """The (start token, end token, score) with start <= end < start + longest, both allowed,
    of the highest start + end logit; (0, 0, -inf) when no token is allowed."""
    s = np.where(allowed, start, -np.inf)
    e = np.where(allowed, end, -np.inf)
    pair = s[:, None] + e[None, :]
    n = len(start)
    i, j = np.indices((n, n))
    pair = np.where((j >= i) & (j < i + longest), pair, -np.inf)
    flat = int(np.argmax(pair))
    a, b = divmod(flat, n)
    return a, b, float(pair[a, b])


def _softmax(logits: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    shifted = np.where(allowed, logits - logits[allowed].max(), -np.inf)
    weights = np.exp(shifted)
    return weights / weights.sum()


def _log_softmax(logits: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    shifted = np.where(allowed, logits - logits[allowed].max(), -np.inf)
    return shifted - np.log(np.exp(shifted).sum())


def token_scores(offsets: list[tuple[int, int]], own: np.ndarray, start: np.ndarray, end: np.ndarray) -> TokenScores:
    """The sentence's tokens' log-probabilities of starting and ending the answer, against each
    other and the "no answer" option (the first token, [CLS])."""
    allowed = own.copy()
    allowed[0] = True
    starts, ends = _log_softmax(start, allowed), _log_softmax(end, allowed)
    kept = np.flatnonzero(own)
    return TokenScores(
        tuple((int(offsets[i][0]), int(offsets[i][1])) for i in kept),
        tuple(float(starts[i]) for i in kept),
        tuple(float(ends[i]) for i in kept),
    )


class Extractor:
    """The ONNX extractor and its tokenizer; thread-safe (onnxruntime sessions are)."""

    def __init__(self, model_dir: Path = MODEL_DIR, threads: int = 2) -> None:
        from tokenizers import Tokenizer

        meta = json.loads((model_dir / "extractor.json").read_text(encoding="utf-8"))
        self.max_length = int(meta["max_length"])
        self.longest = int(meta["max_answer_tokens"])
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tokenizer.enable_truncation(self.max_length, strategy="only_second")
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tokenizer
        self._session = cpu_session(model_dir / "model.onnx", threads)
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._lock = threading.Lock()  # the tokenizer's padding state is shared

    def extract(self, question: str, sentences: list[tuple[str, str]]) -> list[Extracted]:
        """The best span of each (sentence, context) for the question, in the given order."""
        if not sentences:
            return []
        with self._lock:
            encoded = self._tokenizer.encode_batch([(question, passage_text(s, c)) for s, c in sentences])
        feed = {
            "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
        }
        starts, ends = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})
        out = []
        for (sentence, _), enc, start, end in zip(sentences, encoded, starts, ends, strict=True):
            # only the sentence's own tokens: the second segment, before the context's characters
            pairs = zip(enc.sequence_ids, enc.offsets, strict=True)
            own = np.array([seq == 1 and lo < len(sentence) and hi > lo for seq, (lo, hi) in pairs])
            a, b, score = best_span(start, end, own, self.longest)
            if score == -np.inf:
                out.append(Extracted(0, 0, "", -np.inf))
                continue
            lo, hi = _widen(sentence, enc.offsets[a][0], min(enc.offsets[b][1], len(sentence)))
            share = _softmax(start, own)[a] * _softmax(end, own)[b]
            tokens = token_scores(enc.offsets, own, start, end)
            out.append(Extracted(lo, hi, sentence[lo:hi], score - float(start[0] + end[0]), float(share), tokens))
        return out


@lru_cache(maxsize=2)
def load_extractor(threads: int = 2, model_dir: Path = MODEL_DIR) -> Extractor:
    return Extractor(model_dir, threads)
