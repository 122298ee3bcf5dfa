"""Answer "who said/offered what" questions from extracted attributions; pure, no retrieval."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from qa.attribute.lexicon import OFFER_VERBS, OFFER_WORDS, SPEECH_VERBS, _forms
from qa.attribute.lexicon import words as word_set
from qa.attribute.model import Attribution

_FORM_TO_LEMMA: dict[str, str] = {f: lemma for lemma in sorted(SPEECH_VERBS | OFFER_VERBS) for f in _forms(lemma)}
# Nouns that make "who made which offer?" or "what was her statement?" about attribution.
_SPEECH_NOUNS = word_set(
    "offer offers statement statements quote quotes proposal proposals promise promises claim claims "
    "announcement announcements remark remarks comment comments pledge pledges"
)
_OFFER_QUESTION = word_set(
    "offer offers offered offering agree agreed agrees willing proposal proposals propose proposed promise "
    "promised pledge pledged volunteer volunteered"
)
# Words of speech that only questions use ("Who was quoted?", "Who spoke?"), not extraction cues.
_ASKED_SPEECH = word_set("quoted quote spoke speak speaks spoken")
_AUXILIARIES = frozenset({"did", "does", "do", "will", "would", "has", "had", "have", "could", "can", "should"})
# Verbs too general to narrow the answer down: "what did X say" wants everything X stated.
_GENERIC = frozenset({"say", "tell", "state", "add", "comment", "report", "post", "write"})
_STOP = word_set(
    """who whom whose what which when where why how did does do done has have had is are was were be been
    the a an of to in on at for by with from about and or but that this these those it its it's they them
    their he she his her him we our you your i me my make made makes making give gave given any some
    according say said tell told quoted quote spoke speak speaks spoken people person everyone anyone
    sources else"""
)


def _norm(word: str) -> str:
    """Lower case, no dots or apostrophes, crude plural stripping: "U.S." == "US" == "us"."""
    w = word.lower().replace(".", "").replace("’", "'")
    w = re.sub(r"'s$", "", w)
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    return w


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][\w.’'-]*[\w]|[A-Za-z]", text)


def _is_offer(a: Attribution) -> bool:
    """An offer or commitment: said with an offer verb, or worded "we are willing to ..."."""
    if a.verb_lemma in OFFER_VERBS:
        return True
    return bool(re.search(rf"\b(?:{'|'.join(sorted(OFFER_WORDS))})\s+to\b", a.statement, re.IGNORECASE))


# "What did Reed say about the offer?": the words of one named person, by a plain verb of speech.
_ASKED_SPEAKER = re.compile(
    r"^\s*(?i:what)\s+(?:(?i:else)\s+)?(?i:did|does|do|has|have|had)\s+((?:[A-Z][\w’'.-]*\s+){1,3}?)"
    r"(?:(?:him|her)self\s+|ever\s+|publicly\s+|actually\s+)?"
    r"(?:say|said|tell|told|state|stated|comment|commented)\b"
)


def asked_speaker(question: str) -> str | None:
    """The person whose words "What did Reed say about it?" asks for; None for any other question."""
    match = _ASKED_SPEAKER.match(question)
    return match.group(1).strip() if match else None


def is_attribution_question(question: str) -> bool:
    """Questions about who said or offered something, or what someone said."""
    words = [w.lower() for w in _words(question)]
    if not words:
        return False
    asks = words[0] in ("who", "what", "which", "whom") or "according" in words
    about_speech = any(w in _FORM_TO_LEMMA or w in _SPEECH_NOUNS or w in _ASKED_SPEECH for w in words)
    return asks and about_speech


def _name_words(attributions: Sequence[Attribution]) -> dict[str, str]:
    """Each capitalised word of a speaker's name or mention, normalised -> the speaker."""
    return {
        _norm(part): a.speaker
        for a in attributions
        for part in [*_words(a.speaker), *_words(a.speaker_mention)]
        if part[:1].isupper() and len(part) > 2
    }


