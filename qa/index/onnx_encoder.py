"""Texts embedded by an ONNX export of the model, so answering (and indexing once the export
exists) never imports torch.

Importing sentence-transformers (and torch with it) takes 7-8 s on this machine, more than half of
a cold start, and torch's threads spin on a busy machine. The export is made once, at index time,
from the very model that embedded the passages, and checked against it before it is used.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from qa.config.settings import EMBED_BATCH_TOKENS

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

# Sentences of different lengths and cases that an export must embed as the model does.
_PROBES = (
    "Who offered to jail deportees?",
    "El Salvador's president Nayib Bukele offered to house U.S. deportees, for a fee, in 2025. " * 12,
    "x",
)
_TOLERANCE = 1e-4
_INT8_COSINE = 0.98


class ExportUnsupported(RuntimeError):
    """The model's pooling cannot be reproduced outside sentence-transformers."""


@dataclass(frozen=True)
class ExportInfo:
    """What the session needs besides the graph, read off the live model at export time."""

    model: str
    inputs: list[str]
    max_seq_length: int
    pad_id: int
    pooling: str  # "mean" or "cls"
    heads: int = 0  # attention heads and hidden width, for fusing the layers (0: unknown)
    width: int = 0


def export_paths(folder: Path, slug: str) -> tuple[Path, Path]:
    return folder / f"{slug}.onnx", folder / f"{slug}.json"


def _pooling(model: SentenceTransformer) -> str:
    pooling = model[1] if len(model) > 1 else None
    mode = getattr(pooling, "pooling_mode", None)
    if mode in ("mean", "cls"):
        return str(mode)
    raise ExportUnsupported(f"pooling {mode!r} is not reproduced by the ONNX encoder")


