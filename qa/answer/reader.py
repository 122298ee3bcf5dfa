"""The learned reader: a small cross-encoder that reads (question, candidate sentence with the
sentence before it as context) and scores how well the sentence answers the question (a logit).

It is MiniLM-L6 (the embedding model's own weights) fine-tuned on squad-dev articles by
training/train_reader.py and shipped as an int8 ONNX file in qa/models/reader/, so answering never
loads torch and nothing is downloaded. Its scores order the candidate sentences and feed the one
answerability score (qa/answer/answerable.py).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from qa.retrieve.catalog import Catalog

MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "reader"
CONTEXT_CHARS = 300  # the neighbour is context only: the sentence itself is never cut first


def context_of(sentence: int, catalog: Catalog) -> str:
    """The sentence before this one in its passage ("He was born in ..." needs who "he" is), or ""."""
    siblings = catalog.passage_sentences[catalog.sentences[sentence].passage]
    at = siblings.index(sentence) if sentence in siblings else 0
    return catalog.sentences[siblings[at - 1]].text[-CONTEXT_CHARS:] if at > 0 else ""


def passage_text(sentence: str, context: str) -> str:
    """What the reader reads beside the question: the sentence, then its context (truncation
    takes the context's end first)."""
    return f"{sentence} | {context}" if context else sentence


def cpu_session(path: Path, threads: int) -> Any:
    """An ONNX Runtime session of a packaged model on `threads` CPU threads that sleep while they
    wait for work instead of spinning: on a machine whose cores are busy (a Chroma server beside
    the app, other work) the spinning cost about 30 ms of CPU a question and slowed the answer it
    was meant to speed up (bench/RESULTS.md)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


@dataclass(frozen=True)
class ReaderInfo:
    max_length: int
    pool: int


class Reader:
    """The ONNX cross-encoder and its tokenizer; thread-safe (onnxruntime sessions are)."""

    def __init__(self, model_dir: Path = MODEL_DIR, threads: int = 2) -> None:
        from tokenizers import Tokenizer

        meta = json.loads((model_dir / "reader.json").read_text(encoding="utf-8"))
        self.info = ReaderInfo(max_length=int(meta["max_length"]), pool=int(meta["pool"]))
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tokenizer.enable_truncation(self.info.max_length, strategy="only_second")
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tokenizer
        self._session = cpu_session(model_dir / "model.onnx", threads)
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._lock = threading.Lock()  # the tokenizer's padding state is shared

    def score(self, question: str, passages: list[str]) -> np.ndarray:
        """One logit per passage (higher: it answers the question)."""
        if not passages:
            return np.zeros(0, dtype=np.float32)
        with self._lock:
            encoded = self._tokenizer.encode_batch([(question, p) for p in passages])
        feed = {
            "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
        }
        logits = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
        return np.asarray(logits, dtype=np.float32).reshape(-1)


@lru_cache(maxsize=2)
def load_reader(threads: int = 2, model_dir: Path = MODEL_DIR) -> Reader:
    return Reader(model_dir, threads)