def named_speakers(words: Iterable[str], attributions: Sequence[Attribution]) -> set[str]:
    """The speakers the capitalised `words` name by any word of their name ("Reed" for Tom Reed)."""
    name_words = _name_words(attributions)
    return {name_words[_norm(w)] for w in words if w[:1].isupper() and _norm(w) in name_words}


def answer_attribution_question(
    question: str, attributions: Sequence[Attribution], sentence_of: Callable[[Attribution], str] | None = None
) -> list[Attribution] | None:
    """Attributions answering `question`, best first; None when it is not an attribution question.

    Narrowed by speaker name (any word of the full name or the mention), by verb class (offers),
    then ranked by content words shared with the statement.
    """
    if not is_attribution_question(question):
        return None
    words = _words(question)
    lowered = [w.lower() for w in words]
    name_words = _name_words(attributions)
    speakers = named_speakers(words[1:], attributions)
    verbs = {_FORM_TO_LEMMA[w] for w in lowered if w in _FORM_TO_LEMMA} - _GENERIC - OFFER_VERBS
    # "Who called the proposal bizarre?" asks who called it so, not who made an offer, and "What
    # did Lee say about the proposal?" or "Who commented on the offer?" what was said of it.
    spoken = any(_FORM_TO_LEMMA.get(w.lower()) in _GENERIC for w in words if not w[:1].isupper())  # not "States"
    offer = any(w in _OFFER_QUESTION for w in lowered) and not verbs and not spoken

    if speakers and lowered[0] in ("who", "whom") and len(lowered) > 1 and lowered[1] in _AUXILIARIES:
        return []  # "Who did Lee confirm his statements to?" names the speaker and asks for someone else
    found = list(attributions)
    if speakers:
        found = [a for a in found if a.speaker in speakers]
    if offer:
        found = [a for a in found if _is_offer(a)]
    elif verbs:
        found = [a for a in found if a.verb_lemma in verbs] or found

    used = {_norm(w) for w in words if _norm(w) in name_words} | {_norm(w) for w in _OFFER_QUESTION}
    terms = {_norm(w) for w in lowered if w not in _STOP and w not in _FORM_TO_LEMMA} - used
    if not terms:
        # "Who said what?", "Who was quoted?": everyone who said something, one statement each first;
        # "Who made which offer?": every document's offers, one each first
        if speakers or verbs:
            return found
        return _each_first(found, lambda a: a.doc) if offer else _each_first(found, lambda a: a.speaker)
    scored = [
        (len(terms & {_norm(w) for w in _words(f"{a.statement} {a.speaker_role or ''}")}), i, a)
        for i, a in enumerate(found)
    ]
    best = max((s for s, _, _ in scored), default=0)
    if best == 0 and sentence_of is not None:
        # "Who commented on X?": the words may be around the statement ("called it a 'great idea' on
        # X"), all of them (a few only, and retrieval answers better)
        around = [(len(terms & {_norm(w) for w in _words(sentence_of(a))}), i, a) for i, a in enumerate(found)]
        if any(s == len(terms) for s, _, _ in around):
            scored, best = around, len(terms)
    if best == 0:
        return found if (speakers or offer) else []
    keep = [(s, i, a) for s, i, a in scored if s * 2 >= best]
    return [a for _, _, a in sorted(keep, key=lambda t: (-t[0], t[1]))]


def _each_first(found: Sequence[Attribution], key: Callable[[Attribution], str]) -> list[Attribution]:
    """The first statement of every speaker (or document), in the documents' order, then the rest:
    a reply that has room for four statements names four people, or says what each of several
    documents offers, rather than quoting one of them four times."""
    first: dict[str, Attribution] = {}
    for a in found:
        first.setdefault(key(a), a)
    firsts = list(first.values())
    return firsts + [a for a in found if a not in firsts]