def export(model: SentenceTransformer, model_name: str, folder: Path, slug: str) -> Path:
    """Write the transformer as ONNX beside what pooling needs; both are replaced atomically."""
    import torch

    pooling = _pooling(model)
    transformer = cast("torch.nn.Module", model[0].auto_model).eval()
    tokenizer = model.tokenizer
    inputs = [name for name in tokenizer.model_input_names if name in ("input_ids", "attention_mask", "token_type_ids")]
    sample = tokenizer(list(_PROBES[:2]), return_tensors="pt", padding=True, truncation=True, max_length=32)

    class _LastHidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = transformer

        def forward(self, *args: torch.Tensor) -> torch.Tensor:
            return self.inner(**dict(zip(inputs, args, strict=True))).last_hidden_state

    graph, meta = export_paths(folder, slug)
    folder.mkdir(parents=True, exist_ok=True)
    tmp_graph = graph.with_suffix(".onnx.tmp")
    axes = {name: {0: "batch", 1: "tokens"} for name in [*inputs, "last_hidden_state"]}
    with torch.no_grad(), warnings.catch_warnings(), _eager_attention(transformer):
        warnings.simplefilter("ignore")  # the exporter's notes on ops it rewrites; `matches` checks the result
        torch.onnx.export(
            _LastHidden(),
            tuple(sample[name] for name in inputs),
            str(tmp_graph),
            input_names=inputs,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    info = ExportInfo(
        model=model_name,
        inputs=inputs,
        max_seq_length=int(model.max_seq_length or 512),
        pad_id=int(tokenizer.pad_token_id or 0),
        pooling=pooling,
        heads=int(getattr(transformer.config, "num_attention_heads", 0) or 0),
        width=int(getattr(transformer.config, "hidden_size", 0) or 0),
    )
    tmp_meta = meta.with_suffix(".json.tmp")
    tmp_meta.write_text(json.dumps(asdict(info)))
    os.replace(tmp_graph, graph)
    os.replace(tmp_meta, meta)
    _session.cache_clear()
    return graph


@contextmanager
def _eager_attention(transformer: Any) -> Iterator[None]:
    """Attention written out as matrix products while the model is exported.

    ONNX Runtime's transformer optimizer fuses that pattern into one attention kernel (quantised:
    QAttention). Exported from PyTorch's fused scaled-dot-product attention, the graph instead holds
    masking steps (Where, IsNaN) that took a quarter of the int8 encoder's time and fuse into
    nothing. The two compute the same vectors (`matches` checks the export against the model)."""
    previous = getattr(transformer.config, "_attn_implementation", None)
    switch = hasattr(transformer, "set_attn_implementation") and previous not in (None, "eager")
    if switch:
        transformer.set_attn_implementation("eager")
    try:
        yield
    finally:
        if switch:
            transformer.set_attn_implementation(previous)


class OnnxEncoder:
    """Tokenizer (Rust `tokenizers`) + ONNX Runtime + the model's pooling, normalized.

    Indexing uses it too: ONNX Runtime releases the GIL for a whole batch, while torch needs it
    between operations, so the index writer (Chroma's upsert holds the GIL) stalls torch but
    not this: beside a busy writer it encodes far faster than torch, alone about as fast
    (docs/evaluation.md).
    """

    def __init__(self, graph: Path, model_dir: Path, info: ExportInfo) -> None:
        from tokenizers import Tokenizer

        self.graph = graph
        self.info = info
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(info.max_seq_length)
        self.tokenizer.no_padding()  # each batch is padded to its own longest text (`_inputs`)
        self._sessions: dict[int, Any] = {}
        self._lock = threading.Lock()
        self.session(1)  # fails here, not on a question, if the graph is damaged

    def session(self, threads: int) -> Any:
        """One session per thread count: questions run on one thread (two spin against each
        other on a busy machine), indexing batches on all of them; made on first use."""
        import onnxruntime as ort

        with self._lock:
            if threads not in self._sessions:
                options = ort.SessionOptions()
                options.intra_op_num_threads = threads
                options.inter_op_num_threads = 1
                options.log_severity_level = 3
                self._sessions[threads] = ort.InferenceSession(
                    str(self.graph), options, providers=["CPUExecutionProvider"]
                )
            return self._sessions[threads]

    def encode(
        self,
        texts: list[str],
        threads: int = 1,
        max_tokens: int = EMBED_BATCH_TOKENS,
        tick: Callable[[int], object] | None = None,
    ) -> np.ndarray:
        """Texts tokenized once, then run in batches of similar token counts (`token_batches`);
        rows come back in the caller's order. `tick(n)` follows each batch of n texts."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        encoded = self.tokenizer.encode_batch(texts)
        lengths = np.fromiter((len(e.ids) for e in encoded), dtype=np.int64, count=len(encoded))
        out = np.empty((0, 0), dtype=np.float32)
        for rows in token_batches(lengths, max_tokens):
            vectors = self._run(*self._inputs([encoded[i] for i in rows], lengths[rows]), threads)
            if out.size == 0:
                out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
            out[rows] = vectors
            if tick is not None:
                tick(len(rows))
        return out

    def _inputs(self, encoded: list[Any], lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One batch's ids, attention mask and token types, padded on the right to its longest text.

        Built per batch from the unpadded encodings: padding a whole call to its longest text
        first turned a few hundred thousand tokens into millions of Python integers to convert."""
        shape = (len(encoded), max(1, int(lengths.max())))
        ids = np.full(shape, self.info.pad_id, dtype=np.int64)
        mask = np.zeros(shape, dtype=np.int64)
        types = np.zeros(shape, dtype=np.int64)
        for row, (e, n) in enumerate(zip(encoded, lengths.tolist(), strict=True)):
            ids[row, :n] = e.ids
            mask[row, :n] = e.attention_mask
            types[row, :n] = e.type_ids
        return ids, mask, types

    def _run(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray, threads: int) -> np.ndarray:
        columns = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        hidden = self.session(threads).run(None, {name: columns[name] for name in self.info.inputs})[0]
        if self.info.pooling == "cls":
            vectors = hidden[:, 0]
        else:
            weights = mask.astype(np.float32)
            # a product per text (batch, 1, tokens) @ (batch, tokens, width): no (batch, tokens, width) temporary
            summed = np.matmul(weights[:, None, :], hidden)[:, 0]
            vectors = summed / np.clip(weights.sum(axis=1, keepdims=True), 1e-9, None)
        norms = np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
        return cast(np.ndarray, (vectors / norms).astype(np.float32, copy=False))


def token_batches(lengths: np.ndarray, max_tokens: int) -> list[np.ndarray]:
    """Row numbers in batches of similar token counts, shortest first, each batch at most
    `max_tokens` once padded to its longest text (one text at least).

    A fixed number of texts per batch either runs short sentences a few at a time (each call has a
    fixed cost) or pads long passages into too much memory; a token budget packs many short texts
    together and keeps the longest few per batch. Ties keep the caller's order, so a text's batch
    (which, for an int8 encoder, nudges its vector) depends only on the texts given.
    """
    order = np.argsort(lengths, kind="stable")
    batches: list[np.ndarray] = []
    start = 0
    for end in range(1, len(order) + 1):
        # sorted: the text at `end - 1` is the longest of order[start:end]
        if end - start > 1 and (end - start) * int(lengths[order[end - 1]]) > max_tokens:
            batches.append(order[start : end - 1])
            start = end - 1
    if start < len(order):
        batches.append(order[start:])
    return batches


def _fuse(graph: Path, target: Path) -> bool:
    """The export with attention, layer norms and GELU fused into ONNX Runtime's transformer
    kernels, written to `target`; False (nothing written) when its attention does not fuse."""
    from onnxruntime.transformers.optimizer import optimize_model

    info = ExportInfo(**json.loads(graph.with_suffix(".json").read_text()))
    if not (info.heads and info.width):  # an export made before they were recorded
        return False
    # opt_level 0: only the transformer fusions here; the session applies its own on loading.
    fused = optimize_model(str(graph), model_type="bert", num_heads=info.heads, hidden_size=info.width, opt_level=0)
    if not fused.get_fused_operator_statistics().get("Attention"):
        return False
    fused.save_model_to_file(str(target))
    return True


@contextmanager
def _root_logging_untouched() -> Iterator[None]:
    """ONNX Runtime's quantiser warns through the root logger ("consider pre-processing"), and a
    root-logger call configures logging for the whole process when nothing has: every later line
    of the app's log would then read "WARNING:name:...". A handler on the root logger while it
    runs keeps that from happening (and the advice, which is not the user's to act on, unsaid)."""
    root, quiet = logging.getLogger(), logging.NullHandler()
    root.addHandler(quiet)
    try:
        yield
    finally:
        root.removeHandler(quiet)


def quantize(graph: Path, folder: Path, slug: str) -> Path:
    """An int8 copy of an export (weights quantised per channel, activations at run time), beside
    it under `slug`; ONNX Runtime runs its integer products with the CPU's VNNI instructions where
    there are some. Replaced atomically, like the export.

    The export's transformer layers are fused first (`_fuse`), so attention runs as one int8
    kernel (QAttention) and layer norm and GELU as one kernel each: a quarter less time than the
    same products quantised one by one. Token and position embeddings stay float (a table look-up;
    quantising them only loses precision)."""
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target, meta = export_paths(folder, slug)
    tmp = target.with_suffix(".onnx.tmp")
    with tempfile.TemporaryDirectory(dir=folder, prefix=".fuse-") as work, _root_logging_untouched():
        fused = Path(work) / "fused.onnx"
        source = fused if _fuse(graph, fused) else graph
        quantize_dynamic(
            str(source),
            str(tmp),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul", "Attention"],
            extra_options={"DefaultTensorType": TensorProto.FLOAT},  # fused kernels' outputs are float
        )
    tmp_meta = meta.with_suffix(".json.tmp")
    tmp_meta.write_text(graph.with_suffix(".json").read_text())
    os.replace(tmp, target)
    os.replace(tmp_meta, meta)
    _session.cache_clear()
    return target


def matches(onnx: OnnxEncoder, model: SentenceTransformer, quantized: bool = False) -> bool:
    """Whether the export embeds as the model does: to rounding, or for an int8 copy, to a cosine
    of at least `_INT8_COSINE` on every probe (its vectors are an approximation, and it gets an
    index of its own, so they are never compared with the model's).

    An int8 copy embeds each probe alone, as it embeds a question: its activations are quantised
    per batch, so a text's vector moves a little with the texts beside it (a one-letter text by
    about 0.01 of cosine), which says nothing about whether the export is sound."""
    expected = model.encode(list(_PROBES), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    if quantized:
        alone = np.concatenate([onnx.encode([probe]) for probe in _PROBES])
        return bool((alone * expected).sum(axis=1).min() >= _INT8_COSINE)
    got = onnx.encode(list(_PROBES))
    return bool(np.abs(got - expected).max() <= _TOLERANCE)


@lru_cache(maxsize=4)
def _session(graph: Path, meta: Path, model_dir: Path, stamp: tuple[int, int]) -> OnnxEncoder | None:
    """One session per version (`stamp`) of the export: a rebuilt export is loaded anew."""
    try:
        info = ExportInfo(**json.loads(meta.read_text()))
        return OnnxEncoder(graph, model_dir, info)
    except Exception as exc:  # a damaged or foreign export: the torch model embeds instead
        log.warning("ONNX encoder %s unusable (%s); using the torch model", graph, exc)
        return None


def load(folder: Path, slug: str, model_name: str, model_dir: Path) -> OnnxEncoder | None:
    """The export for this model, or None when there is none (or it cannot be used)."""
    graph, meta = export_paths(folder, slug)
    try:
        stat = graph.stat()
    except OSError:
        return None
    encoder = _session(graph, meta, model_dir, (stat.st_mtime_ns, stat.st_size))
    if encoder is None or encoder.info.model != model_name:
        return None
    return encoder
