"""Gradio's copies of uploaded files: deleted once handled, and by age when never handled.

Gradio keeps each upload in its cache folder (GRADIO_TEMP_DIR) for as long as the server runs:
96 MB in one attack run, refused and removed files included. The corpus holds the file from then
on (or it was refused), so the cached copy serves nothing.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from gradio.utils import get_upload_folder

log = logging.getLogger(__name__)


def discard_upload(path: str | Path) -> None:
    """Delete an upload's cached copy, and the folder Gradio made for it when it is left empty.
    Only files inside Gradio's upload folder are touched, whatever path a request names."""
    cache = Path(get_upload_folder()).resolve()
    try:
        copy = Path(path).resolve()
        copy.relative_to(cache)
    except (OSError, ValueError):
        return
    if copy == cache or not copy.is_file():
        return
    try:
        copy.unlink()
    except OSError:
        log.warning("could not delete the uploaded copy %s", copy, exc_info=True)
        return
    if copy.parent != cache:
        with contextlib.suppress(OSError):  # another upload of the same content may share it
            copy.parent.rmdir()


def cache_cleanup(seconds: int) -> tuple[int, int] | None:
    """Gradio's `delete_cache` for uploads never handled (a page closed mid-upload, a request to the
    upload route alone): every `seconds`, files older than that are deleted (0: never)."""
    return (seconds, seconds) if seconds > 0 else None
