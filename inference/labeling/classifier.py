"""The classifier labeler: a registered checkpoint labels every segment, with a probability.

A checkpoint folder (models/<version>/) holds the trained weights and config (with the label map),
the character vocabulary, a model card, and `model.onnx`, the network with its softmax exported
for onnxruntime (`xxgk.training.export`), which is what runs here: it loads in tens of
milliseconds, so extraction never imports torch. Labels whose probability is low lower the
confidence of the cells they place (see inference/report.py), so doubt reaches the output.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime

from xxgk.document import Document
from xxgk.inference.labeling.features import Features, featurize
from xxgk.inference.labeling.lexicon import Lexicon
from xxgk.inference.labeling.windows import owners, windows
from xxgk.templates import Edition

VOCAB_FILE = "vocab.json"
CONFIG_FILE = "config.json"
ONNX_FILE = "model.onnx"
INPUTS = ("chars", "bbox", "cues", "attention_mask")
"""The network's inputs, in the order of its forward()."""


def batch_arrays(items: list[Features], spans: list[tuple[int, int]]) -> dict[str, np.ndarray]:
    """Pad windows of features into one batch (padding is masked out of attention)."""
    width = max(e - s for s, e in spans)
    b = len(items)
    chars = np.zeros((b, width, items[0].chars.shape[1]), dtype=np.int64)
    bbox = np.zeros((b, width, 4), dtype=np.int64)
    cues = np.zeros((b, width, items[0].cues.shape[1]), dtype=np.int64)
    mask = np.zeros((b, width), dtype=np.int64)
    for k, (f, (s, e)) in enumerate(zip(items, spans, strict=True)):
        n = e - s
        chars[k, :n] = f.chars[s:e]
        bbox[k, :n] = f.bbox[s:e]
        cues[k, :n] = f.cues[s:e]
        mask[k, :n] = 1
    return {"chars": chars, "bbox": bbox, "cues": cues, "attention_mask": mask}


class ModelLabeler:
    """Labels segments with a trained `SegmentClassifier` checkpoint, run by onnxruntime."""

    def __init__(self, model_dir: Path, editions: dict[str, Edition], threads: int | None = None):
        runtime = model_dir / ONNX_FILE
        if not runtime.exists():
            raise FileNotFoundError(f"no {ONNX_FILE} in {model_dir}: export it with `xxgk onnx {model_dir}` "
                                    "(needs the train extra: pip install 'xxgk[train]')")
        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        # idle threads sleep instead of spinning: the other stages run between two calls
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(str(runtime), options, providers=["CPUExecutionProvider"])
        config = json.loads((model_dir / CONFIG_FILE).read_text(encoding="utf-8"))
        self.vocab: dict[str, int] = json.loads((model_dir / VOCAB_FILE).read_text(encoding="utf-8"))
        self.id2label = {int(k): v for k, v in config["id2label"].items()}
        self.label_ids = {v: k for k, v in self.id2label.items()}
        self.labels = frozenset(self.label_ids)
        self.lexicon = Lexicon(editions)
        self.model_version = model_dir.name
        self.window: int = config["max_segments"]

    def predict(self, feats: Features) -> tuple[np.ndarray, np.ndarray]:
        """Label ids and their probabilities for every segment."""
        n = len(feats)
        if n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        spans = windows(n, self.window, self.window // 4)
        probs = self.session.run(None, batch_arrays([feats] * len(spans), spans))[0]
        who = owners(n, spans)
        rows = np.array([probs[w, i - spans[w][0]] for i, w in enumerate(who)])
        return rows.argmax(axis=1), rows.max(axis=1)

    def __call__(self, doc: Document) -> Document:
        feats = featurize(doc, self.vocab, self.lexicon, self.label_ids)
        ids, scores = self.predict(feats)
        for seg, label_id, score in zip(doc.segments, ids, scores, strict=True):
            seg.label = self.id2label[int(label_id)]
            seg.label_score = round(float(score), 4)
        return doc
