"""Export a fine-tuned model to ONNX and quantise it to int8, as both learned parts ship."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from qa.index.embeddings import model_path

INPUTS = ["input_ids", "attention_mask", "token_type_ids"]


def export_onnx(model: Any, tokenizer: Any, work: Path, outputs: list[str], per_token: bool) -> None:
    """`work`/float.onnx and its dynamic int8 quantisation `work`/int8.onnx (per channel: per tensor
    lost two points of top-1), with the base model's tokenizer. `per_token`: every output has a
    token axis (start and end logits), else only a batch axis (one logit per pair)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    sample = tokenizer(["a question?"] * 2, ["a sentence that answers it."] * 2, return_tensors="pt", padding=True)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    axes = {0: "batch", 1: "tokens"} if per_token else {0: "batch"}
    with torch.no_grad():
        torch.onnx.export(
            model,
            tuple(sample[n] for n in INPUTS),
            str(work / "float.onnx"),
            input_names=INPUTS,
            output_names=outputs,
            dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in INPUTS}, **dict.fromkeys(outputs, axes)},
            opset_version=17,
            dynamo=False,
        )
    quantize_dynamic(str(work / "float.onnx"), str(work / "int8.onnx"), weight_type=QuantType.QInt8, per_channel=True)
    shutil.copy(model_path("all-MiniLM-L6-v2") / "tokenizer.json", work / "tokenizer.json")


def kept_weights(accuracy: dict[str, float], questions: int) -> str:
    """ "int8" when it scores within one standard error of the float export, else "float"."""
    return "int8" if accuracy["int8"] >= accuracy["float"] - standard_error(accuracy["float"], questions) else "float"


def standard_error(rate: float, n: int) -> float:
    """The sampling error of a rate measured on n questions: an int8 model is kept when it scores
    within one of the float model's (a smaller gap is noise, not a loss of quality)."""
    return (rate * (1 - rate) / max(n, 1)) ** 0.5
