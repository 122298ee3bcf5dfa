"""The fitted numbers of the answer layer, read from data files written by the scripts that fit them.

- `sentence_blend.json` (bench/fit_blend.py): the pointwise logistic blend that scores every
  retrieved sentence as the answer (qa/answer/order.py's `scored`).
- `abstention.json` (bench/fit_abstention.py): the evidence logit that says whether the
  documents answer at all, the refusal threshold and the size corrections (qa/answer/refuse.py).

Both are fitted on the FIT articles of bench/split.py only, so figures on its TEST articles are
held out. A file whose features do not match this code's is an error, never a silent mix-up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

BLEND_FILE = Path(__file__).with_name("sentence_blend.json")
ABSTENTION_FILE = Path(__file__).with_name("abstention.json")

BLEND_FEATURES = ("passage_ratio", "top_passage", "passage_rank", "dense", "bm25", "coverage", "length")
EVIDENCE_FEATURES = ("dense", "coverage", "answer_score", "reader", "extractor")


@dataclass(frozen=True)
class Blend:
    """Weights over `BLEND_FEATURES` (order.py's `blend_rows` computes them); `length_cap` bounds
    the length feature (longer sentences count as this long)."""

    weights: np.ndarray
    length_cap: int


@dataclass(frozen=True)
class Abstention:
    """The evidence logit (weights over the file's `features`, a subset of `EVIDENCE_FEATURES`
    picked by `columns`, plus `bias`) and the bars it is read against.

    - `null_cosine_growth`, `fitted_sentences`, `least_sentences`: the best cosine of a question
      the documents do not answer grows with the sentences searched (this much per e-fold); a
      corpus smaller than the fitted one has its best cosine read as if it were that size (one
      under `least_sentences` as that size: nothing smaller was measured).
    - `threshold`: evidence under which the reply is "not found", from the fitted size up; lowered
      by up to `small_relief` for a corpus of `small_sentences` or fewer (in part, by log size,
      between that and `fitted_sentences`).
    - `unknown_name`: the bar for a question naming something no indexed sentence contains;
      `nameless` (None: none) for one naming nothing the documents name.
    - `least_coverage`: a chosen sentence holding less of the question's terms never answers.
    - `extractor_sentences`: how many of the first candidates the extractor reads for the
      "extractor" feature (their best gap; readings.py), 0 when the weights do not use it;
      `extractor_neutral`: the feature's value for a yes/no question, whose answer is no span of
      a sentence (the median gap of the fit's answerable questions).
    """

    weights: np.ndarray
    columns: tuple[int, ...]
    bias: float
    null_cosine_growth: float
    fitted_sentences: int
    least_sentences: int
    threshold: float
    small_sentences: int
    small_relief: float
    unknown_name: float
    nameless: float | None
    least_coverage: float
    extractor_sentences: int = 0
    extractor_neutral: float = 0.0


def _read(path: Path, features: tuple[str, ...], subset: bool = False) -> dict:
    """The file's body; its features must be this code's (or some of them, when `subset`)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    named = tuple(raw["features"])
    if (not set(named) <= set(features) or len(set(named)) != len(named)) if subset else named != features:
        raise ValueError(f"{path}: its features do not match this code's; refit with {raw.get('script', 'its script')}")
    return dict(raw)


@lru_cache(maxsize=4)
def load_blend(path: Path = BLEND_FILE) -> Blend:
    raw = _read(path, BLEND_FEATURES)
    return Blend(np.array(raw["weights"], dtype=np.float64), int(raw["length_cap"]))


@lru_cache(maxsize=4)
def load_abstention(path: Path = ABSTENTION_FILE) -> Abstention:
    raw = _read(path, EVIDENCE_FEATURES, subset=True)
    bars = raw["bars"]
    return Abstention(
        weights=np.array(raw["weights"], dtype=np.float64),
        columns=tuple(EVIDENCE_FEATURES.index(name) for name in raw["features"]),
        bias=float(raw["bias"]),
        null_cosine_growth=float(raw["null_cosine_growth"]),
        fitted_sentences=int(raw["fitted_sentences"]),
        least_sentences=int(bars["least_sentences"]),
        threshold=float(raw["threshold"]),
        small_sentences=int(bars["small_sentences"]),
        small_relief=float(bars["small_relief"]),
        unknown_name=float(bars["unknown_name"]),
        nameless=None if bars["nameless"] is None else float(bars["nameless"]),
        least_coverage=float(bars["least_coverage"]),
        extractor_sentences=int(raw.get("extractor_sentences", 0)) if "extractor" in raw["features"] else 0,
        extractor_neutral=float(raw.get("extractor_neutral", 0.0)),
    )
