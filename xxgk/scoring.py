"""Cells against gold: the one comparison every score in the package uses.

The official scorer (`shared/eval/score.py`, see `shared/spec/output_contract.md`) defines what a
score means; this module computes the same figures in-process so that the package never reaches
for a file outside itself, and so that the classifier ablation, the new-edition demo, the bench
and the reliability table all count a cell right, flagged or silently wrong in the same way.
`xxgk eval` alone still runs the shared scorer itself, to print exactly what anyone re-running
it gets; tests keep the two in agreement.

A gold file holds `doc_id`, `meta` (agency, year, edition) and `cells` (key -> number or null).
A gold null is not scored for accuracy; a prediction that *read* a value there is a false read.
A cell is flagged for review when its status is not `read` or its confidence is below the
review threshold (`PipelineOptions.review.below`, the official scorer's 0.9 as shipped); a wrong
cell that is not flagged is a silent error.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xxgk.contract import CellOut, Report

REL_TOL = 1e-3
"""Numbers agree within 0.1% (amounts in 万元 are rounded), as the official scorer compares them."""
ABS_TOL = 1e-6
META_FIELDS = ("agency", "year", "edition")
"""Meta fields scored when the gold has them."""
COUNTED = ("scored", "correct", "nonzero", "nonzero_correct", "false_reads", "flagged", "errors_flagged")

Value = int | float | None


def same(gold: Value, pred: Value) -> bool:
    """Two cell values agree: both null, or equal within the scorer's tolerance."""
    if gold is None or pred is None:
        return gold is pred
    return math.isclose(float(gold), float(pred), rel_tol=REL_TOL, abs_tol=ABS_TOL)


def meta_same(name: str, gold: object, pred: object) -> bool:
    """Agency names match when one starts the other (三明市 / 三明市人民政府办公室), so a name
    cut out of a sentence (请联系三明市…) does not count; other fields exactly."""
    g, p = str(gold).replace(" ", ""), str(pred or "").replace(" ", "")
    if name == "agency":
        return len(p) >= 3 and (g.startswith(p) or p.startswith(g))
    return g == p


def flagged(cell: Mapping[str, Any] | None, below: float) -> bool:
    """`CellOut.needs_review` on a cell of the JSON: absent, status other than `read`, or a
    confidence below `below` (no confidence means a confident read)."""
    if cell is None:
        return True
    return CellOut.model_construct(status=cell.get("status", "read"),
                                   confidence=cell.get("confidence")).needs_review(below)


@dataclass
class DocScore:
    """One report against its gold."""

    cells: int = 0
    """Gold cells (scored or not): the base of the flagged share."""
    scored: int = 0
    correct: int = 0
    nonzero: int = 0
    nonzero_correct: int = 0
    false_reads: int = 0
    flagged: int = 0
    errors_flagged: int = 0
    errors: list[tuple[str, Value, Value]] = field(default_factory=list)
    """(key, gold, predicted) of every wrong cell and false read."""
    meta_ok: dict[str, bool] = field(default_factory=dict)

    @property
    def exact(self) -> bool:
        return not self.errors

    @property
    def silent_errors(self) -> int:
        return self.scored - self.correct - self.errors_flagged


def score_doc(gold: Mapping[str, Any], pred: Report | Mapping[str, Any] | None, below: float) -> DocScore:
    """Score one prediction (a Report, its JSON as a dict, or None for no output) against a gold dict;
    cells under the review threshold `below` count as flagged."""
    pred_dict = pred.to_dict() if isinstance(pred, Report) else (pred or {})
    cells = pred_dict.get("cells", {})
    out = DocScore(cells=len(gold["cells"]))
    for key, gv in gold["cells"].items():
        cell = cells.get(key)
        pv, status = (cell.get("value"), cell.get("status", "read")) if cell is not None else (None, "missing")
        is_flagged = flagged(cell, below)
        out.flagged += is_flagged
        if gv is None:
            if pv is not None and status == "read":
                out.false_reads += 1
                out.errors.append((key, None, pv))
            continue
        out.scored += 1
        ok = same(gv, pv)
        out.correct += ok
        if gv != 0:
            out.nonzero += 1
            out.nonzero_correct += ok
        if not ok:
            out.errors.append((key, gv, pv))
            out.errors_flagged += is_flagged
    gm, pm = gold.get("meta", {}), pred_dict.get("meta", {})
    out.meta_ok = {k: meta_same(k, gm.get(k), pm.get(k)) for k in META_FIELDS if gm.get(k) is not None}
    return out


def _pct(a: int, b: int) -> float | None:
    return round(100.0 * a / b, 2) if b else None


@dataclass
class CorpusScore:
    """A set of reports against their gold: the official scorer's totals and summary."""

    docs: dict[str, DocScore] = field(default_factory=dict)
    missing_docs: int = 0

    def add(self, doc_id: str, score: DocScore, missing: bool = False) -> None:
        self.docs[doc_id] = score
        self.missing_docs += missing

    def total(self, name: str) -> int:
        return sum(getattr(d, name) for d in self.docs.values())

    def summary(self) -> dict[str, Any]:
        """The official scorer's summary, key for key and rounded the same way."""
        t = {k: self.total(k) for k in (*COUNTED, "cells")}
        wrong = t["scored"] - t["correct"]
        return {
            "docs": len(self.docs),
            "missing_docs": self.missing_docs,
            "cell_accuracy": _pct(t["correct"], t["scored"]),
            "nonzero_cell_accuracy": _pct(t["nonzero_correct"], t["nonzero"]),
            "exact_docs": _pct(sum(d.exact for d in self.docs.values()), len(self.docs)),
            "false_reads": t["false_reads"],
            "meta_accuracy": _pct(sum(sum(d.meta_ok.values()) for d in self.docs.values()),
                                  sum(len(d.meta_ok) for d in self.docs.values())),
            "errors_flagged": _pct(t["errors_flagged"], wrong),
            "cells_flagged": _pct(t["flagged"], t["cells"]),
            "silent_errors": wrong - t["errors_flagged"],
        }


Pair = tuple[Mapping[str, Any], Report | Mapping[str, Any] | None]
"""A gold dict and its prediction (a Report, its JSON, or None for no output)."""


def score_set(pairs: Iterable[Pair], below: float) -> CorpusScore:
    """Score (gold, prediction) pairs, flagging cells under `below`; a None prediction is a missing
    document (every cell missing)."""
    out = CorpusScore()
    for gold, pred in pairs:
        out.add(gold["doc_id"], score_doc(gold, pred, below), missing=pred is None)
    return out


def read_gold(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def score_dir(gold_dir: Path, pred_dir: Path, below: float) -> CorpusScore:
    """Every `<doc_id>.gold.json` of `gold_dir` against `<doc_id>.json` of `pred_dir`, as the
    official scorer reads them."""

    def pairs() -> Iterable[tuple[dict[str, Any], dict[str, Any] | None]]:
        for gold_file in sorted(gold_dir.glob("*.gold.json")):
            gold = read_gold(gold_file)
            pred_file = pred_dir / f"{gold['doc_id']}.json"
            yield gold, (json.loads(pred_file.read_text(encoding="utf-8")) if pred_file.exists() else None)

    return score_set(pairs(), below)
