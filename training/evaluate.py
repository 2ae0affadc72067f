"""Token-level metrics of a labeler: per-label precision, recall and F1, and their macro average."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


def token_scores(gold: list[str], pred: list[str]) -> tuple[float, list[LabelScore]]:
    """Macro F1 over the labels that occur in the gold, and the per-label scores."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for g, p in zip(gold, pred, strict=True):
        if g == p:
            tp[g] += 1
        else:
            fp[p] += 1
            fn[g] += 1
    scores = []
    for label in sorted(set(gold)):
        prec = tp[label] / (tp[label] + fp[label]) if tp[label] + fp[label] else 0.0
        rec = tp[label] / (tp[label] + fn[label]) if tp[label] + fn[label] else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        scores.append(LabelScore(label, round(prec, 4), round(rec, 4), round(f1, 4), tp[label] + fn[label]))
    macro = sum(s.f1 for s in scores) / len(scores) if scores else 0.0
    return round(macro, 4), scores
