"""The attribution record: who said what, where, kept apart from qa.schema so the layer stays optional."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Attribution:
    """One attributed statement; offsets index the document text so a UI can highlight them.

    `doc.text[statement_start:statement_end] == statement` and
    `doc.text[speaker_start:speaker_end] == speaker_mention` always hold.
    `reported_by` names the speaker whose own statement contains this one
    ("Reed said Lee offered ..."), so a reader can tell first-hand claims from relayed ones.
    """

    speaker: str
    speaker_role: str | None
    verb: str
    statement: str
    doc: str
    statement_start: int
    statement_end: int
    speaker_mention: str
    speaker_start: int
    speaker_end: int
    sentence_start: int
    sentence_end: int
    verb_lemma: str = ""
    quoted: bool = False
    reported_by: str | None = None

    @property
    def where(self) -> str:
        return f"{self.doc}:{self.statement_start}-{self.statement_end}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
