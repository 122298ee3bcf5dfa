"""Turn scored passages into a short, quoted, cited reply, or an honest refusal.

Compose gathers the candidate sentences (order.py), takes the chooser's `Choice` (chooser.py: the
one place the sentence and the short answer are chosen) and the abstention decision (refuse.py),
and only quotes and cites: the short answer first, then the chosen sentence cut to the reply's
room at phrase boundaries, then the sentences nearly as good, while room remains.
"""

from __future__ import annotations

from qa.answer import order
from qa.answer.ahead import work_ahead
from qa.answer.chooser import Choice, choose, with_learned_short
from qa.answer.intent import Intent
from qa.answer.order import Candidate
from qa.answer.phrases import phrase_window
from qa.answer.quoting import cite_sentence, ellipsis, related_passages, trim, with_span, worth_quoting
from qa.answer.readings import for_reply
from qa.answer.refuse import refused
from qa.config import Settings
from qa.retrieve.catalog import Catalog
from qa.retrieve.hybrid import PassageHit, Query, Signals
from qa.schema import Answer, Citation

NOT_FOUND = "The documents don't contain an answer to this question."


def compose(
    intent: Intent,
    query: Query,
    hits: list[PassageHit],
    sig: Signals,
    catalog: Catalog,
    settings: Settings,
) -> Answer:
    """The reply: short answer first when the question asks for one, then cited quotes."""
    question = intent.question
    found = order.ordered(question, intent.qtype, query, hits, catalog, settings)
    readings = for_reply(intent, found, catalog, settings)
    # what the chooser, the abstention and the learned short answer read is prepared while the reader reads (ahead.py)
    with work_ahead(intent, found, catalog, settings, readings) as ahead:
        candidates = order.reread(question, found, catalog, settings)
        if not candidates:
            return Answer(question=question, text=NOT_FOUND, abstained=True)
        if ahead is not None:
            ahead.parsed()
        choice = choose(intent, candidates, catalog, settings, readings)
        if refused(intent, choice, candidates, query, sig, catalog, settings, readings):
            return Answer(question=question, text=NOT_FOUND, abstained=True, passages=related_passages(hits, catalog))
        choice = with_learned_short(choice, intent, catalog, settings, readings)
    citations, parts = _quotes(choice, candidates, query, catalog, settings)
    text = " ".join(f"{part} [{c.n}]" for part, c in zip(parts, citations, strict=True))
    return Answer(
        question=question,
        text=text,
        citations=citations,
        short_answer=choice.short(catalog),
        passages=related_passages(hits, catalog),
    )


def _quotes(
    choice: Choice, candidates: list[Candidate], query: Query, catalog: Catalog, settings: Settings
) -> tuple[list[Citation], list[str]]:
    """The reply's citations and its parts: the lead sentence (after the short answer), then the
    support sentence and those scored nearly as well as the lead, while the reply has room."""
    budget = settings.answer_chars
    main, span, support = choice.main, choice.span, choice.support
    main_text = catalog.sentences[main.sentence.index].text
    lead, focus = "", None
    if span:
        lead, focus = f"{choice.short(catalog)} — ", (span.start, span.end)
    reserve = 0
    if support:
        reserve = min(len(catalog.sentences[support.sentence.index].text) + 1, budget // 2)
    lo, hi = trim(main_text, budget - len(lead) - reserve, focus, query)
    used = len(lead) + len(ellipsis(lo, hi, main_text))  # the room is counted as cut to the guide
    lo, hi = phrase_window(main_text, lo, hi)  # but a quote ends only where a phrase does
    first = cite_sentence(1, main, catalog, lo, hi)
    citations = [with_span(first, span, lo) if span else first]
    parts = [f"{lead}{ellipsis(lo, hi, main_text)}"]
    followers = [support] if support else []
    followers += [c for c in candidates[1:] if c.score >= main.score - settings.answer.second_margin]
    _add_followers(followers, choice, used, query, catalog, settings, citations, parts)
    return citations, parts


def _add_followers(
    followers: list[Candidate],
    choice: Choice,
    used: int,
    query: Query,
    catalog: Catalog,
    settings: Settings,
    citations: list[Citation],
    parts: list[str],
) -> None:
    """Quote the further sentences into `citations` and `parts`, each cut to the room left (the
    support sentence around the short answer's full form), skipping what is quoted already and,
    but for the support, a cut that no longer says anything."""
    budget = settings.answer_chars
    main_text = catalog.sentences[choice.main.sentence.index].text
    seen = {choice.main.sentence.index}
    for cand in followers:
        if len(citations) >= settings.max_citations:
            break
        ref = catalog.sentences[cand.sentence.index]
        if cand.sentence.index in seen or ref.text in main_text:
            continue
        room = budget - used - 1
        marked = choice.named if cand is choice.support else None
        if len(ref.text) > room:
            if room < settings.answer.min_quote_chars:
                continue
            s_lo, s_hi = trim(ref.text, room - 2, (marked.start, marked.end) if marked else None, query)
            if cand is not choice.support and not worth_quoting(ref.text[s_lo:s_hi], query, settings):
                continue
        else:
            s_lo, s_hi = 0, len(ref.text)
        guide = len(ellipsis(s_lo, s_hi, ref.text))
        s_lo, s_hi = phrase_window(ref.text, s_lo, s_hi)
        seen.add(cand.sentence.index)
        cited = cite_sentence(len(citations) + 1, cand, catalog, s_lo, s_hi)
        if marked and s_lo <= marked.start and marked.end <= s_hi:
            cited = with_span(cited, marked, s_lo)
        citations.append(cited)
        parts.append(ellipsis(s_lo, s_hi, ref.text))
        used += guide + 1
