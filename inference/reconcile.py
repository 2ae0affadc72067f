"""The template's arithmetic applied to the cells read: choose, infer, check, never invent.

1. Choose: a cell whose text has several readings (`2 0`: 20, or 2 and a stray 0; an OCR digit that
   could be another) takes the reading under which most identities hold, then the likeliest. A
   choice other than the first reading is `corrected`, with the original text kept.
2. Infer: a cell missing from the document that is the only unknown of an identity is solved from
   it (`inferred`, naming the rule), repeatedly, as long as the result is a valid count.
3. Check: every identity of every rule is evaluated on the final values into `checks`.

A read value that is unambiguous is never changed: when a report's own arithmetic is wrong, the
check fails and the cells involved are flagged for review by a lower confidence.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Literal

from inference.numbers import Number, Reading
from xxgk.templates import Edition, Equation

Status = Literal["read", "inferred", "corrected", "missing"]
MAX_COMBINATIONS = 4096
FLAGGED_CONFIDENCE = 0.6
"""Confidence of cells in a failed identity: under the contract's 0.9 review threshold."""


@dataclass
class CellValue:
    key: str
    value: Number | None
    status: Status
    confidence: float
    reading: Reading | None = None
    rule: str | None = None


@dataclass(frozen=True)
class Check:
    rule: str
    scope: Literal["col", "row"]
    scope_key: str
    ok: bool | None
    detail: str


@dataclass
class Reconciled:
    cells: dict[str, CellValue]
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _value(cells: dict[str, CellValue], key: str) -> Number | None:
    c = cells.get(key)
    return None if c is None else c.value


def _holds(eq: Equation, cells: dict[str, CellValue]) -> bool | None:
    vals = [_value(cells, k) for k in (*eq.lhs, *eq.rhs)]
    if any(v is None for v in vals):
        return None
    lhs = sum(vals[: len(eq.lhs)])
    rhs = sum(vals[len(eq.lhs):])
    return abs(lhs - rhs) < 1e-6


def reconcile(edition: Edition, readings: dict[str, tuple[Reading, float]]) -> Reconciled:
    """`readings`: cell key -> (reading of its text, confidence of its label and text)."""
    cells: dict[str, CellValue] = {}
    for key in edition.cell_keys:
        if key not in readings:
            cells[key] = CellValue(key, None, "missing", 0.0)
            continue
        reading, conf = readings[key]
        status: Status = "read" if reading.kind in ("number", "blank", "na") else "missing"
        cells[key] = CellValue(key, reading.value, status, conf if status == "read" else 0.0, reading)
    out = Reconciled(cells)
    _choose(edition, out)
    _infer(edition, out)
    out.checks = [_check(edition, eq, cells) for eq in edition.equations]
    _flag_failures(edition, out)
    return out


def _choose(edition: Edition, out: Reconciled) -> None:
    cells = out.cells
    ambiguous = [k for k, c in cells.items() if c.reading is not None and c.reading.ambiguous]
    if not ambiguous:
        return
    options = [list(cells[k].reading.candidates) for k in ambiguous]  # type: ignore[union-attr]
    if _product(len(o) for o in options) > MAX_COMBINATIONS:
        options = [o[:2] for o in options]
        if _product(len(o) for o in options) > MAX_COMBINATIONS:
            out.warnings.append(f"{len(ambiguous)} ambiguous cells: kept their likeliest readings")
            return
    relevant = [eq for eq in edition.equations if set(ambiguous) & {*eq.lhs, *eq.rhs}]
    best: tuple[int, float] | None = None
    best_combo: tuple[tuple[Number | None, float], ...] = ()
    trial = dict(cells)
    for combo in itertools.product(*options):
        for key, (value, _) in zip(ambiguous, combo, strict=True):
            trial[key] = replace(cells[key], value=value)
        failures = sum(1 for eq in relevant if _holds(eq, trial) is False)
        penalty = sum(p for _, p in combo)
        score = (failures, penalty)
        if best is None or score < best:
            best, best_combo = score, combo
    resolved_by_rules = best is not None and best[0] < _failures_with_first(relevant, cells, ambiguous)
    for key, (value, _) in zip(ambiguous, best_combo, strict=True):
        c = cells[key]
        first = c.reading.candidates[0][0]  # type: ignore[union-attr]
        rules = sorted({eq.rule for eq in relevant if key in (*eq.lhs, *eq.rhs)})
        if value != first:
            cells[key] = replace(c, value=value, status="corrected", confidence=0.8, rule=",".join(rules))
        elif resolved_by_rules:
            cells[key] = replace(c, confidence=min(c.confidence, 0.92))
        else:
            cells[key] = replace(c, confidence=min(c.confidence, 0.7))


def _failures_with_first(relevant: list[Equation], cells: dict[str, CellValue], keys: list[str]) -> int:
    trial = dict(cells)
    for k in keys:
        trial[k] = replace(cells[k], value=cells[k].reading.candidates[0][0])  # type: ignore[union-attr]
    return sum(1 for eq in relevant if _holds(eq, trial) is False)


def _product(sizes) -> int:
    total = 1
    for s in sizes:
        total *= s
    return total


def _infer(edition: Edition, out: Reconciled) -> None:
    cells = out.cells
    units = edition.units
    changed = True
    while changed:
        changed = False
        for eq in edition.equations:
            keys = (*eq.lhs, *eq.rhs)
            unknown = [k for k in keys if cells[k].value is None]
            if len(unknown) != 1 or cells[unknown[0]].status == "read":
                continue
            target = unknown[0]
            lhs = sum(cells[k].value or 0 for k in eq.lhs)
            rhs = sum(cells[k].value or 0 for k in eq.rhs)
            value = (rhs - lhs) if target in eq.lhs else (lhs - rhs)
            value = round(value, 6)
            if value < 0 and units.get(target) != "signed":
                continue
            if float(value).is_integer():
                value = int(value)
            cells[target] = CellValue(target, value, "inferred", 0.85, cells[target].reading, eq.rule)
            changed = True


def _check(edition: Edition, eq: Equation, cells: dict[str, CellValue]) -> Check:
    def side(keys: tuple[str, ...]) -> tuple[str, str]:
        names = " + ".join(k.split(".")[1 if eq.scope == "col" else 2] for k in keys)
        vals = [cells[k].value for k in keys]
        shown = "+".join("?" if v is None else _fmt(v) for v in vals)
        return names, shown

    ln, lv = side(eq.lhs)
    rn, rv = side(eq.rhs)
    ok = _holds(eq, cells)
    where = f"{'column' if eq.scope == 'col' else 'row'} {eq.scope_key}"
    if ok is None:
        missing = [k for k in (*eq.lhs, *eq.rhs) if cells[k].value is None]
        detail = f"{ln} == {rn} ({where}): not checked, {len(missing)} cell(s) missing: {lv} vs {rv}"
    else:
        detail = f"{ln} == {rn} ({where}): {lv} {'==' if ok else '!='} {rv}"
    return Check(eq.rule, eq.scope, eq.scope_key, ok, detail)


def _fmt(v: Number) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _flag_failures(edition: Edition, out: Reconciled) -> None:
    failed = {(c.rule, c.scope_key) for c in out.checks if c.ok is False}
    if not failed:
        return
    for eq in edition.equations:
        if (eq.rule, eq.scope_key) in failed:
            for k in (*eq.lhs, *eq.rhs):
                c = out.cells[k]
                if c.status in ("read", "inferred"):
                    out.cells[k] = replace(c, confidence=min(c.confidence, FLAGGED_CONFIDENCE))
