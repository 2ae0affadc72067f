"""Does a cell's confidence mean what it says? Confidence bins against accuracy on gold files.

A reviewer looks only at cells the output flags (status other than `read`, or confidence below the
review threshold), so confidence must be the probability that the value is right: cells at 0.99
should be right 99 times in 100, and flags should be rare where the report's own arithmetic holds.
`reliability` reads gold files (`<doc_id>.gold.json`, the scorer's format) and predictions
(`<doc_id>.json`, the output contract) and tabulates both: accuracy per confidence bin, and the
share of cells flagged in documents read without error whose gold satisfies every identity of its
edition (where every flag is a false alarm).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xxgk.scoring import flagged, same
from xxgk.templates import Edition

BINS: tuple[tuple[float, float], ...] = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 0.99), (0.99, 1.0))
"""Confidence bins, each [low, high) except the last, which includes 1.0."""


@dataclass
class Bin:
    low: float
    high: float
    count: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float | None:
        return round(self.correct / self.count, 4) if self.count else None


@dataclass
class Reliability:
    """Per confidence bin, cells and how many were right; flags where the arithmetic holds."""

    bins: list[Bin] = field(default_factory=lambda: [Bin(lo, hi) for lo, hi in BINS])
    cells: int = 0
    flagged: int = 0
    silent_errors: int = 0
    """Wrong values read with confidence at or above the review threshold."""
    clean_cells: int = 0
    """Cells with a gold value in documents read without error whose gold satisfies every identity:
    every flag there is a false alarm."""
    clean_flagged: int = 0
    wrong_flagged: int = 0
    wrong: int = 0

    def lines(self) -> list[str]:
        out = ["confidence      cells  accuracy"]
        for b in self.bins:
            closing = "]" if b.high == BINS[-1][1] else ")"
            acc = "-" if b.accuracy is None else f"{100 * b.accuracy:.2f}%"
            out.append(f"[{b.low:.2f}, {b.high:.2f}{closing}  {b.count:6d}  {acc}")
        out.append(f"flagged {self.flagged}/{self.cells} cells ({_pct(self.flagged, self.cells)}), "
                   f"{self.clean_flagged}/{self.clean_cells} in documents read right whose identities "
                   f"hold ({_pct(self.clean_flagged, self.clean_cells)}); "
                   f"wrong {self.wrong}, flagged {self.wrong_flagged}, silent {self.silent_errors}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"bins": [{"low": b.low, "high": b.high, "count": b.count, "accuracy": b.accuracy}
                         for b in self.bins],
                "cells": self.cells, "flagged": self.flagged,
                "clean_cells": self.clean_cells, "clean_flagged": self.clean_flagged,
                "wrong": self.wrong, "wrong_flagged": self.wrong_flagged, "silent_errors": self.silent_errors}


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.2f}%" if b else "-"


def consistent(gold_cells: dict[str, float | None], edition: Edition) -> bool:
    """Every identity of the edition that the gold can evaluate holds."""
    for eq in edition.equations:
        vals = [gold_cells.get(k) for k in (*eq.lhs, *eq.rhs)]
        if any(v is None for v in vals):
            continue
        if abs(sum(vals[: len(eq.lhs)]) - sum(vals[len(eq.lhs):])) > 1e-6:  # type: ignore[arg-type]
            return False
    return True


def _bin_of(bins: list[Bin], confidence: float) -> Bin:
    for b in bins:
        if b.low <= confidence < b.high:
            return b
    return bins[-1]


def add_document(table: Reliability, gold: dict[str, Any], pred: dict[str, Any],
                 editions: dict[str, Edition], review_below: float) -> None:
    """Count one document's cells, flagged as `CellOut.needs_review` at `review_below`. A cell absent
    or `missing` has confidence 0; a gold null is right when nothing was given for it, wrong when a
    value was `read` there."""
    edition = editions.get(str(gold.get("meta", {}).get("edition")))
    cells = pred.get("cells", {})
    wrong_before, scored, flagged_scored = table.wrong, 0, 0
    for key, gv in gold["cells"].items():
        cell = cells.get(key) or {"value": None, "status": "missing"}
        status = cell.get("status", "read")
        confidence = cell.get("confidence")
        confidence = (1.0 if confidence is None else float(confidence)) if status != "missing" else 0.0
        is_flagged = flagged(cell, review_below)
        table.cells += 1
        table.flagged += is_flagged
        if gv is None and cell.get("value") is not None and status != "read":
            continue  # blank in the source, derived from the arithmetic: not scored, as by the scorer
        right = same(gv, cell.get("value"))
        b = _bin_of(table.bins, confidence)
        b.count += 1
        b.correct += right
        if gv is not None:
            scored += 1
            flagged_scored += is_flagged
        if not right:
            table.wrong += 1
            table.wrong_flagged += is_flagged
            table.silent_errors += not is_flagged
    if table.wrong == wrong_before and edition is not None and consistent(gold["cells"], edition):
        table.clean_cells += scored
        table.clean_flagged += flagged_scored


def reliability(gold_dir: Path, pred_dir: Path, editions: dict[str, Edition], review_below: float) -> Reliability:
    """The reliability table of the predictions in `pred_dir` against the gold files of `gold_dir`
    (a gold without a prediction counts every cell as missing); cells under `review_below` are flagged."""
    table = Reliability()
    for gold_file in sorted(gold_dir.glob("*.gold.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        pred_file = pred_dir / f"{gold['doc_id']}.json"
        pred = json.loads(pred_file.read_text(encoding="utf-8")) if pred_file.exists() else {}
        add_document(table, gold, pred, editions, review_below)
    return table
