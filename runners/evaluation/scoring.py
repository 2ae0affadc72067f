"""Scoring labelled sets with the project's scorer, and how far confidence can be trusted.

Accuracy is always measured by the shared scorer (`score.py GOLD PRED --json`), run as a separate
program so that what `xxgk eval` prints is exactly what anyone re-running the scorer gets. On top
of its summary this module lays out what `xxgk eval` prints: one row per set, and the reliability
of the confidences (`xxgk.runners.evaluation.reliability`), because a flag is only worth a reviewer's time
if confidence means the probability of being right.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from xxgk.runners.evaluation.reliability import BINS, Reliability

SUMMARY_COLUMNS = ("docs", "missing_docs", "cell_accuracy", "nonzero_cell_accuracy", "exact_docs",
                   "meta_accuracy", "errors_flagged", "cells_flagged", "silent_errors", "false_reads")


@dataclass
class SetScore:
    name: str
    summary: dict
    reliability: Reliability
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


def summary_table(scores: list[SetScore]) -> list[str]:
    """One row per set with the scorer's summary figures, aligned for a terminal or a note."""
    head = ["set", *SUMMARY_COLUMNS, "failed_files"]
    rows = [[s.name, *(_fmt(s.summary.get(c)) for c in SUMMARY_COLUMNS), str(s.failed_files)] for s in scores]
    return _aligned([head, *rows])


def reliability_table(scores: list[SetScore]) -> list[str]:
    """Per set, per confidence bin: cells and the share of them right; then the share of cells
    flagged in documents read without error whose identities all hold (every such flag is a false
    alarm)."""
    bins = [f"[{b.low:.2f}, {b.high:.2f}{']' if i == len(BINS) - 1 else ')'}" for i, b in
            enumerate(scores[0].reliability.bins)] if scores else []
    head = ["set", *bins, "flagged_in_clean_docs"]
    rows = [[s.name, *(f"{b.count}:{_fmt(None if b.accuracy is None else round(100 * b.accuracy, 2))}"
                       for b in s.reliability.bins),
             _pct(s.reliability.clean_flagged, s.reliability.clean_cells)] for s in scores]
    return ["confidence bins (cells:% right)", *_aligned([head, *rows])]


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.2f}%" if b else "-"


def _aligned(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [" ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths, strict=True)))
            for r in rows]


def _fmt(value: object) -> str:
    return "-" if value is None else str(value)
