"""Split documents into sentence-aware passages whose offsets round-trip exactly."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from langchain_text_splitters import RecursiveCharacterTextSplitter

from qa.nlp import import_spacy
from qa.schema import Chunk, Sentence, SourceDocument

if TYPE_CHECKING:
    from spacy.language import Language

# Paragraphs first, then lines, then sentence ends, so passages break where the text does.
_SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""]
_LINE = re.compile(r"[^\n]+")
_BLOCK = re.compile(r"(?:[^\n]|\n(?![ \t]*\n))+")
# A quotation of at least a few words, in curly or straight double quotes.
_QUOTATION = re.compile(r"“[^“”]{15,}”|\"[^\"]{15,}\"")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:])")
# Marks that open a quotation (a straight quote opens one after a space).
_OPENING_MARKS = frozenset('"“‘«')
_QUOTED_ASKING_END = re.compile(r"[?!][”’»\"]$")


@lru_cache(maxsize=1)
def _sentencizer() -> Language:
    spacy = import_spacy()
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 10_000_000
    return nlp


# Marks left at a line's start by a break before them (".“It’s ...", ", and more"), not ".NET" or ".5".
_STRAY_MARKS = re.compile(r"^(?:[.,;:]+(?=[\s“\"‘']|$)\s*)+")


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Sentences of `text`, never crossing a line break, with offsets shifted by `offset`."""
    nlp = _sentencizer()
    lines = [(m.start(), m.group()) for m in _LINE.finditer(text) if m.group().strip()]
    sentences: list[Sentence] = []
    for (line_start, line), parsed in zip(lines, nlp.pipe(line for _, line in lines), strict=True):
        for begin, end in _quotations_kept_whole(line, [(s.start_char, s.end_char) for s in parsed.sents]):
            raw = line[begin:end]
            # A mark the line before lost to a line break (".“It’s not rooted …") is not this
            # sentence's start: a quote of it would open on a stray full stop.
            body = _STRAY_MARKS.sub("", raw.lstrip())
            stripped = body.rstrip()
            if not stripped:
                continue
            lead = len(raw) - len(body)
            start = offset + line_start + begin + lead
            sentences.append(Sentence(start=start, end=start + len(stripped), text=stripped))
    return sentences


def _quotations_kept_whole(line: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence bounds with the quotation marks the sentencizer misplaces put right:
    - a mark that opens the next sentence (a curly or angle opening mark, or a straight quote after
      a space) is given to it: the sentencizer ends a sentence after any mark that follows a full
      stop ('... on Friday. “Nobody likes ...'), which left one quote ending on a stray mark and
      the next opening mid-quotation;
    - a quoted question or exclamation and the words that say who said it are one sentence
      ('“Is it late?” she asked.'): the sentencizer ends one after '?”', which left the speaker
      in a sentence of their own."""
    out = list(bounds)
    for k in range(len(out) - 1):
        begin, end = out[k]
        body = line[begin:end].rstrip()
        if len(body) >= 2 and body[-1] in _OPENING_MARKS and body[-2].isspace():
            at = begin + len(body) - 1
            out[k] = (begin, at)
            out[k + 1] = (at, out[k + 1][1])
    merged: list[tuple[int, int]] = []
    for begin, end in out:
        if merged and _continues(line[merged[-1][0] : merged[-1][1]], line[begin:end]):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((begin, end))
    return merged


def _continues(before: str, sentence: str) -> bool:
    """The sentence goes on from a quoted question or exclamation: it opens in lower case."""
    return bool(_QUOTED_ASKING_END.search(before.rstrip())) and sentence.lstrip()[:1].islower()


def quote_frame(sentence: str) -> str | None:
    """What a sentence says around its quotations ("X, a law professor at Y, told CNN"), or None.

    Embedded whole, a sentence that quotes someone is mostly its quotation, so a question about
    the speaker ("What does X specialize in?") finds it far less similar than it is; the frame is
    embedded as well and the sentence counts as near as the nearer of the two.
    """
    if not _QUOTATION.search(sentence):
        return None
    frame = _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(_QUOTATION.sub(" ", sentence).split())).strip(" ,.;:")
    return frame if len(frame.split()) >= 3 else None


def _splitter(chunk_size: int, chunk_overlap: int) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        chunk_size=chunk_size,
        chunk_overlap=min(chunk_overlap, chunk_size // 2),
        separators=_SEPARATORS,
        keep_separator="end",
        strip_whitespace=True,
    )


def _locate(text: str, piece: str, hint: int) -> int:
    """Offset of `piece` in `text` at or after `hint` (overlap can move it back a little)."""
    found = text.find(piece, hint)
    if found < 0:
        found = text.find(piece)
    if found < 0:
        raise ValueError("splitter returned text that is not in the document")
    return found


def split_document(doc: SourceDocument, chunk_size: int, chunk_overlap: int) -> Iterator[Chunk]:
    """Passages of one document; PDF pages are split separately so a passage has one page."""
    splitter = _splitter(chunk_size, chunk_overlap)
    bounds = list(doc.page_starts) or [0]
    ends = [*bounds[1:], len(doc.text)]
    for page_index, (page_start, page_end) in enumerate(zip(bounds, ends, strict=True)):
        region = doc.text[page_start:page_end]
        sentences = split_sentences(region, offset=page_start)
        for block_start, block in _paragraphs(region):
            pieces = [block] if len(block) <= chunk_size else splitter.split_text(block)
            cursor, previous = 0, -1
            for piece in pieces:
                # A passage starts after the previous one, at most `chunk_overlap` before its end, and
                # ends past it; searching from further back finds an earlier copy of repeated text.
                local = _locate(block, piece, max(previous + 1, cursor - chunk_overlap, cursor - len(piece) + 1))
                previous, cursor = local, local + len(piece)
                start, end = page_start + block_start + local, page_start + block_start + cursor
                inside = tuple(_clip(s, start, end) for s in sentences if s.start < end and s.end > start)
                yield Chunk(
                    doc=doc.name,
                    start=start,
                    end=end,
                    text=piece,
                    page=page_index + 1 if doc.page_starts else None,
                    sentences=tuple(s for s in inside if s.text.strip()),
                )


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """Blank-line separated blocks, stripped, with their offsets: passages never span two.

    Whole paragraphs retrieve better than fixed-size windows that merge or cut them
    (docs/evaluation.md); only paragraphs longer than the chunk size are split further.
    """
    for match in _BLOCK.finditer(text):
        raw = match.group()
        stripped = raw.strip()
        if stripped:
            yield match.start() + len(raw) - len(raw.lstrip()), stripped


def _clip(sentence: Sentence, start: int, end: int) -> Sentence:
    """A sentence cut to a passage's bounds (only long sentences ever need it)."""
    if sentence.start >= start and sentence.end <= end:
        return sentence
    lo, hi = max(sentence.start, start), min(sentence.end, end)
    text = sentence.text[lo - sentence.start : hi - sentence.start]
    return Sentence(start=lo, end=hi, text=text)
