"""Rewrite a follow-up ("what did he say?") into a question that stands on its own."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from qa.answer.question import question_type
from qa.attribute.people import pronoun_gender
from qa.chat.expletive import dummy_it
from qa.nlp import parse
from qa.retrieve.lexical import NAME_PARTICLES, terms
from qa.schema import Turn

GenderOf = Callable[[str], str | None]  # a name -> "male", "female" or None (unknown)
_PERSON_PRONOUN = re.compile(r"\b(he|she|him|her|his|hers)\b", re.IGNORECASE)
_THING_PRONOUN = re.compile(r"\b(it|its|they|them|their|this|that|these|those|there)\b", re.IGNORECASE)
_PARTICLE = "|".join(sorted(NAME_PARTICLES))  # "Café de Málaga": small words a name may hold
_NAME = re.compile(rf"\b([A-Z][\w’'.-]+(?:\s+(?:[A-Z][\w’'.-]+|{_PARTICLE}))*\s+[A-Z][\w’'-]+)\b")
_COPULAS = frozenset({"is", "was", "are", "were"})
# "Who criticized it", "How much prize money will ..."
_LEAD_WH = re.compile(
    r"^\s*(?:who|what|when|where|which|why|how(?:\s+(?:much|many|long|old|far|big|often|large))?)\s+", re.IGNORECASE
)
# "Is it true ...", "it seems": an "it" that stands for nothing
_EMPTY_IT = re.compile(
    r"\b(?:is|was|isn't|wasn't) it (?:true|possible|likely|known|clear)\b"
    r"|\bit(?:'s|’s| is| was)? (?:true|possible|likely|said|reported|known|clear|seems|appears)\b",
    re.IGNORECASE,
)
_IT = re.compile(r"\b(it|its)\b", re.IGNORECASE)
_TOPIC = re.compile(r" ?\(([^()]*)\)$")  # " (the council decide)", added by resolve()
_ABOUT = re.compile(r"(?:and|what about|how about) (.+?) ?\??", re.IGNORECASE)
# "Lee", "Ann Lee", "Port Alder": capitalised words, no possessive ("Lee's offer" is more).
_BARE_NAME = re.compile(rf"[A-Z][\w.-]+(?: (?:[A-Z][\w.-]*|{_PARTICLE})){{0,3}}")
_WH = re.compile(r"^\s*(who|what|when|where|which|why|how)\b[^?]*?\b(is|was|are|were|did|does|do)\b\s*", re.I)


_CAPITALISED = re.compile(r"\b[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*")  # "Lee", "Ann Lee"
_PLACES = frozenset({"GPE", "LOC"})


def _is_place(name: str) -> bool:
    """A place ("Port Alder") is no "he", though one of its words could be a person's name."""
    ents = parse(name).ents
    return len(ents) == 1 and ents[0].label_ in _PLACES and ents[0].text == name


def _people(text: str) -> list[str]:
    """Person names the entity recogniser finds, in order of appearance."""
    return [e.text for e in parse(text).ents if e.label_ == "PERSON"]


