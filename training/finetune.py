"""Growing a trained classifier for fine-tuning: new characters and new labels, old knowledge kept.

A new edition brings labels the checkpoint never had (a split row, a renamed column) and
annotated real reports bring characters it never saw. The checkpoint's embeddings and head are
copied row by row by character and label name into larger ones; only the new rows start fresh.
"""

from __future__ import annotations

import torch
from torch import nn

from xxgk.training.segment_model import SegmentClassifier

LEXICON_CUE = 4
"""Index of the lexicon-label cue embedding in `SegmentClassifier.cue_embeddings` (see features.py)."""


def merged_vocab(base: dict[str, int], extra: dict[str, int]) -> dict[str, int]:
    """The base vocabulary with its ids unchanged, new characters appended."""
    out = dict(base)
    for ch in extra:
        if ch not in out:
            out[ch] = len(out)
    return out


def _grown_embedding(old: nn.Embedding, size: int, mapping: dict[int, int]) -> nn.Embedding:
    new = nn.Embedding(size, old.embedding_dim, padding_idx=old.padding_idx)
    nn.init.normal_(new.weight, std=0.02)
    with torch.no_grad():
        for new_i, old_i in mapping.items():
            new.weight[new_i] = old.weight[old_i]
    return new


def expand_model(model: SegmentClassifier, vocab_size: int, labels: tuple[str, ...]) -> SegmentClassifier:
    """The same model with `vocab_size` characters and the label set `labels` (a superset or reorder)."""
    cfg = model.config
    old_labels = [cfg.id2label[i] for i in range(len(cfg.id2label))]
    old_index = {lab: i for i, lab in enumerate(old_labels)}
    if vocab_size > cfg.char_vocab_size:
        model.char_embeddings = _grown_embedding(model.char_embeddings, vocab_size,
                                                 {i: i for i in range(cfg.char_vocab_size)})
        cfg.char_vocab_size = vocab_size
    if list(labels) != old_labels:
        keep = {i: old_index[lab] for i, lab in enumerate(labels) if lab in old_index}
        cue = model.cue_embeddings[LEXICON_CUE]
        model.cue_embeddings[LEXICON_CUE] = _grown_embedding(
            cue, len(labels) + 1, {0: 0, **{i + 1: j + 1 for i, j in keep.items()}})
        head = nn.Linear(model.classifier.in_features, len(labels))
        with torch.no_grad():
            head.weight.normal_(std=0.02)
            head.bias.zero_()
            for i, j in keep.items():
                head.weight[i] = model.classifier.weight[j]
                head.bias[i] = model.classifier.bias[j]
        model.classifier = head
        cfg.id2label = dict(enumerate(labels))
        cfg.label2id = {lab: i for i, lab in enumerate(labels)}
    return model
