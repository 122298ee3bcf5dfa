"""Take a file that failed to be added back out of the corpus folder and the index.

An upload is copied into the corpus folder before it is indexed; when indexing fails part-way
(the store stops answering, the encoder fails), rows of its first groups may already be stored.
The file is removed at once. Its rows are removed at once too when the store answers; when it does
not, the file's name is written to a small note in the index folder first, and every later sync
or refresh removes the noted rows before it reads or writes anything else. So whatever fails, the
corpus and the index end as they were before the upload.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from qa.index import resume
from qa.index.store import Store

log = logging.getLogger(__name__)


def _note_path(store: Store) -> Path:
    return store.settings.index_dir / f"withdrawn-{store.settings.collection_name('chunks')}.json"


def _noted(store: Store) -> list[str]:
    try:
        names = json.loads(_note_path(store).read_text())
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        log.warning("unreadable note of withdrawn files %s: ignored", _note_path(store))
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def _write_note(store: Store, names: list[str]) -> None:
    path = _note_path(store)
    if not names:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(sorted(set(names))))
    os.replace(tmp, path)  # a crash leaves the old note or the new one


def purge_withdrawn(store: Store) -> int:
    """Remove the rows of every noted file from the index and the manifest; returns how many
    files were purged. Raises what the store raises when it cannot be reached (the note stays)."""
    names = _noted(store)
    if not names:
        return 0
    for name in names:
        store.delete_source(name)
        manifest = store.read_manifest()
        if name in manifest.get("files", {}):
            manifest["files"].pop(name)
            store.write_manifest(manifest)
        resume.finished(store, [name])  # a note of the pieces it had committed
    _write_note(store, [])
    return len(names)


def withdraw(store: Store, path: Path) -> bool:
    """Remove a file that failed to be added: from the corpus now, from the index now or (when the
    store cannot be reached) at the next sync. Returns whether the index is clean already."""
    path.unlink(missing_ok=True)
    _write_note(store, [*_noted(store), path.name])  # first: a failure or crash below keeps it
    try:
        purge_withdrawn(store)
    except Exception as exc:  # the store's own failure, most often what stopped the upload
        log.warning("rows of the withdrawn %s are removed at the next sync (%s)", path.name, exc)
        return False
    return True
