"""One state of the index saved in a folder of its own, published whole.

What is derived from the index (the BM25 indexes, the mapped catalog) is written to a hidden
temporary folder, then renamed to its key, so a reader never sees half a state. Other states'
folders, and what crashed writers left over an hour ago, are removed (a running writer's are not).
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from collections.abc import Callable
from pathlib import Path

_LEFT_OVER_SECONDS = 3600


def publish(folder: Path, key: str, write: Callable[[Path], None]) -> Path:
    """`write` fills a new folder, which becomes `folder`/`key` (replacing a damaged one there);
    raises OSError when the folder cannot be written."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / key
    tmp = folder / f".tmp-{secrets.token_hex(4)}"
    write(tmp)
    if target.exists():  # damaged or incomplete: replaced
        shutil.rmtree(target, ignore_errors=True)
    try:
        os.rename(tmp, target)
    except OSError:  # another process saved the same state meanwhile
        shutil.rmtree(tmp, ignore_errors=True)
    for other in folder.iterdir():
        if other.name != key and (not other.name.startswith(".tmp-") or _left_over(other)):
            shutil.rmtree(other, ignore_errors=True)
    return target


def _left_over(path: Path) -> bool:
    try:
        return time.time() - path.stat().st_mtime > _LEFT_OVER_SECONDS
    except OSError:
        return False
