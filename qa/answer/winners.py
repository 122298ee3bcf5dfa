"""Who beat whom: contests in a sentence.

Whether a sentence says that someone beat someone, and the re-weighing of a sentence's options so
that the side named before the verb of beating, the winner, comes first. The reply composer asks
about winners apart from the other span rules, so they stand alone.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from qa.answer.tokens import Span
from qa.answer.words import BEATING
from qa.nlp import parse

if TYPE_CHECKING:
    from spacy.tokens import Doc


def winner_first(doc: Doc, option: Span, beat: int) -> Span:
    """The option re-weighed for "who won": before the verb, as near as it stands to it; after it, later."""
    found = doc.char_span(option.start, option.end, alignment_mode="expand")
    if found is not None and found.end <= beat:
        return replace(option, gap=beat - found.end, rank=0, spread=0.0)
    return replace(option, rank=option.rank + 2)


def tells_winner(sentence: str) -> bool:
    """Whether a sentence says who beat whom: a verb that means only that ("Harbor City FC beat
    Northgate United 3-1", "They then beat the Patriots"), used as a verb. Not "Turnout topped 70
    percent" (topping is also exceeding), nor "officers on the downtown beat"; and a sentence that
    only says "won" may be about anything ("nobody remembers the team that almost won")."""
    if not any(w in BEATING for w in re.findall(r"[a-z]+", sentence.lower())):
        return False  # most sentences: no parse
    return any(t.lower_ in BEATING and t.pos_ == "VERB" for t in parse(sentence))