def _last_person(
    history: Sequence[Turn], wanted: str | None, gender_of: GenderOf | None, besides: str = ""
) -> str | None:
    """The person the conversation last spoke of: recognised names first, then capitalised runs.
    With `wanted` ("she" asks for "female"), the last one the documents do not refer to with the
    other pronoun: after "Who is Tom Reed?" (he), "what did she say?" means a woman named before;
    None when there is none (the pronoun is then left to retrieval). Never someone the question
    itself names (`besides`): in "How did he describe Lee's offer?" he is not Lee. A turn that asked
    about "he" without naming anyone was still about the one before, even when its answer names
    someone else: the user is still talking of the person they asked about."""

    def fits(name: str) -> bool:
        if re.search(rf"\b{re.escape(name.split()[-1])}\b", besides) or _is_place(name):
            return False
        return wanted is None or gender_of is None or gender_of(name) in (None, wanted)

    last = history[-1].question if history else ""
    unnamed = _PERSON_PRONOUN.search(last) and not _people(last) and not _NAME.search(last)
    if unnamed and (earlier := _last_person(history[:-1], wanted, gender_of, besides)):
        return earlier
    if wanted and gender_of:
        # A name the documents call "he" (or "she") counts as a person where it is mentioned, before
        # the names of later sources: the tagger may take that person for an organisation and a
        # name in the answer (a gang's, a ship's) for a person.
        def confirmed(text: str) -> list[str]:
            return _people(text) + [w for w in _CAPITALISED.findall(text) if gender_of(w) == wanted]

        for turn in reversed(history):
            asked_who = question_type(turn.question) == "who"
            first = (turn.answer, turn.question) if asked_who else (turn.question, turn.answer)
            for source in (*first, *turn.quotes):
                if fitting := [n for n in confirmed(source) if fits(n)]:
                    return fitting[0]
    for finder in (_people, lambda text: [m.group(1) for m in _NAME.finditer(text)]):
        found = False
        for turn in reversed(history):
            # The one the user asked about ("What did Reed announce?", answered "Reed said Lee
            # offered ...": Reed), unless they asked who: then the one the answer names first.
            asked_who = question_type(turn.question) == "who"
            first = (turn.answer, turn.question) if asked_who else (turn.question, turn.answer)
            for source in (*first, *turn.quotes):
                names = finder(source)
                found = found or bool(names)
                if fitting := [n for n in names if fits(n)]:
                    return fitting[0]
        if found:
            return None
    return None


def _complete(question: str) -> bool:
    """A question word, a verb and what it asks about ("What is the Alder Dam?", "Who is Reed?"):
    short but whole, unlike "Why?", "How much?" or "And the fee?", which lean on the previous
    question."""
    return bool(_WH.match(question)) and bool(_WH.sub("", question, count=1).strip(" ?!."))


def _topic(question: str) -> re.Match[str] | None:
    """The topic a follow-up took along: " (the council decide)" at its end."""
    return _TOPIC.search(question.rstrip())


def _asked_before(history: Sequence[Turn]) -> str:
    """The last question as it was understood, without the topic a follow-up took along."""
    question = history[-1].question.rstrip()
    topic = _topic(question)
    return (question[: topic.start()] if topic else question).strip()


def _same_about(question: str, history: Sequence[Turn]) -> str | None:
    """ "And Lee?" / "What about Lee?" after "Who is Reed?": the last question about the newly
    named one ("Who is Lee?"), its last named person, place or organisation swapped; None when
    the follow-up is not a bare name or the last question names no one."""
    match = _ABOUT.fullmatch(question.strip())
    if not match or not _BARE_NAME.fullmatch(match.group(1)):
        return None
    before = _asked_before(history)
    named = [e for e in parse(before).ents if e.label_ in ("PERSON", "GPE", "ORG", "NORP", "LOC", "FAC")]
    if not named:
        return None
    last = named[-1]
    return before[: last.start_char] + match.group(1) + before[last.end_char :]


def _named(text: str, history: Sequence[Turn], gender_of: GenderOf | None) -> str:
    """`text` with he/she/his/her replaced by the person the conversation last spoke of."""
    pronoun = _PERSON_PRONOUN.search(text)
    person = _last_person(history, pronoun_gender(pronoun.group(1)), gender_of, text) if pronoun and history else None
    if not person:
        return text
    # Documents refer back to someone by surname ("Lee confirmed ..."); the full name would favour
    # the one sentence that introduces them over the later ones that say what they did.
    surname = person.split()[-1]
    # "her" is possessive in "her field" (the tagger says PRP$), not in "told her"
    owner = {t.idx for t in parse(text) if t.lower_ == "her" and t.tag_ == "PRP$"}

    def swap(match: re.Match[str]) -> str:
        word = match.group(1).lower()
        return f"{surname}'s" if word in ("his", "hers") or match.start() in owner else surname

    return _PERSON_PRONOUN.sub(swap, text)


