"""The packaged sentence-transformers model, usable by LangChain and by Chroma alike."""

from __future__ import annotations

import contextlib
import importlib
import logging
import threading
from collections.abc import Callable
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.api.types import Embeddings as ChromaEmbeddings
from chromadb.utils.embedding_functions import register_embedding_function
from langchain_core.embeddings import Embeddings

from qa.config.settings import EMBED_BATCH_TOKENS, encoder_key, model_name_key
from qa.index import encoder_cache, onnx_encoder

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


log = logging.getLogger(__name__)


class ModelNotInstalled(RuntimeError):
    """The model is neither a folder nor an installed `gt-*` package; nothing is downloaded."""


def model_path(model: str) -> Path:
    """Where the model's files are: a local folder, or the `gt-<name>` package that carries it."""
    candidate = Path(model).expanduser()
    if candidate.is_dir():
        return candidate
    module_name = "gt_" + "".join(c if c.isalnum() else "_" for c in model.lower())
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        package = module_name.replace("_", "-")
        raise ModelNotInstalled(
            f"embedding model {model!r} is not installed: `pip install {package}` "
            "(models are never downloaded at run time)"
        ) from exc
    return Path(module.get_model_path())


@lru_cache(maxsize=4)
def _load(model: str) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_path(model)), device="cpu", local_files_only=True)


def _use_threads(n: int) -> None:
    import torch

    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


_PARALLEL_FROM = 8


