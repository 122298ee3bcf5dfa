"""Replies to "who said / offered what" questions: each speaker with their statements, each cited."""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.answer.compose import _ellipsis, _trim, cite, own_length
from qa.attribute.model import Attribution
from qa.retrieve.catalog import Catalog, PassageRef
from qa.schema import Answer, Citation

_MAX_STATEMENTS = 4
_MIN_STATEMENT = 45
_SPEECH = (
    r"(say|said|says|offer\w*|announc\w*|confirm\w*|state[sd]?|told|tell\w*|claim\w*|propos\w*|promis\w*"
    r"|agree[sd]?|prais\w*|add(?:ed|s)?|den(?:y|ied|ies)|warn\w*|argu\w*|insist\w*|pledg\w*|comment\w*)"
)
_ASKS_WHO = re.compile(r"^\s*(?:and\s+)?who\b", re.IGNORECASE)
_STATEMENTS = r"(offers?|statements?|proposals?|promises?|claims?|pledges?|announcements?)"
# Asked about a speaker ("who offered ...?", "what did Rubio say?") or about statements
# ("which offers were made?"); "what is the prison called?" is about a name, not a speaker, and
# "who criticized the proposal?" about critics: the speech verb must be the question's own verb.
_ATTRIBUTION_QUESTION = re.compile(
    rf"^\s*(?:and\s+)?who\s+(?:(?:also|first|else|then|earlier|later|already|ever|once|just|has|have|had|did|would|will|\w+ly)\s+){{0,2}}{_SPEECH}\b"
    # "Who spoke?" alone ("Who spoke with Bukele?" asks for whoever he spoke with), and the passive
    # "who was quoted", who spoke ("who quoted Bukele" is who relayed him, "who was announced as
    # the contractor" not who announced)
    rf"|^\s*(?:and\s+)?who\s+spoke\s*[?.!]*\s*$"
    rf"|^\s*(?:and\s+)?(?:who|(?:which|what)\s+(?:people|persons|sources|speakers))\s+(?:is|are|was|were)\s+quoted\b"
    rf"|^\s*(?:and\s+)?who,\s+according\s+to\s+[^,]{{1,60}},\s+{_SPEECH}\b"
    rf"|^\s*(?:and\s+)?who\s+(?:made|gave|issued|put forward)\s+(?:the|an?|that|this)\s+{_STATEMENTS}\b"
    rf"|\b(which|what)\s+{_STATEMENTS}\b"
    rf"|^\s*what\s+(?:else\s+)?(did|does|do|has|have)\s+(?:(?-i:[A-Z])[\w.’'-]*\s+)+{_SPEECH}\b",
    re.IGNORECASE,
)


def wants_attribution(question: str) -> bool:
    """Whether a question asks who said or offered something, or what a named person said."""
    return bool(_ATTRIBUTION_QUESTION.search(question))


def _passage_of(catalog: Catalog, doc: str, offset: int) -> int | None:
    for i in catalog.doc_passages.get(doc, []):
        passage = catalog.passages[i]
        if passage.start <= offset < passage.end:
            return i
    return None


def sentence_text(catalog: Catalog, a: Attribution) -> str:
    """The indexed sentence a statement stands in, as far as its passage holds it."""
    i = _passage_of(catalog, a.doc, a.sentence_start)
    if i is None:
        return ""
    passage = catalog.passages[i]
    return passage.text[a.sentence_start - passage.start : a.sentence_end - passage.start]


def compose_attributed(question: str, found: Sequence[Attribution], catalog: Catalog, budget: int) -> Answer | None:
    """The most statements that fit the budget, grouped by speaker, each quoted and cited."""
    usable = [a for a in found if _passage_of(catalog, a.doc, a.statement_start) is not None][:_MAX_STATEMENTS]
    for n in range(len(usable), 0, -1):
        answer = _attributed_reply(question, usable[:n], catalog, budget)
        if own_length(answer.text) <= budget or n == 1:
            return answer
    return None


_LEAD_IN = re.compile(r"[\w’'-]+(?: [\w’'-]+){0,2}")


def _verb_phrase(a: Attribution, passage: PassageRef) -> str:
    """The verb with the few words that complete it, as the sentence has them: between the speaker
    and the statement ("called it a" “great idea”), or after the speaker when the statement came
    first ("told CNN:"); else the verb alone."""
    first = a.statement_start < a.speaker_start
    lo, hi = (a.speaker_end, a.sentence_end) if first else (a.speaker_end, a.statement_start)
    if lo < passage.start or hi > passage.end or hi <= lo:
        return a.verb
    text = passage.text[lo - passage.start : hi - passage.start]
    found = re.search(rf"\b{re.escape(a.verb)}\b", text)
    if not found:
        return a.verb
    rest = text[found.end() :].strip().rstrip('“".').strip()
    if not rest or not _LEAD_IN.fullmatch(rest):
        return a.verb
    return f"{a.verb} {rest}:" if first else f"{a.verb} {rest}"


_RUN = {1: "", 2: "both ", 3: "all three "}


def _attributed_reply(question: str, chosen: Sequence[Attribution], catalog: Catalog, budget: int) -> Answer:
    speakers: list[str] = []
    for a in chosen:
        if a.speaker not in speakers:
            speakers.append(a.speaker)
    overhead = sum(len(s) + 4 for s in speakers) + sum(len(a.verb) + 4 for a in chosen)
    per_statement = max(_MIN_STATEMENT, (budget - overhead) // len(chosen))
    citations: list[Citation] = []
    sentences: list[str] = []
    for speaker in speakers:
        own = [a for a in chosen if a.speaker == speaker]
        # Who relayed them: once after the speaker when one person relayed all, else after each
        # run of statements that person relayed.
        relayed = {a.reported_by for a in own}
        once = next(iter(relayed)) if len(relayed) == 1 else None
        parts: list[str] = []
        for i, a in enumerate(own):
            lo, hi = _trim(a.statement, per_statement, None)
            p = catalog.passages[_passage_of(catalog, a.doc, a.statement_start) or 0]
            n = len(citations) + 1
            citations.append(cite(n, a.statement_start + lo, a.statement[lo:hi], p, 1.0))
            quote = _ellipsis(lo, hi, a.statement)
            quote = f"“{quote}”" if a.quoted and not re.search('[“”"]', quote) else quote
            via = ""
            if a.reported_by and not once and (i + 1 == len(own) or own[i + 1].reported_by != a.reported_by):
                run = 1  # this statement and those right before it relayed by the same person
                while run <= i and own[i - run].reported_by == a.reported_by:
                    run += 1
                via = f" ({_RUN.get(run, 'all ')}according to {a.reported_by.split()[-1]})"  # the surname: short
            parts.append(f"{_verb_phrase(a, p)} {quote} [{n}]{via}")
        sentences.append((f"{speaker}, according to {once}, " if once else f"{speaker} ") + "; ".join(parts))
    return Answer(
        question=question,
        text=". ".join(sentences),
        citations=citations,
        # "Who offered ...?" is answered by the speaker; "What did Rubio say?" already names him.
        short_answer=speakers[0] if _ASKS_WHO.match(question) else None,
    )
