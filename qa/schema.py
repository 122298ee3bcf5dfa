"""Small typed objects that move between layers; no library types leak through them."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

_META_FIELDS = ("title", "outlet", "author", "date", "url")


@dataclass(frozen=True)
class SourceMeta:
    """What a reader is told about a document's origin: its headline, the outlet or site that
    published it, the author, the publication date (ISO, "YYYY-MM-DD") and the canonical URL.
    Empty when unknown: nothing is guessed."""

    title: str = ""
    outlet: str = ""
    author: str = ""
    date: str = ""
    url: str = ""

    def to_dict(self) -> dict[str, str]:
        """The known fields only."""
        return {k: v for k, v in asdict(self).items() if v}

    @classmethod
    def from_dict(cls, raw: Any) -> SourceMeta:
        """Back from `to_dict` (a sidecar file, the index's manifest); unknown keys and values that
        are not text are left out."""
        if not isinstance(raw, dict):
            return cls()
        return cls(**{k: raw[k].strip() for k in _META_FIELDS if isinstance(raw.get(k), str)})

    def label(self, fallback: str) -> str:
        """ "Outlet · date · title", from what is known; `fallback` (the file name) when nothing is."""
        parts = [p for p in (self.outlet, self.date, self.title) if p]
        return " · ".join(parts) if self.title else " · ".join([*parts, fallback])


@dataclass(frozen=True)
class SourceDocument:
    """A corpus file as text, with the offsets of its pages (PDFs) so chunks know theirs, and what
    is known of where it comes from."""

    name: str
    text: str
    page_starts: tuple[int, ...] = ()
    meta: SourceMeta = field(default_factory=SourceMeta)

    def page_at(self, offset: int) -> int | None:
        """1-based page holding `offset`, or None for documents without pages."""
        if not self.page_starts:
            return None
        page = 0
        for i, start in enumerate(self.page_starts):
            if start <= offset:
                page = i
            else:
                break
        return page + 1


@dataclass(frozen=True)
class Sentence:
    """One sentence of a document: `doc.text[start:end] == text`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Chunk:
    """A passage of a document, the unit stored and retrieved."""

    doc: str
    start: int
    end: int
    text: str
    page: int | None = None
    sentences: tuple[Sentence, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.start}-{self.end}"


@dataclass(frozen=True)
class Citation:
    """Where a quoted sentence stands: what the UI highlights and the API returns."""

    n: int
    doc: str
    start: int
    end: int
    quote: str
    passage: str
    passage_start: int
    passage_end: int
    score: float
    page: int | None = None
    span_start: int | None = None
    span_end: int | None = None
    # where the document comes from (SourceMeta's fields; None when unknown)
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def with_source(self, meta: SourceMeta) -> Citation:
        """This citation with its document's origin."""
        return replace(
            self,
            title=meta.title or None,
            outlet=meta.outlet or None,
            author=meta.author or None,
            date=meta.date or None,
            url=meta.url or None,
        )

    @classmethod
    def from_dict(cls, raw: Any) -> Citation:
        """Back from `to_dict` (a conversation the browser kept); ValueError when it is not one."""
        if not isinstance(raw, dict):
            raise ValueError("a citation is an object")
        ints = ("n", "start", "end", "passage_start", "passage_end")
        optional = ("page", "span_start", "span_end")
        if not all(type(raw.get(k)) is int for k in ints) or not all(
            raw.get(k) is None or type(raw.get(k)) is int for k in optional
        ):
            raise ValueError("a citation's offsets are whole numbers")
        if not all(isinstance(raw.get(k), str) for k in ("doc", "quote", "passage")):
            raise ValueError("a citation's document, quote and passage are text")
        if not all(raw.get(k) is None or isinstance(raw.get(k), str) for k in _META_FIELDS):
            raise ValueError("a citation's title, outlet, author, date and url are text")
        score = raw.get("score")
        if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
            raise ValueError("a citation's score is a number")
        return cls(
            n=raw["n"],
            doc=raw["doc"],
            start=raw["start"],
            end=raw["end"],
            quote=raw["quote"],
            passage=raw["passage"],
            passage_start=raw["passage_start"],
            passage_end=raw["passage_end"],
            score=float(raw["score"]),
            page=raw.get("page"),
            span_start=raw.get("span_start"),
            span_end=raw.get("span_end"),
            **{k: raw.get(k) for k in _META_FIELDS},
        )


@dataclass
class Answer:
    """A reply: its text with [n] markers, the citations behind them, or an honest refusal."""

    question: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    short_answer: str | None = None
    resolved_question: str | None = None
    passages: list[Citation] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "short_answer": self.short_answer,
            "resolved_question": self.resolved_question,
            "citations": [c.to_dict() for c in self.citations],
            "passages": [c.to_dict() for c in self.passages],
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, raw: Any) -> Answer:
        """Back from `to_dict` (a conversation the browser kept); ValueError when it is not one."""
        if (
            not isinstance(raw, dict)
            or not isinstance(raw.get("question"), str)
            or not isinstance(raw.get("answer"), str)
        ):
            raise ValueError("an answer is an object with its question and answer text")
        texts = ("short_answer", "resolved_question", "error")
        if not all(raw.get(k) is None or isinstance(raw.get(k), str) for k in texts):
            raise ValueError("an answer's short answer, resolved question and error are text")
        abstained = raw.get("abstained", False)
        if not isinstance(abstained, bool):
            raise ValueError("an answer's abstained is true or false")
        lists = [raw.get(k, []) for k in ("citations", "passages")]
        if not all(isinstance(x, list) for x in lists):
            raise ValueError("an answer's citations and passages are lists")
        return cls(
            question=raw["question"],
            text=raw["answer"],
            citations=[Citation.from_dict(c) for c in lists[0]],
            abstained=abstained,
            passages=[Citation.from_dict(c) for c in lists[1]],
            **{k: raw.get(k) for k in texts},
        )


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation, used to resolve follow-ups."""

    question: str
    answer: str
    quotes: tuple[str, ...] = ()


@dataclass
class IngestReport:
    """What a sync did, so commands can say it and tests can check it."""

    documents: int = 0
    chunks: int = 0
    added: int = 0
    skipped: int = 0
    deleted: int = 0
    problems: list[str] = field(default_factory=list)  # files skipped, and why
    notes: list[str] = field(default_factory=list)  # what else a user should know (a full rebuild)

    def messages(self) -> list[str]:
        """What the CLI and the app print after a sync: notes, then each skipped file."""
        return [f"note: {n}" for n in self.notes] + [f"skipped: {p}" for p in self.problems]