class Encoder(Embeddings):
    """Normalized, batched CPU embeddings; one instance is shared by every layer.

    With `onnx_dir`, questions (a few texts at a time) go through an ONNX export of the model kept
    there (see `onnx_encoder`), so answering needs neither torch nor sentence-transformers.
    """

    def __init__(
        self,
        model: str,
        batch_size: int = 64,
        threads: int = 2,
        onnx_dir: Path | None = None,
        int8: bool = False,
        batch_tokens: int = EMBED_BATCH_TOKENS,
        cache_dir: Path | None = None,
    ) -> None:
        self.model_name = model
        self.int8 = int8 and onnx_dir is not None  # an int8 copy of the export embeds everything
        self.batch_size = batch_size  # texts per batch of the torch model
        self.batch_tokens = batch_tokens  # padded tokens per batch of the ONNX export
        self.threads = threads
        self.onnx_dir = onnx_dir
        self.cache_dir = cache_dir  # exports made once per machine (`encoder_cache`)
        self._export_failed = False
        # Vectors embedded ahead of the LangChain call that asks for them: text -> [vector, holders].
        self._ready: dict[str, list[Any]] = {}
        self._ready_lock = threading.Lock()

    @property
    def _slug(self) -> str:
        return model_name_key(encoder_key(self.model_name, self.int8))

    @cached_property
    def _model_dir(self) -> Path:
        return model_path(self.model_name)

    def _onnx(self) -> onnx_encoder.OnnxEncoder | None:
        """The export, if usable; asked on every question, so it costs one `stat` once loaded."""
        if self.onnx_dir is None:
            return None
        return onnx_encoder.load(self.onnx_dir, self._slug, self.model_name, self._model_dir)

    def prepare_export(self) -> bool:
        """Export the model unless a usable export is there; True when one is.

        The export is copied from the machine's cache (`encoder_cache`) when it holds one, and
        made there first when not: torch is loaded and the export made once per machine, not once
        per index. A failed or inexact export is removed and texts keep being embedded by the
        torch model."""
        if self.onnx_dir is None or self._export_failed:
            return False
        if self._onnx() is not None:
            return True
        try:
            if self.cache_dir is not None and self._from_cache(self.cache_dir, self.onnx_dir):
                return True
            self._make_export(self.onnx_dir)
            if self._onnx() is not None:
                return True
            problem = "it cannot be loaded"
        except Exception as exc:  # export is an optimisation: never fail indexing over it
            problem = str(exc)
        log.warning("texts stay on the torch model: ONNX export failed (%s)", problem)
        self._export_failed = True  # not retried on every sync of this process
        for path in onnx_encoder.export_paths(self.onnx_dir, self._slug):
            with contextlib.suppress(OSError):  # nothing there, or not even a folder
                path.unlink()
        return False

    def _from_cache(self, cache: Path, target: Path) -> bool:
        """Copy the export from the cache into `target`, making the cache's entry first if need
        be; False (logged) when the cache cannot be used, so the export is made in `target`."""
        names = [path.name for path in onnx_encoder.export_paths(target, self._slug)]
        try:
            key = encoder_cache.entry_key(self._slug, self.model_name, self._model_dir, self.int8)
            if not encoder_cache.fetch(cache, key, names, target):
                encoder_cache.build(cache, key, self._make_export)
                if not encoder_cache.fetch(cache, key, names, target):
                    return False
        except OSError as exc:
            log.warning("encoder cache %s not used (%s)", cache, exc)
            return False
        return self._onnx() is not None

    def _make_export(self, folder: Path) -> list[str]:
        """Export the model into `folder` (and its int8 copy when chosen), checked against the
        model; the names of the files this encoder loads. Raises when the check fails."""
        float_slug = model_name_key(self.model_name)
        graph = onnx_encoder.export_paths(folder, float_slug)[0]
        if not (self.int8 and graph.is_file()):  # an int8 copy is made from the float export
            graph = onnx_encoder.export(self.model, self.model_name, folder, float_slug)
        if self.int8:
            onnx_encoder.quantize(graph, folder, self._slug)
        exported = onnx_encoder.load(folder, self._slug, self.model_name, self._model_dir)
        if exported is None or not onnx_encoder.matches(exported, self.model, quantized=self.int8):
            raise RuntimeError("its embeddings differ from the model's")
        return [path.name for path in onnx_encoder.export_paths(folder, self._slug)]

    @property
    def model(self) -> SentenceTransformer:
        return _load(self.model_name)

    def encode(self, texts: list[str], tick: Callable[[int], object] | None = None) -> np.ndarray:
        """Batches use every thread; a single question uses one, because on 2 busy cores torch's
        threads spin against each other and one query took 230 ms on two threads, 22 ms on one.
        `tick(n)` follows each batch of n texts the export embeds (the torch model: all of them)."""
        threads = self.threads if len(texts) >= _PARALLEL_FROM else 1
        if texts and (exported := self._onnx()) is not None:
            return exported.encode(texts, threads=threads, max_tokens=self.batch_tokens, tick=tick)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        _use_threads(threads)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        if tick is not None:
            tick(len(texts))
        return cast(np.ndarray, vectors).astype(np.float32, copy=False)

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension() or 0)

    def prepare(self, texts: list[str], tick: Callable[[int], None] | None = None) -> None:
        """Embed texts now for the `embed_documents` call that will ask for them later.

        Indexing embeds the next group while the previous one is written (see `sync_corpus`), so
        the store's write path runs beside the model instead of after it. Each `prepare` holds its
        texts until the matching `release`; `tick(n)` reports progress as batches are done.
        """
        with self._ready_lock:  # a text another group still holds is not embedded again
            for text in (shared := set(texts) & self._ready.keys()):
                self._ready[text][1] += 1
        unique = sorted(set(texts) - shared, key=lambda t: (len(t), t))  # batches pad less
        if not unique:
            return
        if self._onnx() is not None:
            # One call: the export tokenizes the texts once and packs its batches by token count.
            try:
                vectors = self.encode(unique, tick=tick)
            except BaseException:
                self.release(list(shared))  # stopped part-way (Ctrl-C): hold nothing
                raise
            self._hold(unique, vectors)
            return
        step = self.batch_size * 4
        try:
            for i in range(0, len(unique), step):
                part = unique[i : i + step]
                self._hold(part, self.encode(part))
                if tick is not None:
                    tick(len(part))
        except BaseException:
            self.release([*shared, *unique[:i]])  # stopped part-way (Ctrl-C): hold nothing
            raise

    def _hold(self, texts: list[str], vectors: np.ndarray) -> None:
        with self._ready_lock:
            for text, vector in zip(texts, vectors, strict=True):
                held = self._ready.setdefault(text, [vector, 0])
                held[1] += 1

    def release(self, texts: list[str]) -> None:
        """Drop what one `prepare` held (texts LangChain skipped as already indexed included)."""
        with self._ready_lock:
            for text in set(texts):
                held = self._ready.get(text)
                if held is not None:
                    held[1] -= 1
                    if held[1] <= 0:
                        del self._ready[text]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._ready_lock:
            found = {t: held[0] for t in texts if (held := self._ready.get(t)) is not None}
        if not found:
            return cast(list[list[float]], self.encode(texts).tolist())
        missing = sorted({t for t in texts if t not in found})
        if missing:
            found.update(zip(missing, self.encode(missing), strict=True))
        return cast(list[list[float]], np.stack([found[t] for t in texts]).tolist())

    def embed_query(self, text: str) -> list[float]:
        return cast(list[float], self.encode([text])[0].tolist())

    def chroma_function(self) -> ChromaFunction:
        return ChromaFunction(self)


@register_embedding_function
class ChromaFunction(EmbeddingFunction[Documents]):
    """Hands Chroma our encoder so it never falls back to its own (downloading) default.

    Registered with Chroma by name, so a collection's stored configuration can be read back (and
    changed: `Store` sets the HNSW search breadth on collections made before it was chosen)."""

    def __init__(self, encoder: Encoder) -> None:
        self._encoder = encoder

    def __call__(self, input: Documents) -> ChromaEmbeddings:
        return cast(ChromaEmbeddings, list(self._encoder.encode(list(input))))

    @staticmethod
    def name() -> str:
        return "qa-sentence-transformers"

    def get_config(self) -> dict[str, Any]:
        return {"model": self._encoder.model_name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaFunction:
        return ChromaFunction(Encoder(str(config.get("model", "all-MiniLM-L6-v2"))))
