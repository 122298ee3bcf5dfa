"""Replies to "who said / offered what" questions: each speaker with their statements, each cited."""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.answer.quote import clause_window
from qa.answer.quoting import cite, ellipsis
from qa.answer.words import SPEECH, STATEMENTS
from qa.attribute.model import Attribution
from qa.retrieve.catalog import Catalog, PassageRef
from qa.schema import Answer, Citation

_MAX_STATEMENTS = 4
_MIN_STATEMENT = 45
_ASKS_WHO = re.compile(r"^\s*(?:and\s+)?who\b", re.IGNORECASE)
# Asked about a speaker ("who offered ...?", "what did Reed say?") or about statements
# ("which offers were made?"); "what is the prison called?" is about a name, not a speaker, and
# "who criticized the proposal?" about critics: the speech verb must be the question's own verb.
_ATTRIBUTION_QUESTION = re.compile(
    rf"^\s*(?:and\s+)?who\s+(?:(?:also|first|else|then|earlier|later|already|ever|once|just|has|have|had|did|would|will|\w+ly)\s+){{0,2}}{SPEECH}\b"
    # "Who spoke?" alone ("Who spoke with Lee?" asks for whoever he spoke with), and the passive
    # "who was quoted", who spoke ("who quoted Lee" is who relayed him, "who was announced as
    # the contractor" not who announced)
    rf"|^\s*(?:and\s+)?who\s+spoke\s*[?.!]*\s*$"
    rf"|^\s*(?:and\s+)?(?:who|(?:which|what)\s+(?:people|persons|sources|speakers))\s+(?:is|are|was|were)\s+quoted\b"
    rf"|^\s*(?:and\s+)?who,\s+according\s+to\s+[^,]{{1,60}},\s+{SPEECH}\b"
    rf"|^\s*(?:and\s+)?who\s+(?:made|gave|issued|put forward)\s+(?:the|an?|that|this)\s+{STATEMENTS}\b"
    rf"|\b(which|what)\s+{STATEMENTS}\b"
    rf"|^\s*what\s+(?:else\s+)?(did|does|do|has|have)\s+(?:(?-i:[A-Z])[\w.’'-]*\s+)+{SPEECH}\b",
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
    """Up to four statements, grouped by speaker, each quoted and cited: one line each when there
    are several (a list reads more easily than a chain of clauses)."""
    usable = [a for a in found if _passage_of(catalog, a.doc, a.statement_start) is not None][:_MAX_STATEMENTS]
    return _attributed_reply(question, usable, catalog, budget) if usable else None


_LEAD_IN = re.compile(r"[\w’'-]+(?: [\w’'-]+){0,2}")
# Where, when or how a statement was made, after whom it was made to
_SETTING = re.compile(r",|\s(?:at|in|on|during|after|before|outside|from|with|by|via|over|while)\s")


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
    if first and rest and not _LEAD_IN.fullmatch(rest):
        # "told reporters at the port's offices": whom it was told, without where or when
        rest = _SETTING.split(rest, maxsplit=1)[0].strip()
    if not rest or not _LEAD_IN.fullmatch(rest):
        return a.verb
    return f"{a.verb} {rest}:" if first else f"{a.verb} {rest}"


def _attributed_reply(question: str, chosen: Sequence[Attribution], catalog: Catalog, budget: int) -> Answer:
    speakers = list(dict.fromkeys(a.speaker for a in chosen))
    ordered = [a for speaker in speakers for a in chosen if a.speaker == speaker]
    # one line per statement: each quote cut only between clauses, to about its share of the budget
    guide = max(_MIN_STATEMENT, budget // 2 if len(ordered) > 1 else budget)
    citations: list[Citation] = []
    lines: list[str] = []
    for a in ordered:
        lo, hi = clause_window(a.statement, guide, None)
        p = catalog.passages[_passage_of(catalog, a.doc, a.statement_start) or 0]
        n = len(citations) + 1
        citations.append(cite(n, a.statement_start + lo, a.statement[lo:hi], p, 1.0))
        quote = ellipsis(lo, hi, a.statement)
        quote = f"“{quote}”" if a.quoted and not re.search('[“”"]', quote) else quote
        via = f" (according to {a.reported_by.split()[-1]})" if a.reported_by else ""  # the surname: short
        lines.append(f"{a.speaker} {_verb_phrase(a, p)} {quote} [{n}]{via}")
    return Answer(
        question=question,
        text=lines[0] if len(lines) == 1 else "\n".join(f"• {line}" for line in lines),
        citations=citations,
        # "Who offered ...?" is answered by the speaker; "What did Reed say?" already names him.
        short_answer=speakers[0] if _ASKS_WHO.match(question) else None,
    )
