"""Questions written to look answerable but not be: the reader's extra negatives.

squad2-dev has few unanswerable questions on the articles the reader may learn from, so more are
made the way SQuAD 2.0's crowdworkers made theirs: take an answerable question and swap one thing
it names (a person, a place, an organisation, a date, a number) for another of the same kind from
the same article, one its gold sentence does not mention. The gold sentence no longer answers the
new question ("When did the Normans conquer England?" -> "... conquer Sicily?"), nor does any other
candidate retrieved for the old one, with rare exceptions the training tolerates.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from typing import Any

from qa.nlp import parse

SWAPPABLE = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "CARDINAL", "EVENT", "FAC", "WORK_OF_ART"})
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")


def entity_pool(questions: list[dict[str, Any]]) -> dict[tuple[int, str], list[str]]:
    """Every entity of every candidate sentence, by article and label."""
    pool: dict[tuple[int, str], set[str]] = defaultdict(set)
    seen: set[str] = set()
    for row in questions:
        for cand in row["cands"]:
            if cand["text"] in seen:
                continue
            seen.add(cand["text"])
            for ent in parse(cand["text"]).ents:
                if ent.label_ in SWAPPABLE:
                    pool[(row["article"], ent.label_)].add(ent.text)
    return {key: sorted(values) for key, values in pool.items()}


def swapped(row: dict[str, Any], pool: dict[tuple[int, str], list[str]], rng: random.Random) -> str | None:
    """The question with one named thing replaced by another the gold sentence does not hold."""
    gold = " ".join(c["text"] for c in row["cands"] if c["label"] == 1)
    if not gold:
        return None
    question = row["question"]
    ents = [e for e in parse(question).ents if e.label_ in SWAPPABLE]
    rng.shuffle(ents)
    for ent in ents:
        options = [
            o for o in pool.get((row["article"], ent.label_), []) if o not in gold and o.lower() not in question.lower()
        ]
        if options:
            return question[: ent.start_char] + rng.choice(options) + question[ent.end_char :]
    year = _YEAR.search(question)
    if year:
        other = str(int(year.group(1)) + rng.choice([-7, -3, -2, 2, 3, 7]))
        if other not in gold:
            return question[: year.start()] + other + question[year.end() :]
    return None


def unanswerable(questions: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """One swapped question per answerable question where a swap is possible, every candidate of
    the original (gold included) a negative."""
    pool = entity_pool(questions)
    out = []
    for row in questions:
        if not row["answerable"] or row["set"] != "squad":
            continue
        question = swapped(row, pool, rng)
        if question is None:
            continue
        cands = [{**c, "label": 0} for c in row["cands"]]
        gold = [c for c in cands if any(c["text"] == g["text"] for g in row["cands"] if g["label"] == 1)]
        rest = [c for c in cands if c not in gold]
        out.append({**row, "question": question, "answerable": False, "set": "swapped", "cands": gold + rest})
    return out
