"""Rewrite a follow-up ("what did he say?") into a question that stands on its own."""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.nlp import parse
from qa.schema import Turn

_PERSON_PRONOUN = re.compile(r"\b(he|she|him|her|his|hers)\b", re.IGNORECASE)
_THING_PRONOUN = re.compile(r"\b(it|its|they|them|their|this|that|these|those|there)\b", re.IGNORECASE)
_NAME = re.compile(r"\b([A-Z][\w’'.-]+(?:\s+(?:[A-Z][\w’'.-]+|de|del|van|von|al))*\s+[A-Z][\w’'-]+)\b")
_WH = re.compile(r"^\s*(who|what|when|where|which|why|how)\b[^?]*?\b(is|was|are|were|did|does|do)\b\s*", re.I)


def _people(text: str) -> list[str]:
    """Person names the entity recogniser finds, in order of appearance."""
    return [e.text for e in parse(text).ents if e.label_ == "PERSON"]


def _last_person(history: Sequence[Turn]) -> str | None:
    """The person the conversation last spoke of: recognised names first, then capitalised runs."""
    for finder in (_people, lambda text: [m.group(1) for m in _NAME.finditer(text)]):
        for turn in reversed(history):
            for source in (turn.answer, turn.question, *turn.quotes):
                names = finder(source)
                if names:
                    return max(names, key=len)
    return None


def _complete(question: str) -> bool:
    """A question word, a verb and what it asks about ("What is CECOT?", "Who is Rubio?"): short but
    whole, unlike "Why?", "How much?" or "And the fee?", which lean on the previous question."""
    return bool(_WH.match(question)) and bool(_WH.sub("", question, count=1).strip(" ?!."))


def resolve(question: str, history: Sequence[Turn]) -> str:
    """The question with pronouns replaced from the conversation, or unchanged if it stands alone."""
    if not history:
        return question
    resolved = question
    if _PERSON_PRONOUN.search(question):
        person = _last_person(history)
        if person:
            # Documents refer back to someone by surname ("Bukele confirmed ..."); the full name
            # would favour the one sentence that introduces them (measured on the article's
            # "What did he ask for in return?").
            person = person.split()[-1]

            def swap(match: re.Match[str]) -> str:
                word = match.group(1).lower()
                return f"{person}'s" if word in ("his", "hers") else person

            resolved = _PERSON_PRONOUN.sub(swap, question)
    if _THING_PRONOUN.search(resolved) or (len(resolved.split()) <= 3 and not _complete(resolved)):
        topic = _WH.sub("", history[-1].question).rstrip("?").strip()
        if topic and topic.lower() not in resolved.lower():
            resolved = f"{resolved} ({topic})"
    return resolved
