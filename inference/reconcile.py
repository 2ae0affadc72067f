"""The template's arithmetic applied to the cells read: choose, infer, check, never invent.

1. Choose: a row whose segments can be read several ways (merged, padded, letter-spaced cells)
   and a cell whose text has several readings (`2 0`: 20, or 2 and a stray 0) take the readings
   under which the most identities of the whole table hold, then the cheapest. A cell value other
   than its text's first reading is `corrected`, with the text kept; a value the arithmetic
   decided between equally plausible readings keeps `read` with a confidence that says so.
2. Infer: a cell missing from the document that is the only unknown of an identity is solved from
   it (`inferred`, naming the rule), repeatedly, as long as the result is a valid count.
3. Check: every identity of every rule is evaluated on the final values into `checks`.

An unambiguous read value is never changed: when a report's own arithmetic is wrong, the check
fails and the cells involved are flagged for review by a lower confidence.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Literal

from inference.numbers import Number, Reading
from xxgk.templates import Edition, Equation

Status = Literal["read", "inferred", "corrected", "missing"]
MAX_COMBINATIONS = 512
MAX_ASSIGNMENTS = 64
"""Fully specified readings kept per row (its alternatives × its ambiguous cells' candidates)."""
FLAGGED_CONFIDENCE = 0.6
"""Confidence of cells in a failed identity: under the contract's 0.9 review threshold."""
DECIDED_CONFIDENCE = 0.92
"""A cell whose reading the arithmetic decided among several: trusted, not certain."""
UNDECIDED_CONFIDENCE = 0.7
"""A cell whose readings the arithmetic could not tell apart: flagged for review."""


@dataclass(frozen=True)
class Alternative:
    """One way to read a row: its cells' readings with their confidences, and its prior cost."""

    readings: dict[str, tuple[Reading, float]]
    cost: float = 0.0


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
    chosen: list[int] = field(default_factory=list)
    """Per group of alternatives, the index of the one chosen."""
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Assignment:
    """A row fully read: its alternative, a value per cell and the total cost of both choices."""

    alternative: int
    values: dict[str, Number | None]
    picks: dict[str, int]
    """Index of the chosen candidate for each cell with several."""
    cost: float


def _holds(eq: Equation, values: dict[str, Number | None]) -> bool | None:
    vals = [values.get(k) for k in (*eq.lhs, *eq.rhs)]
    if any(v is None for v in vals):
        return None
    return abs(sum(vals[: len(eq.lhs)]) - sum(vals[len(eq.lhs):])) < 1e-6  # type: ignore[arg-type]


def _assignments(group: list[Alternative]) -> list[_Assignment]:
    out: list[_Assignment] = []
    for index, alt in enumerate(group):
        keys = list(alt.readings)
        options = [list(enumerate(alt.readings[k][0].candidates)) or [(0, (None, 0.0))] for k in keys]
        for combo in itertools.product(*options):
            values = {k: c[1][0] for k, c in zip(keys, combo, strict=True)}
            picks = {k: c[0] for k, c in zip(keys, combo, strict=True) if len(alt.readings[k][0].candidates) > 1}
            cost = alt.cost + sum(c[1][1] for c in combo)
            out.append(_Assignment(index, values, picks, cost))
            if len(out) >= MAX_ASSIGNMENTS * (index + 1):
                break
    out.sort(key=lambda a: a.cost)
    return out[:MAX_ASSIGNMENTS]


def reconcile(edition: Edition, groups: list[list[Alternative]]) -> Reconciled:
    """`groups`: per assembled row, its alternative readings, most plausible first."""
    options = [_assignments(g) for g in groups]
    chosen = _search(edition, options)
    cells = {key: CellValue(key, None, "missing", 0.0) for key in edition.cell_keys}
    out = Reconciled(cells, chosen=[options[i][c].alternative if options[i] else 0 for i, c in enumerate(chosen)])
    values = _values(options, chosen)
    for gi, (group, pick) in enumerate(zip(groups, chosen, strict=True)):
        if not options[gi]:
            continue
        assignment = options[gi][pick]
        alt = group[assignment.alternative]
        for key, (reading, conf) in alt.readings.items():
            if key not in cells:
                continue
            if reading.kind not in ("number", "blank", "na"):
                cells[key] = CellValue(key, None, "missing", 0.0, reading)
                continue
            value = assignment.values[key]
            first = reading.candidates[0][0] if reading.candidates else None
            status: Status = "corrected" if value != first else "read"
            conf = min(conf, _certainty(edition, options[gi], pick, key, values, gi, chosen, options))
            rule = (_rules_of(edition, key) or None) if status == "corrected" else None
            cells[key] = CellValue(key, value, status, conf, reading, rule)
    _infer(edition, out)
    out.checks = [_check(eq, cells) for eq in edition.equations]
    _flag_failures(edition, out)
    return out


def _values(options: list[list[_Assignment]], chosen: list[int]) -> dict[str, Number | None]:
    values: dict[str, Number | None] = {}
    for opts, pick in zip(options, chosen, strict=True):
        if opts:
            for k, v in opts[pick].values.items():
                values.setdefault(k, v)
    return values


def _score(edition: Edition, values: dict[str, Number | None], cost: float) -> tuple[int, float]:
    """Identities broken minus identities kept (fewer is better), then the readings' cost."""
    net = 0
    for eq in edition.equations:
        held = _holds(eq, values)
        if held is not None:
            net += -1 if held else 1
    return net, cost


def _search(edition: Edition, options: list[list[_Assignment]]) -> list[int]:
    """The assignment per row that the table's arithmetic supports best.

    Exhaustive over the rows that have a choice when that is small, else coordinate descent from
    the cheapest readings (each row in turn takes its best assignment given the others).
    """
    chosen = [0] * len(options)
    variable = [i for i, o in enumerate(options) if len(o) > 1]
    if not variable:
        return chosen

    def total(choice: list[int]) -> tuple[int, float]:
        cost = sum(o[c].cost for o, c in zip(options, choice, strict=True) if o)
        return _score(edition, _values(options, choice), cost)

    sizes = [len(options[i]) for i in variable]
    if _product(sizes) <= MAX_COMBINATIONS:
        best = None
        for combo in itertools.product(*(range(s) for s in sizes)):
            trial = list(chosen)
            for i, c in zip(variable, combo, strict=True):
                trial[i] = c
            score = total(trial)
            if best is None or score < best[0]:
                best = (score, trial)
        assert best is not None
        return best[1]
    for _ in range(5):
        changed = False
        for i in variable:
            scores = []
            for c in range(len(options[i])):
                trial = list(chosen)
                trial[i] = c
                scores.append((total(trial), c))
            best_c = min(scores)[1]
            if best_c != chosen[i]:
                chosen[i], changed = best_c, True
        if not changed:
            break
    return chosen


def _certainty(edition: Edition, opts: list[_Assignment], pick: int, key: str,
               values: dict[str, Number | None], gi: int, chosen: list[int],
               options: list[list[_Assignment]]) -> float:
    """How settled a cell's value is among its row's readings.

    Certain when every reading agrees; decided when readings disagree but the chosen one keeps
    strictly more of the table's identities than every reading giving another value; undecided
    otherwise.
    """
    mine = opts[pick].values.get(key)
    others = [a for a in opts if a.values.get(key) != mine]
    if not others:
        return 1.0
    best = _score(edition, values, 0.0)[0]
    for other in others:
        trial = dict(values)
        trial.update(other.values)
        if _score(edition, trial, 0.0)[0] <= best:
            return UNDECIDED_CONFIDENCE
    return DECIDED_CONFIDENCE


def _rules_of(edition: Edition, key: str) -> str:
    return ",".join(sorted({eq.rule for eq in edition.equations if key in (*eq.lhs, *eq.rhs)}))


def _product(sizes: list[int]) -> int:
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
            value = round((rhs - lhs) if target in eq.lhs else (lhs - rhs), 6)
            if value < 0 and units.get(target) != "signed":
                continue
            if float(value).is_integer():
                value = int(value)
            cells[target] = CellValue(target, value, "inferred", 0.85, cells[target].reading, eq.rule)
            changed = True


def _check(eq: Equation, cells: dict[str, CellValue]) -> Check:
    def side(keys: tuple[str, ...]) -> tuple[str, str]:
        names = " + ".join(k.split(".")[1 if eq.scope == "col" else 2] for k in keys)
        shown = "+".join("?" if cells[k].value is None else _fmt(cells[k].value) for k in keys)  # type: ignore[arg-type]
        return names, shown

    ln, lv = side(eq.lhs)
    rn, rv = side(eq.rhs)
    ok = _holds(eq, {k: cells[k].value for k in (*eq.lhs, *eq.rhs)})
    where = f"{'column' if eq.scope == 'col' else 'row'} {eq.scope_key}"
    if ok is None:
        missing = sum(1 for k in (*eq.lhs, *eq.rhs) if cells[k].value is None)
        detail = f"{ln} == {rn} ({where}): not checked, {missing} cell(s) missing: {lv} vs {rv}"
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
