"""The classifier labeler: a registered checkpoint labels every segment, with a probability.

A checkpoint folder (models/<version>/) holds the `transformers` weights and config (with the
label map), the character vocabulary and a model card. Labels whose probability is low lower the
confidence of the cells they place (see inference/report.py), so doubt reaches the output.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from transformers.utils import logging as hf_logging
from xxgk.inference.labeling.features import Features, featurize
from xxgk.inference.labeling.lexicon import Lexicon
from xxgk.inference.labeling.segment_model import SegmentClassifier
from xxgk.inference.labeling.windows import owners, windows

from xxgk.document import Document
from xxgk.templates import Edition

VOCAB_FILE = "vocab.json"


def batch_tensors(items: list[Features], spans: list[tuple[int, int]]) -> dict[str, torch.Tensor]:
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
    return {"chars": torch.from_numpy(chars), "bbox": torch.from_numpy(bbox), "cues": torch.from_numpy(cues),
            "attention_mask": torch.from_numpy(mask)}


class ModelLabeler:
    """Labels segments with a trained `SegmentClassifier` checkpoint."""

    def __init__(self, model_dir: Path, editions: dict[str, Edition], threads: int | None = None):
        if threads:
            torch.set_num_threads(threads)
        hf_logging.disable_progress_bar()
        self.model = SegmentClassifier.from_pretrained(str(model_dir), dtype=torch.float32).eval()
        self.vocab: dict[str, int] = json.loads((model_dir / VOCAB_FILE).read_text(encoding="utf-8"))
        self.id2label = {int(k): v for k, v in self.model.config.id2label.items()}
        self.label_ids = {v: k for k, v in self.id2label.items()}
        self.labels = frozenset(self.label_ids)
        self.lexicon = Lexicon(editions)
        self.model_version = model_dir.name
        self.window = self.model.config.max_segments

    def predict(self, feats: Features) -> tuple[np.ndarray, np.ndarray]:
        """Label ids and their probabilities for every segment."""
        n = len(feats)
        if n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        spans = windows(n, self.window, self.window // 4)
        with torch.inference_mode():
            logits = self.model(**batch_tensors([feats] * len(spans), spans)).logits
            probs = torch.softmax(logits, dim=-1).numpy()
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
