"""Who said what, kept per version of each file beside the index, so unchanged files are never
parsed again (extraction is the slow part: a parser pass over every sentence)."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qa.attribute.model import Attribution

# (document name, modification time in ns, size, reader/extractor version)
Key = tuple[str, int, int, str]
_BATCH_SECONDS = 5.0  # within `batch()`, how often what was put is saved


class AttributionCache:
    """The statements of each file version; one JSON file, replaced atomically on each change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # filled while answering too, from several threads
        self._entries = self._load()
        self._batches = 0  # callers inside `batch()`
        self._unsaved = False
        self._saved_at = time.monotonic()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Key) -> list[Attribution] | None:
        return self._entries.get(key)

    def put(self, key: Key, items: list[Attribution]) -> None:
        """Keep `items` for this version of the file, dropping its earlier versions."""
        with self._lock:
            for old in [k for k in self._entries if k[0] == key[0]]:
                del self._entries[old]
            self._entries[key] = items
            self._unsaved = True
            if not self._batches or time.monotonic() - self._saved_at >= _BATCH_SECONDS:
                self._save()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Within it, what is put is saved every few seconds and once at the end, not after each
        file: the whole cache is written each time, so saving per file made the first extraction
        of a large corpus quadratic. A crash loses only the last seconds' statements (found again)."""
        with self._lock:
            self._batches += 1
        try:
            yield
        finally:
            with self._lock:
                self._batches -= 1
                if self._unsaved:
                    self._save()

    def keep_only(self, names: set[str]) -> None:
        """Drop the statements of every document not in `names` (the indexed ones): a removed
        document's were kept for good, in memory and in the file."""
        with self._lock:
            gone = [key for key in self._entries if key[0] not in names]
            for key in gone:
                del self._entries[key]
            if gone:
                self._save()

    def _load(self) -> dict[Key, list[Attribution]]:
        try:
            raw = json.loads(self.path.read_text())
            return {
                (name, int(entry["mtime_ns"]), int(entry["size"]), str(entry.get("reader", ""))): [
                    Attribution(**a) for a in entry["items"]
                ]
                for name, entry in raw.items()
            }
        except (OSError, ValueError, TypeError, KeyError):
            return {}

    def _save(self) -> None:
        """Atomic replace: a crash leaves the old cache or the new one."""
        data = {
            name: {"mtime_ns": mtime, "size": size, "reader": reader, "items": [a.to_dict() for a in items]}
            for (name, mtime, size, reader), items in self._entries.items()
        }
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self.path)
        self._unsaved = False
        self._saved_at = time.monotonic()
