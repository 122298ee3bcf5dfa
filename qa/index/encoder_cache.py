"""ONNX exports made once per machine, not once per index.

Making the export and its int8 copy takes 4-5 s and loads torch (another 5-8 s) before a new index
can embed its first text. The cache keeps each export in an entry folder named by everything its
graph depends on: the model's files, the export recipe, the exporting libraries' versions. An entry
appears whole (made in a temporary folder, then renamed into place) and records its files'
SHA-256, so a damaged entry is noticed, removed and made again, never used.

An index copies the export it uses into its own encoder folder: its vectors stay tied to that graph
even when the cache later holds a newer one (another recipe or library version gets another entry).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

log = logging.getLogger(__name__)

# Raised whenever `onnx_encoder.export` or `quantize` change what they write: older entries are
# then left alone, and indexes made from them keep their own copies.
RECIPE = 2  # 2: attention exported eagerly and fused before int8 quantisation
SUMS = "sha256.json"
_STALE_BUILD_S = 3600.0  # a temporary folder this old was left by a process that died


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def entry_key(slug: str, model_name: str, model_dir: Path, int8: bool) -> str:
    """The entry's folder name: `slug` and a digest of what the export depends on."""
    digest = hashlib.sha256()
    parts: list[object] = [RECIPE, model_name, str(model_dir.resolve()), int8]
    parts += [_version(p) for p in ("onnxruntime", "onnx", "torch", "transformers", "sentence-transformers")]
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        stat = path.stat()
        parts.append((str(path.relative_to(model_dir)), stat.st_size, stat.st_mtime_ns))
    digest.update(json.dumps(parts, default=str).encode())
    return f"{slug}-{digest.hexdigest()[:16]}"


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def fetch(root: Path, key: str, names: list[str], target: Path) -> bool:
    """Copy the entry's `names` into `target` (each file replaced atomically); False when there
    is no entry. A damaged entry (a file missing or changed) is removed, and False returned."""
    entry = root / key
    sums_path = entry / SUMS
    if not sums_path.is_file():
        return False
    try:
        sums = json.loads(sums_path.read_text())
        damaged = [name for name in names if sums.get(name) != _sha256(entry / name)]
    except (OSError, ValueError) as exc:
        damaged = [str(exc)]
    if damaged:
        log.warning("encoder cache entry %s is damaged (%s); making it again", entry, ", ".join(damaged))
        shutil.rmtree(entry, ignore_errors=True)
        return False
    target.mkdir(parents=True, exist_ok=True)
    for name in names:  # the graph before its description: `onnx_encoder.load` needs both
        tmp = target / f".{name}.{os.getpid()}.tmp"
        shutil.copyfile(entry / name, tmp)
        os.replace(tmp, target / name)
    return True


def build(root: Path, key: str, make: Callable[[Path], list[str]]) -> None:
    """Make the entry: `make(folder)` writes its files into an empty folder and names them.

    Made in a temporary folder beside the entries and renamed into place once its sums are
    written, so a process that dies leaves no entry, only a temporary folder (removed later). When
    two processes make one entry at once, the first rename wins and the other's work is dropped."""
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob(".build-*"):
        try:
            if time.time() - old.stat().st_mtime > _STALE_BUILD_S:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            continue
    work = Path(tempfile.mkdtemp(dir=root, prefix=".build-"))
    try:
        names = make(work)
        (work / SUMS).write_text(json.dumps({name: _sha256(work / name) for name in names}))
        if (root / key).exists() and not (root / key / SUMS).is_file():
            shutil.rmtree(root / key, ignore_errors=True)  # entries appear whole: this one was damaged
        try:
            os.rename(work, root / key)
        except OSError:
            if not (root / key / SUMS).is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
