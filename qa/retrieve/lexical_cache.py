"""The catalog's BM25 indexes, saved beside the index and memory-mapped when it is opened again.

Building them means reading every passage and sentence into terms (stemming) and indexing those:
most of the time it took to open a large index, and their arrays were copied into the process.
They are saved once per state of the index, in a folder named by a fingerprint of everything they
are built from: the passages' texts, offsets and documents in catalog order, each sentence's
offsets, the documents' title terms, and the tokenizer and BM25 settings. Another state of the index
(a document added or removed) has another fingerprint, so they are built and saved again then.

A saved folder is only used when its record names the same fingerprint and every file has the size
and checksum recorded when it was written; anything else (a half-written folder, a damaged file, a
folder of another version) is built again, never trusted. Folders are written under a temporary
name and renamed when complete, so a crash leaves no folder that looks complete.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zlib
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import bm25s
import numpy as np

from qa.retrieve import lexical, sentence_terms
from qa.retrieve.lexical import Lexical, names, terms
from qa.retrieve.saved_state import publish

log = logging.getLogger(__name__)

FORMAT = 1  # what is saved and how; another version is built again
# How the catalog builds them (titles searched with every text, a pronoun's referents): count up
# when that changes.
_BUILD = 1
KINDS = ("chunks", "sentences", "docs")
_RECORD = "lexical.json"
_DF = "df.npy"
# Tokenizer behaviour beyond its constants: a change to how terms or names are found changes these.
_PROBE = "Dr. O'Neill-Smith's U.S. visits, 1999: Ludwig van Beethoven's café; it’s running — 42 km."


def _code_key() -> bytes:
    parts = [
        FORMAT,
        bm25s.__version__,
        version("PyStemmer"),
        lexical._TOKEN.pattern,
        sorted(lexical.STOPWORDS),
        sorted(lexical.NAME_PARTICLES),
        terms(_PROBE),
        names(_PROBE),
        names(_PROBE, opening=False),
        sentence_terms._OPENING_PRONOUN.pattern,  # a sentence's terms take its referents'
        _BUILD,
    ]
    return json.dumps(parts).encode()


def fingerprint(contents: str, titles: dict[str, list[str]]) -> str:
    """A digest of everything the BM25 indexes are built from (`contents`: the saved catalog's
    digest of its passages' texts, offsets and documents and its sentences' offsets), and of the
    code that builds them."""
    digest = hashlib.blake2b(_code_key(), digest_size=20)
    digest.update(json.dumps(sorted(titles.items())).encode())
    digest.update(contents.encode())
    return digest.hexdigest()


def _checksum(path: Path) -> int:
    crc = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 22):
            crc = zlib.crc32(block, crc)
    return crc


def _files(folder: Path) -> dict[str, list[int]]:
    return {
        str(path.relative_to(folder)): [path.stat().st_size, _checksum(path)]
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != _RECORD
    }


def _save(folder: Path, lexicals: dict[str, Lexical], print_: str) -> None:
    for kind, lex in lexicals.items():
        part = folder / kind
        part.mkdir(parents=True)
        if lex.size:
            lex.model.save(str(part), show_progress=False)
        np.save(part / _DF, np.asarray(lex.df, dtype=np.float32))
    sizes = {kind: lex.size for kind, lex in lexicals.items()}
    record = {"format": FORMAT, "fingerprint": print_, "sizes": sizes, "files": _files(folder)}
    (folder / _RECORD).write_text(json.dumps(record))  # last: a folder without it is never used


def _load(folder: Path, print_: str, sizes: dict[str, int]) -> dict[str, Lexical] | None:
    """The saved indexes, memory-mapped; None unless the folder is complete and unchanged."""
    try:
        record = json.loads((folder / _RECORD).read_text())
        if record.get("format") != FORMAT or record.get("fingerprint") != print_ or record.get("sizes") != sizes:
            return None
        if record.get("files") != _files(folder):
            log.warning("saved BM25 in %s is damaged: built again", folder)
            return None
        found: dict[str, Lexical] = {}
        for kind in KINDS:
            part = folder / kind
            df = np.load(part / _DF, mmap_mode="r")
            if not sizes[kind]:
                found[kind] = Lexical([])
                continue
            model = bm25s.BM25.load(str(part), mmap=True, show_progress=False)
            if model.scores["num_docs"] != sizes[kind] or len(df) != len(model.vocab_dict):
                return None
            found[kind] = Lexical.of(model, sizes[kind], df)
        return found
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("saved BM25 in %s cannot be read (%s): built again", folder, exc)
        return None


def open_lexicals(
    folder: Path, print_: str, sizes: dict[str, int], build: Callable[[], dict[str, Lexical]]
) -> tuple[dict[str, Lexical], bool]:
    """The BM25 indexes of this state of the index: loaded from `folder` when saved there, else
    built and saved (other states' folders are removed). Returns them and whether they were loaded.
    A folder that cannot be written only costs the saving: the built indexes are used."""
    target = folder / print_
    if target.is_dir():
        loaded = _load(target, print_, sizes)
        if loaded is not None:
            return loaded, True
    built = build()
    try:
        publish(folder, print_, lambda tmp: _save(tmp, built, print_))
    except OSError as exc:
        log.warning("BM25 could not be saved in %s (%s); it is built again at the next start", folder, exc)
    return built, False
