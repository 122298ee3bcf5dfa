"""Turn scored passages into a short, quoted, cited reply, or an honest refusal."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from qa.answer import order
from qa.answer.abstain import evidence, fitted, reader_best, refusal_threshold
from qa.answer.dates import date_missing
from qa.answer.order import Candidate, coverage
from qa.answer.phrases import phrase_window
from qa.answer.places import wants_region
from qa.answer.question import TYPED, QuestionType, question_type
from qa.answer.rank import load_ranker, pool_of, ruled_option
from qa.answer.reading import answers_preposition, asked_role, asks_winner, place_missing
from qa.answer.roles import mentions_role, role_countries, role_of_another_country
from qa.answer.span import RANK_COST, nearest, short_answer_span, span_options
from qa.answer.tokens import Span
from qa.answer.winners import tells_winner
from qa.config import Settings
from qa.nlp import parse_all
from qa.retrieve.catalog import Catalog, PassageRef
from qa.retrieve.hybrid import PassageHit, Query, Signals
from qa.retrieve.lexical import term_spans, terms
from qa.schema import Answer, Citation

NOT_FOUND = "The documents don't contain an answer to this question."
_SPAN_REQUIRED = ("how many",)  # refused when no number fits
_TYPED_POOL = 6


def _trim(text: str, budget: int, focus: tuple[int, int] | None, query: Query | None = None) -> tuple[int, int]:
    """A word-aligned window of `text` at most `budget` long, around `focus` when given, else
    around the question's words in it (read only when the text must be cut), else from its start."""
    if len(text) <= budget:
        return 0, len(text)
    # the question's words take at most half the window: the answer stands beside them, either side
    focus = focus or (_asked_region(text, query, budget // 2) if query else None)
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


def cite(n: int, start: int, quote: str, passage: PassageRef, score: float) -> Citation:
    """A citation of `quote`, which stands at `start` in the passage's document."""
    return Citation(
        n=n,
        doc=passage.doc,
        start=start,
        end=start + len(quote),
        quote=quote,
        passage=passage.text,
        passage_start=passage.start,
        passage_end=passage.end,
        score=round(score, 4),
        page=passage.page,
    )


def _citation(n: int, cand: Candidate, catalog: Catalog, lo: int, hi: int) -> Citation:
    ref = catalog.sentences[cand.sentence.index]
    return cite(n, ref.start + lo, ref.text[lo:hi], catalog.passages[cand.passage.index], cand.score)


def related_passages(hits: list[PassageHit], catalog: Catalog) -> list[Citation]:
    """Every retrieved passage in rank order, with its best sentence: related reading."""
    related = []
    for i, hit in enumerate(hits):
        if hit.sentences:
            cand = Candidate(hit.sentences[0], hit, hit.sentences[0].score)
            ref = catalog.sentences[cand.sentence.index]
            related.append(_citation(i + 1, cand, catalog, 0, len(ref.text)))
    return related


def compose(
    question: str,
    query: Query,
    hits: list[PassageHit],
    sig: Signals,
    catalog: Catalog,
    settings: Settings,
) -> Answer:
    """The reply: short answer first when the question asks for one, then cited quotes."""
    qtype: QuestionType = question_type(question)
    candidates = order.candidates(question, qtype, query, hits, catalog, settings)
    if not candidates:
        return Answer(question=question, text=NOT_FOUND, abstained=True)
    chosen_from = candidates
    role = asked_role(question) if qtype == "who" else None
    if role:
        # a role's holder is named where the role is, when a sentence of the pool mentions it
        mentioning = _pool_saying(candidates, catalog, lambda text: mentions_role(text, role))
        if (
            mentioning
            and role_countries(question, role)
            and not any(_names_holder(question, c, catalog) for c in mentioning)
        ):
            # A country's role: the best sentences name it but no holder ("two right-wing leaders"),
            # one further down may. (Not for anything else: "the leader of the populist movement".)
            further = (
                c
                for c in candidates[_TYPED_POOL:]
                if mentions_role(catalog.sentences[c.sentence.index].text, role) and _names_holder(question, c, catalog)
            )
            mentioning += [found] if (found := next(further, None)) else []
        chosen_from = mentioning or candidates
    elif qtype == "who" and asks_winner(question):
        # who won is told where someone beat someone, when a sentence of the pool says so
        chosen_from = _pool_saying(candidates, catalog, tells_winner) or candidates
    main, span, support = _choose(question, qtype, chosen_from, catalog, settings)
    if support is None and main is not candidates[0]:
        support = candidates[0]  # the best-matching sentence is always quoted too
    # Judged on the best-scored sentence, as the abstention weights were fitted (before the learned order).
    best = max(candidates, key=lambda c: c.score)
    best_cover = coverage(query, catalog.sentence_terms[best.sentence.index], catalog)
    read = reader_best(question, candidates, catalog, settings.threads)
    strength = evidence(best, best_cover, read, sig, catalog, settings)
    spanned = catalog.sentences[main.sentence.index].text[span.start : span.end] if span else None
    least = fitted(settings).least_coverage
    if (
        strength < refusal_threshold(question, catalog, settings)
        # neither sentence holds the question's terms (the lead's looked at only then)
        or (best_cover < least and coverage(query, catalog.sentence_terms[main.sentence.index], catalog) < least)
        or (span is None and (qtype in _SPAN_REQUIRED or role))
        or (role and role_of_another_country(question, role, _texts_of(main, candidates, catalog)))
        or (qtype == "when" and date_missing(question, spanned))
        or (qtype == "where" and place_missing(question, spanned))
    ):
        return Answer(question=question, text=NOT_FOUND, abstained=True, passages=related_passages(hits, catalog))

    budget = settings.answer_chars
    main_text = catalog.sentences[main.sentence.index].text
    lead, short, focus = "", None, None
    named: Span | None = None  # the short answer's full form, in the support sentence
    if span:
        short = main_text[span.start : span.end]
        if (
            short[:1].isupper()
            and qtype == "who"
            and support is None
            and (full := _full_name(question, short, main, candidates, catalog))
        ):
            support, named = full
            short = catalog.sentences[support.sentence.index].text[named.start : named.end]
        lead, focus = f"{short} — ", (span.start, span.end)
    reserve = 0
    if support:
        reserve = min(len(catalog.sentences[support.sentence.index].text) + 1, budget // 2)
    lo, hi = _trim(main_text, budget - len(lead) - reserve, focus, query)
    used = len(lead) + len(_ellipsis(lo, hi, main_text))  # the room is counted as cut to the guide
    lo, hi = phrase_window(main_text, lo, hi)  # but a quote ends only where a phrase does
    first = _citation(1, main, catalog, lo, hi)
    citations = [_with_span(first, span, lo) if span else first]
    parts = [f"{lead}{_ellipsis(lo, hi, main_text)}"]
    seen = {main.sentence.index}
    followers = [support] if support else []
    followers += [c for c in candidates[1:] if c.score >= main.score - settings.answer.second_margin]
    for cand in followers:
        if len(citations) >= settings.max_citations:
            break
        ref = catalog.sentences[cand.sentence.index]
        if cand.sentence.index in seen or ref.text in main_text:
            continue
        room = budget - used - 1
        marked = named if cand is support else None
        if len(ref.text) > room:
            if room < settings.answer.min_quote_chars:
                continue
            s_lo, s_hi = _trim(ref.text, room - 2, (marked.start, marked.end) if marked else None, query)
            if cand is not support and not _worth_quoting(ref.text[s_lo:s_hi], query, settings):
                continue
        else:
            s_lo, s_hi = 0, len(ref.text)
        guide = len(_ellipsis(s_lo, s_hi, ref.text))
        s_lo, s_hi = phrase_window(ref.text, s_lo, s_hi)
        seen.add(cand.sentence.index)
        cited = _citation(len(citations) + 1, cand, catalog, s_lo, s_hi)
        if marked and s_lo <= marked.start and marked.end <= s_hi:
            cited = _with_span(cited, marked, s_lo)
        citations.append(cited)
        parts.append(_ellipsis(s_lo, s_hi, ref.text))
        used += guide + 1
    text = " ".join(f"{part} [{c.n}]" for part, c in zip(parts, citations, strict=True))
    return Answer(
        question=question,
        text=text,
        citations=citations,
        short_answer=short,
        passages=related_passages(hits, catalog),
    )


def _full_name(
    question: str, short: str, main: Candidate, candidates: list[Candidate], catalog: Catalog
) -> tuple[Candidate, Span] | None:
    """A retrieved sentence naming the answer in full ("Sarah Johnson" where the best one says
    "Johnson"), and that name in it: the reply leads with the full name and quotes it too."""
    for cand in candidates[:_TYPED_POOL]:
        if cand is main:
            continue
        text = catalog.sentences[cand.sentence.index].text
        if " " + short not in text:
            continue  # cheap test first: parsing a sentence costs milliseconds
        for option in span_options(question, "who", text):
            if text[option.start : option.end].endswith(" " + short):
                return cand, option
    return None


def _with_span(c: Citation, span: Span, lo: int) -> Citation:
    sentence_start = c.start - lo
    return replace(c, span_start=sentence_start + span.start, span_end=sentence_start + span.end)


def _pool_saying(candidates: list[Candidate], catalog: Catalog, says: Callable[[str], bool]) -> list[Candidate]:
    """The best sentences (the pool typed answers are read from) whose text says what `says` asks."""
    return [c for c in candidates[:_TYPED_POOL] if says(catalog.sentences[c.sentence.index].text)]


def _texts_of(cand: Candidate, candidates: list[Candidate], catalog: Catalog) -> Iterator[str]:
    """The best retrieved sentences of the candidate's document (what was read for the question:
    a long document is not parsed whole, each sentence costing a parse)."""
    doc = catalog.passages[cand.passage.index].doc
    best = candidates[: 2 * _TYPED_POOL]
    return (catalog.sentences[c.sentence.index].text for c in best if catalog.passages[c.passage.index].doc == doc)


def _names_holder(question: str, cand: Candidate, catalog: Catalog) -> bool:
    """Whether a sentence names someone holding the role the question asks about."""
    return bool(span_options(question, "who", catalog.sentences[cand.sentence.index].text))


def _choose(
    question: str, qtype: QuestionType, candidates: list[Candidate], catalog: Catalog, settings: Settings
) -> tuple[Candidate, Span | None, Candidate | None]:
    """The sentence to lead with, the answer inside it, and a sentence it needs beside it: the
    rules' choice, weighed against the other options of the best sentences by the learned ranker
    (qa/answer/rank.py). A speaker found in a neighbouring sentence, or a place of the kind asked
    for below the best sentences, stays the rules' call."""
    if qtype in TYPED:  # the sentences the rules and the ranker read, parsed in one batch
        parse_all([catalog.sentences[c.sentence.index].text for c in candidates[: load_ranker().pool]])
    main, span, support = _rule_choice(question, qtype, candidates, catalog, settings)
    if qtype not in TYPED or support is not None or not settings.answer.learned_spans:
        return main, span, support
    ranker = load_ranker()
    pool = candidates[: ranker.pool]
    if span is not None and all(c is not main for c in pool):
        return main, span, support  # "which region": a place of that kind, found further down
    main_text = catalog.sentences[main.sentence.index].text
    if span is not None and qtype == "who" and answers_preposition(question, main_text, span):
        return main, span, support  # "Who did Lee say it to?": whom "told" takes
    pooled = pool_of(pool, catalog, ranker.pool)
    picked = ranker.choose(question, qtype, pooled, ruled_option(pool, main, span), catalog.sentences_lexical.weight)
    if picked is None:
        return main, span, support
    return pool[picked.pooled], picked.span, None


def _rule_choice(
    question: str, qtype: QuestionType, candidates: list[Candidate], catalog: Catalog, settings: Settings
) -> tuple[Candidate, Span | None, Candidate | None]:
    """The sentence to lead with, the answer inside it, and a sentence it needs beside it, by rule.

    Among sentences nearly as relevant as the best, the one whose entity of the wanted type
    stands closest to the question's own words wins ("President Ann Lee" for "who is the
    president"). When no such sentence names anyone for a who-question, the neighbours of the
    best sentence are read too (a quote whose speaker is named in the sentence before it).
    """
    main = candidates[0]
    if qtype not in TYPED:
        return main, None, None
    # A question naming the kind of place ("which region") wants a place of that kind (a LOC,
    # not a country or city): any sentence of the pool that names one beats a nearer GPE.
    strict = qtype == "where" and wants_region(question)
    best: tuple[float, Candidate, Span] | None = None
    best_kind: tuple[float, Candidate, Span] | None = None
    for cand in candidates[:_TYPED_POOL]:
        within = cand.score >= main.score - settings.answer.typed_margin
        if not (within or strict):
            continue  # (the learned order need not follow the scores)
        options = span_options(question, qtype, catalog.sentences[cand.sentence.index].text)
        if strict:
            for option in options:
                key = cand.score - settings.answer.gap_cost * min(option.gap, 10)
                if option.rank == 0 and (best_kind is None or key > best_kind[0]):
                    best_kind = (key, cand, option)
        span = nearest(options) if within else None
        if span is None:
            continue
        if cand is main and span.gap <= settings.answer.keep_gap and not strict:
            return main, span, None  # the best sentence names a fitting answer near the question's words
        key = cand.score - settings.answer.gap_cost * min(span.gap + RANK_COST * span.rank, 10)
        if best is None or key > best[0]:
            best = (key, cand, span)
    best = best_kind or best
    if best is not None:
        return best[1], best[2], None
    # A quote's speaker may be named beside it; a role's holder is named where the role is.
    if qtype == "who" and not asked_role(question):
        siblings = catalog.passage_sentences[main.passage.index]
        position = siblings.index(main.sentence.index) if main.sentence.index in siblings else -1
        for offset in (-1, 1):
            j = position + offset
            if position < 0 or not 0 <= j < len(siblings):
                continue
            span = short_answer_span(question, qtype, catalog.sentences[siblings[j]].text)
            if span is not None:
                neighbour = Candidate(replace(main.sentence, index=siblings[j]), main.passage, main.score)
                return neighbour, span, main
    return main, None, None


def _asked_region(text: str, query: Query, width: int) -> tuple[int, int] | None:
    """Where the question's words stand in a sentence, to cut a long quote around: first to last,
    or, when they spread wider than `width`, the stretch holding the most different ones (the
    earliest of equals). Squad-dev "reply holds the answer" 0.843 -> 0.848 against first to last
    with the whole window as `width`, 0.852 with half of it (0.4: 0.851, 0.6: 0.852, 0.8: 0.851)."""
    asked = set(query.terms)
    at = [found for found in term_spans(text) if found[2] in asked]
    if not at:
        return None
    best: tuple[int, int, int] | None = None
    for i in range(len(at)):
        j = i
        while j + 1 < len(at) and at[j + 1][1] - at[i][0] <= width:
            j += 1
        count = len({a[2] for a in at[i : j + 1]})
        if best is None or count > best[0]:
            best = (count, at[i][0], at[j][1])
        if j == len(at) - 1:
            break  # later starts only drop words
    assert best is not None
    return best[1], best[2]


def _worth_quoting(cut: str, query: Query, settings: Settings) -> bool:
    """Whether a further quote, cut to the room left, still says something: "…people within
    Trump's…" or a stretch without any of the question's words is clutter, not evidence."""
    return len(cut) >= settings.answer.min_quote_chars and bool(set(terms(cut)) & set(query.terms))


def _ellipsis(lo: int, hi: int, text: str) -> str:
    body = text[lo:hi]
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


def own_length(text: str) -> int:
    """Characters of a reply without its citation markers (the budget the issue sets)."""
    return len(re.sub(r"\s?\[\d+\]", "", text))
