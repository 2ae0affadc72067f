"""The classifier's runtime file: a checkpoint's network exported to ONNX, next to its safetensors.

Extraction runs the classifier with onnxruntime (`xxgk.inference.labeling.classifier`), which
loads in a fraction of a second where torch and transformers take seconds, so only training needs
torch. The graph ends in the softmax, so the runtime returns the probabilities the outputs print.
It is exported from the checkpoint as saved (float16 weights read back as float32, as inference
always read them), and its weights are stored as float16 again with a cast in front: the same
values at half the size.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from transformers.utils import logging as hf_logging

from xxgk.inference.labeling.classifier import INPUTS, ONNX_FILE
from xxgk.inference.labeling.features import MAX_CHARS
from xxgk.training.segment_model import SegmentClassifier

OPSET = 17


class _Probabilities(torch.nn.Module):
    """The classifier with its softmax: (chars, bbox, cues, attention_mask) -> label probabilities."""

    def __init__(self, model: SegmentClassifier):
        super().__init__()
        self.model = model

    def forward(self, chars: torch.Tensor, bbox: torch.Tensor, cues: torch.Tensor,
                attention_mask: torch.Tensor) -> torch.Tensor:
        logits = self.model(chars=chars, bbox=bbox, cues=cues, attention_mask=attention_mask).logits
        return torch.softmax(logits, dim=-1)


def export_onnx(checkpoint: Path) -> Path:
    """Write `model.onnx` into a checkpoint folder (a fresh copy of the model is traced: tracing
    changes the module it runs on)."""
    hf_logging.disable_progress_bar()
    model = SegmentClassifier.from_pretrained(str(checkpoint), dtype=torch.float32).eval()
    b, n = 2, 3
    example = (torch.ones((b, n, MAX_CHARS), dtype=torch.long), torch.tensor([10, 20, 300, 40]).repeat(b, n, 1),
               torch.zeros((b, n, len(model.cue_embeddings)), dtype=torch.long), torch.ones((b, n), dtype=torch.long))
    target = checkpoint / ONNX_FILE
    with warnings.catch_warnings():  # the tracer's notes on transformers' shape checks, constant here
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(_Probabilities(model), example, str(target), input_names=list(INPUTS),
                          output_names=["probs"], opset_version=OPSET, dynamo=False,
                          dynamic_axes={name: {0: "windows", 1: "segments"} for name in (*INPUTS, "probs")})
    graph = onnx.load(str(target))
    _halve_weights(graph)
    onnx.save(graph, str(target))
    return target


def _halve_weights(model: onnx.ModelProto) -> None:
    """Float32 weights that float16 holds exactly become float16 initializers behind a Cast."""
    graph = model.graph
    casts = []
    for init in graph.initializer:
        if init.data_type != TensorProto.FLOAT:
            continue
        values = numpy_helper.to_array(init)
        half = values.astype(np.float16)
        if values.size < 64 or not np.array_equal(half.astype(np.float32), values):
            continue
        name = init.name
        init.CopyFrom(numpy_helper.from_array(half, f"{name}.f16"))
        casts.append(helper.make_node("Cast", [f"{name}.f16"], [name], to=TensorProto.FLOAT))
    nodes = [*casts, *graph.node]
    del graph.node[:]
    graph.node.extend(nodes)