# "What else ...?": beyond what was quoted. Not "other" ("Which other town was named?" may be in the
# very sentence quoted: "Port Alder or Kell Bay") nor "also" ("Does it also cover ...?").
_MORE = re.compile(
    r"\b(?:else|besides|apart\s+from|aside\s+from|in\s+addition|any\s*more|anything\s+more)\b", re.IGNORECASE
)


def already_quoted(question: str, history: Sequence[Turn]) -> tuple[str, ...]:
    """What the conversation has quoted, when the question asks for something beyond it ("What
    else did she say?", "Who else praised it?"): those passages are no answer to it."""
    return tuple(q for turn in history for q in turn.quotes) if _MORE.search(question) else ()


def resolve(question: str, history: Sequence[Turn], gender_of: GenderOf | None = None) -> str:
    """The question with pronouns replaced from the conversation, or unchanged if it stands alone.
    `gender_of` says how the documents refer to a person, so "she" skips a man named since."""
    if not history:
        return question
    if (about := _same_about(question, history)) is not None:
        return about
    resolved = _named(question, history, gender_of)
    if _free_reference(resolved) or (len(resolved.split()) <= 3 and not _complete(resolved)):
        carried = _topic(history[-1].question)  # a follow-up of a follow-up keeps its topic
        before = _asked_before(history)
        topic = carried.group(1) if carried else _LEAD_WH.sub("", _WH.sub("", before)).rstrip("?").strip()
        # "(he want in return)" from a client that sends questions as typed: named as it was asked
        topic = _named(topic, history[:-1], gender_of)
        if topic and topic.lower() not in resolved.lower() and not set(terms(topic)) <= set(terms(resolved)):
            # only what a "What is X?" asked about: "the Apollo program end" (from "When did the
            # Apollo program end?") is a clause without its "did", no thing
            asked_what = not carried and (m := _WH.match(before)) is not None and m.group(2).lower() in _COPULAS
            if asked_what and not _EMPTY_IT.search(resolved) and _is_thing(topic) and (it := _IT.search(resolved)):
                # "What is the Alder Dam?" then "How tall is it?": "How tall is the Alder Dam?"
                named = f"{topic}'s" if it.group(1).lower() == "its" else topic
                return resolved[: it.start()] + named + resolved[it.end() :]
            resolved = f"{resolved} ({topic})"
    return resolved


def _free_reference(question: str) -> bool:
    """Whether the question points at something it does not name itself, so only the conversation
    can say what ("How big is it?", "What did they offer?", "Why was this prison built?"). Not an
    "it" standing for a clause ("Is it legal to ...?"), a possessive whose owner the question names
    before it ("Who runs the prison and what is its capacity?"), a "that" opening a clause, or an
    existential "there" ("Is there a fee?")."""
    if not _THING_PRONOUN.search(question):
        return False
    words = list(parse(question))
    for i, word in enumerate(words):
        if not _THING_PRONOUN.fullmatch(word.text):
            continue
        if word.tag_ in ("IN", "WDT", "EX"):
            continue
        if word.lower_ in ("its", "their") and any(w.pos_ in ("NOUN", "PROPN") for w in words[:i]):
            continue
        if word.lower_ == "it" and dummy_it(words, i):
            continue
        return True
    return False


def _is_thing(topic: str) -> bool:
    """A topic that names one thing ("the Alder Dam", "the nuclear agreement"): no verb and no
    person (he or she, not it), at most five words."""
    doc = parse(topic)
    return len(topic.split()) <= 5 and not any(t.pos_ in ("VERB", "AUX") or t.ent_type_ == "PERSON" for t in doc)


def without_topic(resolved: str) -> str:
    """The follow-up without the topic `resolve` took along: tried when the topic leads nowhere
    ("How many seats does it have? (Lee ask for in return)")."""
    topic = _topic(resolved)
    return resolved[: topic.start()].rstrip() if topic else resolved
