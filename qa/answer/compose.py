"""Turn scored passages into a short, quoted, cited reply, or an honest refusal."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer.question import QuestionType, question_type
from qa.answer.span import short_answer_span
from qa.config import Settings
from qa.retrieve.catalog import Catalog
from qa.retrieve.hybrid import PassageHit, Query, SentenceHit
from qa.retrieve.lexical import terms
from qa.schema import Answer, Citation

NOT_FOUND = "The documents don't contain an answer to this question."
_RANK_PRIOR = 0.03
_SECOND_MARGIN = 0.08
_TYPED = ("when", "how many")


@dataclass(frozen=True)
class Candidate:
    sentence: SentenceHit
    passage: PassageHit
    score: float


def coverage(query: Query, text: str, catalog: Catalog) -> float:
    """IDF-weighted share of the question's terms that `text` contains."""
    if not query.terms:
        return 0.0
    present = set(terms(text))
    weigh = catalog.sentences_lexical.weight
    total = sum(weigh(t) for t in set(query.terms))
    found = sum(weigh(t) for t in set(query.terms) if t in present)
    return found / total if total else 0.0


def _candidates(hits: list[PassageHit]) -> list[Candidate]:
    out = [Candidate(s, hit, s.score - _RANK_PRIOR * rank) for rank, hit in enumerate(hits) for s in hit.sentences]
    return sorted(out, key=lambda c: -c.score)


def _trim(text: str, budget: int, focus: tuple[int, int] | None) -> tuple[int, int]:
    """A word-aligned window of `text` at most `budget` long, around `focus` when given."""
    if len(text) <= budget:
        return 0, len(text)
    centre = (focus[0] + focus[1]) // 2 if focus else 0
    lo = max(0, min(centre - budget // 2, len(text) - budget))
    hi = lo + budget
    if lo > 0:
        space = text.find(" ", lo)
        lo = space + 1 if 0 <= space < lo + 30 else lo
    if hi < len(text):
        space = text.rfind(" ", lo, hi)
        hi = space if space > lo + budget // 2 else hi
    return lo, hi


def _citation(n: int, cand: Candidate, catalog: Catalog, lo: int, hi: int) -> Citation:
    ref = catalog.sentences[cand.sentence.index]
    passage = catalog.passages[cand.passage.index]
    return Citation(
        n=n,
        doc=ref.doc,
        start=ref.start + lo,
        end=ref.start + hi,
        quote=ref.text[lo:hi],
        passage=passage.text,
        passage_start=passage.start,
        passage_end=passage.end,
        score=round(cand.score, 4),
        page=passage.page,
    )


def _passages(hits: list[PassageHit], catalog: Catalog) -> list[Citation]:
    """Every retrieved passage in rank order, with its best sentence: related reading."""
    related = []
    for i, hit in enumerate(hits):
        if hit.sentences:
            cand = Candidate(hit.sentences[0], hit, hit.sentences[0].score)
            ref = catalog.sentences[cand.sentence.index]
            related.append(_citation(i + 1, cand, catalog, 0, len(ref.text)))
    return related


def evidence(query: Query, cand: Candidate, catalog: Catalog) -> float:
    """How well the chosen sentence, read in its passage, carries the question."""
    ref = catalog.sentences[cand.sentence.index]
    passage = catalog.passages[cand.passage.index]
    cover = 0.7 * coverage(query, ref.text, catalog) + 0.3 * coverage(query, passage.text, catalog)
    return 0.5 * cand.sentence.dense + 0.5 * cover


def compose(
    question: str,
    query: Query,
    hits: list[PassageHit],
    catalog: Catalog,
    settings: Settings,
) -> Answer:
    """The reply: short answer first when the question asks for one, then cited quotes."""
    qtype: QuestionType = question_type(question)
    candidates = _candidates(hits)
    if not candidates:
        return Answer(question=question, text=NOT_FOUND, abstained=True)
    main = candidates[0]
    span = None
    if qtype in ("who", "when", "where", "how many"):
        best = main.score
        for cand in candidates[:4]:
            if cand.score < best - 0.1:
                break
            found = short_answer_span(question, qtype, catalog.sentences[cand.sentence.index].text)
            if found:
                main, span = cand, found
                break
    if evidence(query, main, catalog) < settings.abstain_threshold or (qtype in _TYPED and span is None):
        return Answer(question=question, text=NOT_FOUND, abstained=True, passages=_passages(hits, catalog))

    budget = settings.answer_chars
    main_text = catalog.sentences[main.sentence.index].text
    lead = ""
    short = None
    if span:
        short = main_text[span[0] : span[1]]
        lead = f"{short} — "
    lo, hi = _trim(main_text, budget - len(lead), span)
    first = _citation(1, main, catalog, lo, hi)
    if span:
        first = _with_span(first, main_text, span, lo)
    citations = [first]
    parts = [f"{lead}{_ellipsis(lo, hi, main_text)}"]
    used = len(parts[0])
    seen = {main.sentence.index}
    for cand in candidates[1:]:
        if len(citations) >= settings.max_citations or cand.score < main.score - _SECOND_MARGIN:
            break
        ref = catalog.sentences[cand.sentence.index]
        if cand.sentence.index in seen or ref.text in main_text or len(ref.text) + used + 1 > budget:
            continue
        seen.add(cand.sentence.index)
        citations.append(_citation(len(citations) + 1, cand, catalog, 0, len(ref.text)))
        parts.append(ref.text)
        used += len(ref.text) + 1
    text = " ".join(f"{part} [{c.n}]" for part, c in zip(parts, citations, strict=True))
    return Answer(
        question=question,
        text=text,
        citations=citations,
        short_answer=short,
        passages=_passages(hits, catalog),
    )


def _with_span(c: Citation, sentence: str, span: tuple[int, int], lo: int) -> Citation:
    sentence_start = c.start - lo
    return Citation(**{**c.to_dict(), "span_start": sentence_start + span[0], "span_end": sentence_start + span[1]})


def _ellipsis(lo: int, hi: int, text: str) -> str:
    body = text[lo:hi]
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


def own_length(text: str) -> int:
    """Characters of a reply without its citation markers (the budget the issue sets)."""
    return len(re.sub(r"\s?\[\d+\]", "", text))
