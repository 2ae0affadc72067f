"""Scoring labelled sets with the project's scorer, and how far confidence can be trusted.

Accuracy is always measured by the shared scorer (`score.py GOLD PRED --json`), run as a separate
program so that what `xxgk eval` prints is exactly what anyone re-running the scorer gets. On top
of its per-document results this module adds what the scorer does not print: the reliability of
the confidences (per confidence bin, how many cells and how many of them were right), because a
flag is only worth a reviewer's time if confidence means the probability of being right.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

SUMMARY_COLUMNS = ("docs", "missing_docs", "cell_accuracy", "nonzero_cell_accuracy", "exact_docs",
                   "meta_accuracy", "errors_flagged", "cells_flagged", "silent_errors", "false_reads")
BIN_EDGES = (0.0, 0.5, 0.7, 0.9, 0.99, 1.0000001)
"""Confidence bins of the reliability table; 0.9 is the scorer's review threshold."""


@dataclass
class ReliabilityBin:
    low: float
    high: float
    cells: int = 0
    right: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.right / self.cells if self.cells else None

    def label(self) -> str:
        return f"[{self.low:.2f}, {min(self.high, 1.0):.2f}{']' if self.high > 1 else ')'}"


@dataclass
class SetScore:
    name: str
    summary: dict
    reliability: list[ReliabilityBin] = field(default_factory=list)
    failed_files: int = 0


def run_scorer(scorer: Path, gold_dir: Path, pred_dir: Path) -> dict:
    """The scorer's `--json` output: {"summary": {...}, "docs": {...}}."""
    if not scorer.is_file():
        raise FileNotFoundError(f"scorer not found: {scorer}")
    run = subprocess.run([sys.executable, str(scorer), str(gold_dir), str(pred_dir), "--json"],
                         capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"scorer failed on {gold_dir}: {run.stderr.strip()[-500:]}")
    return json.loads(run.stdout)


def _same(gold: float, pred: object) -> bool:
    """The scorer's own tolerance (relative 1e-3), so bins and accuracy agree with its counts."""
    if not isinstance(pred, int | float):
        return False
    return abs(float(gold) - float(pred)) <= max(1e-3 * max(abs(gold), abs(float(pred))), 1e-6)


def reliability(gold_dir: Path, pred_dir: Path) -> list[ReliabilityBin]:
    """Cells with a value and a gold value, binned by confidence, with how many were right.

    Cells output as `missing` carry no claim and are left out; a calibrated output has each bin's
    accuracy at or above its lower edge.
    """
    bins = [ReliabilityBin(lo, hi) for lo, hi in itertools.pairwise(BIN_EDGES)]
    for gold_file in sorted(gold_dir.glob("*.gold.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        pred_file = pred_dir / f"{gold['doc_id']}.json"
        if not pred_file.is_file():
            continue
        cells = json.loads(pred_file.read_text(encoding="utf-8")).get("cells", {})
        for key, gold_value in gold["cells"].items():
            cell = cells.get(key)
            if gold_value is None or not isinstance(cell, dict) or cell.get("value") is None:
                continue
            conf = float(cell.get("confidence", 1.0) or 0.0)
            slot = next(b for b in bins if b.low <= conf < b.high)
            slot.cells += 1
            slot.right += _same(gold_value, cell["value"])
    return bins


def summary_table(scores: list[SetScore]) -> list[str]:
    """One row per set with the scorer's summary figures, aligned for a terminal or a note."""
    head = ["set", *SUMMARY_COLUMNS, "failed_files"]
    rows = [[s.name, *(_fmt(s.summary.get(c)) for c in SUMMARY_COLUMNS), str(s.failed_files)] for s in scores]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    return [" ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths, strict=True)))
            for r in [head, *rows]]


def reliability_table(scores: list[SetScore]) -> list[str]:
    """Per set, per confidence bin: cells and the share of them right."""
    bins = [b.label() for b in scores[0].reliability] if scores else []
    head = ["set", *bins]
    rows = [[s.name, *(f"{b.cells}:{_fmt(None if b.accuracy is None else round(100 * b.accuracy, 2))}"
                       for b in s.reliability)] for s in scores]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = [" ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths, strict=True)))
             for r in [head, *rows]]
    return ["confidence bins (cells:% right)", *lines]


def _fmt(value: object) -> str:
    return "-" if value is None else str(value)
