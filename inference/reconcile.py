"""The template's arithmetic applied to the cells read: choose, infer, check, never invent.

1. Choose: a row whose segments can be read several ways (merged, padded, letter-spaced cells,
   runs a dump collapsed, digits it glued) and a cell whose text has several readings (`2 0`: 20,
   or 2 and a stray 0) take the readings under which the most identities of the whole table hold,
   then the cheapest. Rows linked by identities are searched together, exhaustively where the
   choices are few enough, so that a value is called settled only when every reading keeping
   that many identities gives it. A cell value other than its text's first reading is
   `corrected`, with the text kept; a value the arithmetic decided between equally plausible
   readings keeps `read` with a confidence that says so. A cell restored from a dump's damage is
   `inferred` when settled and `missing` otherwise, its candidates named in `warnings`.
2. Infer: a cell missing from the document that is the only unknown of an identity is solved from
   it (`inferred`, naming the rule), repeatedly, as long as the result is a valid count.
3. Check: every identity of every rule is evaluated on the final values into `checks`.
4. Confirm: confidence is the probability that a value is right. A read cell is pinned by an
   identity that holds when every other cell of it is trusted (read, confident, in no failed
   identity): were it wrong, the identity would fail unless a second, compensating error sat among
   those trusted cells. Such a cell is confirmed whatever its reading's doubt (an OCR score, a
   label's score, a tie between readings), and confirmed cells are trusted in turn. A number
   read where every identity goes unchecked (cells missing around it, or the identity spent on
   solving a missing cell) is doubted: nothing vouches for where it was placed.

An unambiguous read value is never changed: when a report's own arithmetic is wrong, the check
fails and the cells of it that no holding identity pins are flagged for review by a lower
confidence. The one exception is a cell an OCR recogniser was unsure of, which every identity
through it puts at one other value (`_misreads`): on a page image that is its misread.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Literal

from xxgk.inference.numbers import Number, Reading
from xxgk.options import ConfidenceOptions, PipelineOptions
from xxgk.templates import Edition, Equation

Status = Literal["read", "inferred", "corrected", "missing"]
MERGED_RULE = "merged:"
"""Rule of a row's 0 taken from another layout's row printing 0 for it and its siblings: as sure as
that printed 0 (counts are never negative)."""


@dataclass(frozen=True)
class Alternative:
    """One way to read a row: its cells' readings with their confidences, and its prior cost."""

    readings: dict[str, tuple[Reading, float]]
    cost: float = 0.0
    restored: dict[str, str] = field(default_factory=dict)
    """Cells restored from a dump's damage, with how (`expanded`, `cut`, `joined`)."""
    name: str = ""
    """The row's name and printed text, for warnings about its readings."""
    exhaustive: bool = True
    """False when the row had more readings than were kept: its restored cells cannot be settled."""
    recognised: frozenset[str] = frozenset()
    """Cells whose text an OCR recogniser read off a page image (a misread is possible there, a
    typo in the source text is not told from one)."""


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


def _assignments(group: list[Alternative], most: int) -> list[_Assignment]:
    """The row's fully specified readings, cheapest first, at most `most` of them."""
    out: list[_Assignment] = []
    for index, alt in enumerate(group):
        keys = list(alt.readings)
        options = [list(enumerate(alt.readings[k][0].candidates)) or [(0, (None, 0.0))] for k in keys]
        for combo in itertools.product(*options):
            values = {k: c[1][0] for k, c in zip(keys, combo, strict=True)}
            picks = {k: c[0] for k, c in zip(keys, combo, strict=True) if len(alt.readings[k][0].candidates) > 1}
            cost = alt.cost + sum(c[1][1] for c in combo)
            out.append(_Assignment(index, values, picks, cost))
            if len(out) >= most * (index + 1):
                break
    out.sort(key=lambda a: a.cost)
    return out[:most]


def reconcile(edition: Edition, groups: list[list[Alternative]], *, options: PipelineOptions) -> Reconciled:
    """`groups`: per assembled row, its alternative readings, most plausible first. `options` gives
    the search's limits, the confidences it sets and the review threshold trusted cells meet."""
    conf = options.confidence
    assigned = [_assignments(g, options.reading.max_assignments) for g in groups]
    search = _search(edition, assigned, options.reading.max_combinations)
    chosen = search.chosen
    cells = {key: CellValue(key, None, "missing", 0.0) for key in edition.cell_keys}
    out = Reconciled(cells, chosen=[assigned[i][c].alternative if assigned[i] else 0 for i, c in enumerate(chosen)])
    values = _values(assigned, chosen)
    printed_elsewhere: dict[str, tuple[Number | None, float]] = {}
    """Cells of rows another layout prints (the edition's merged rows): value and confidence."""
    recognised: set[str] = set()
    for gi, (group, pick) in enumerate(zip(groups, chosen, strict=True)):
        if not assigned[gi]:
            continue
        assignment = assigned[gi][pick]
        alt = group[assignment.alternative]
        unsettled: list[str] = []
        for key, (reading, read_conf) in alt.readings.items():
            if key not in cells:
                number = reading.kind in ("number", "blank", "na")
                printed_elsewhere[key] = (assignment.values[key] if number else None, read_conf)
                continue
            if reading.kind not in ("number", "blank", "na"):
                cells[key] = CellValue(key, None, "missing", 0.0, reading)
                continue
            value = assignment.values[key]
            first = reading.candidates[0][0] if reading.candidates else None
            certainty = search.certainty(edition, assigned, gi, key, values, conf)
            how = alt.restored.get(key)
            if how is not None:
                agree = certainty == 1.0 or (certainty == conf.decided and search.exact(gi))
                if not agree or not alt.exhaustive:
                    cells[key] = CellValue(key, None, "missing", 0.0, reading)
                    unsettled.append(key)
                    continue
                status: Status = "corrected" if how == "joined" else "inferred"
                restored = min(read_conf, conf.joined if how == "joined" else conf.restored)
                cells[key] = CellValue(key, value, status, restored, reading, f"dump.{how}")
                continue
            status = "corrected" if value != first else "read"
            rule = (_rules_of(edition, key) or None) if status == "corrected" else None
            cells[key] = CellValue(key, value, status, min(read_conf, certainty), reading, rule)
            if key in alt.recognised:
                recognised.add(key)
        if alt.restored:
            out.warnings.append(_restored_warning(alt, assigned[gi], search.fitting(gi), search.exact(gi),
                                                  unsettled, options.reading.max_named_candidates))
    _split_merged(edition, out, printed_elsewhere)
    _infer(edition, out, conf.inferred)
    out.checks = [_check(eq, cells) for eq in edition.equations]
    _correct_misreads(edition, out, recognised, conf)
    _flag_failures(edition, out, _confirm(edition, out, options), conf.flagged)
    return out


def _confirm(edition: Edition, out: Reconciled, options: PipelineOptions) -> set[str]:
    """Confidence from the identities (step 4 above): pinned cells confirmed, unchecked ones
    doubted. Returns the confirmed cells.

    Trusted cells are read (or taken from a printed 0, see `MERGED_RULE`), confident (at or above
    the review threshold) and in no
    failed identity. A cell of a failed identity can still be pinned by another identity that
    holds: one misread cell breaks its row and column while the cells beside it stay pinned by
    theirs, so only the cell no identity vouches for is left to review. A row read from the wrong
    line breaks every column it crosses, so no cell of it is trusted and its own total pins none.
    """
    cells = out.cells
    failed = {k for eq, c in zip(edition.equations, out.checks, strict=True) if c.ok is False
              for k in (*eq.lhs, *eq.rhs)}
    trusted = {k for k, c in cells.items() if c.confidence >= options.review.below and k not in failed
               and (c.status == "read" or (c.rule or "").startswith(MERGED_RULE))}
    held = [(*eq.lhs, *eq.rhs) for eq, c in zip(edition.equations, out.checks, strict=True) if c.ok]
    confirmed: set[str] = set()
    changed = True
    while changed:
        changed = False
        for keys in held:
            doubtful = [k for k in keys if k not in trusted]
            if len(doubtful) > 1:
                continue  # two doubtful cells may be wrong together and still add up
            for k in doubtful or keys:
                c = cells[k]
                if k not in trusted and c.value is not None:
                    trusted.add(k)  # an inferred or corrected value pinned by trusted cells vouches too
                    changed = True
                if c.status == "read" and k not in confirmed:
                    cells[k] = replace(c, confidence=max(c.confidence, options.confidence.confirmed))
                    confirmed.add(k)
    unchecked: dict[str, bool] = {}
    for eq, check in zip(edition.equations, out.checks, strict=True):
        keys = (*eq.lhs, *eq.rhs)
        gap = ((check.ok is None and any(cells[k].status == "missing" for k in keys))
               or any(cells[k].status == "inferred" and cells[k].rule == eq.rule for k in keys))
        for k in keys:
            unchecked[k] = unchecked.get(k, True) and gap
    for k, alone in unchecked.items():
        c = cells[k]
        if alone and c.status == "read" and c.value:
            cells[k] = replace(c, confidence=min(c.confidence, options.confidence.unchecked))
    return confirmed


def _split_merged(edition: Edition, out: Reconciled, printed: dict[str, tuple[Number | None, float]]) -> None:
    """A row of another layout printed in place of rows of this edition: where it prints 0, each
    of its rows is 0 (counts cannot be negative); elsewhere they stay missing, the printed value
    named in a warning. Rows of this edition printed as well are not overwritten."""
    for merged in edition.merged_rows:
        keys = merged.layout.cell_keys
        if not any(k in printed for k in keys):
            continue
        name = f"{merged.layout.table}.{merged.layout.row} ({merged.wordings[0]})"
        parts = [p.cell_keys for p in merged.parts]
        if any(out.cells[k].status != "missing" for part in parts for k in part):
            out.warnings.append(f"{name}: printed as one row besides its sub-rows; the sub-rows are kept")
            continue
        unknown = []
        for col, key in enumerate(keys):
            value, conf = printed.get(key, (None, 0.0))
            if value == 0 and edition.units[key] != "signed":
                for part in parts:
                    k = part[col]
                    out.cells[k] = CellValue(k, 0, "inferred", conf, None, f"{MERGED_RULE}{merged.layout.row}")
            else:
                unknown.append(f"{key.rsplit('.', 1)[1]}={_fmt_value(value)}")
        rows = ", ".join(p.row for p in merged.parts)
        if unknown:
            out.warnings.append(f"{name}: printed as one row for {rows}; where it prints a value other "
                                f"than 0 ({', '.join(unknown)}) their cells are left missing")


def _restored_warning(alt: Alternative, opts: list[_Assignment], fitting: list[int], exact: bool,
                      unsettled: list[str], named: int) -> str:
    """What was restored in a damaged row, and the readings that fit (`named` of them at most) when
    more than one does. Where the table was too large to weigh every joint reading (`exact`
    False), the row's own readings are named instead."""
    keys = list(alt.readings)
    how = sorted(set(alt.restored.values()))
    what = {"expanded": "runs of identical cells collapsed", "cut": "cells printed without separators",
            "joined": "a number printed in two pieces"}
    cause = "; ".join(what[h] for h in how)
    if not unsettled:
        shown = ",".join(_fmt_value(opts[fitting[0]].values.get(k)) for k in keys)
        return f"{alt.name}: {cause}; the only reading that fits the table is {shown} (inferred)"
    if not alt.exhaustive:
        return f"{alt.name}: {cause}; too many readings fit to choose one; cells left missing"
    readings = list(dict.fromkeys(",".join(_fmt_value(opts[i].values.get(k)) for k in keys)
                                  for i in (fitting if exact else range(len(opts)))))
    listed = " | ".join(readings[:named]) + (" | …" if len(readings) > named else "")
    cells = ", ".join(k.split(".", 1)[1] for k in unsettled)
    weighed = (f"{len(readings)} readings fit the table" if exact else
               f"too many joint readings of the table to weigh; the row reads {len(readings)} ways")
    return f"{alt.name}: {cause}; {weighed} ({listed}); cells left missing: {cells}"


def _fmt_value(v: Number | None) -> str:
    return "?" if v is None else _fmt(v)


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


@dataclass
class _Search:
    """The chosen assignment per row and, where the search was exhaustive, every assignment per
    row that belongs to a joint reading keeping as many identities as the best."""

    chosen: list[int]
    tied: dict[int, set[int]] = field(default_factory=dict)
    """Per row searched exhaustively: its assignments found in some best-scoring joint reading."""

    def fitting(self, gi: int) -> list[int]:
        return sorted(self.tied.get(gi, {self.chosen[gi]}))

    def certainty(self, edition: Edition, options: list[list[_Assignment]], gi: int, key: str,
                  values: dict[str, Number | None], conf: ConfidenceOptions) -> float:
        """1.0 when every reading of the row agrees; decided when the readings that keep the most
        identities all agree; undecided otherwise."""
        opts = options[gi]
        mine = opts[self.chosen[gi]].values.get(key)
        if all(a.values.get(key) == mine for a in opts):
            return 1.0
        if gi in self.tied:
            same = all(opts[i].values.get(key) == mine for i in self.tied[gi])
            return conf.decided if same else conf.undecided
        return _local_certainty(edition, opts, self.chosen[gi], key, values, conf)

    def exact(self, gi: int) -> bool:
        return gi in self.tied


def _components(edition: Edition, options: list[list[_Assignment]]) -> list[list[int]]:
    """Rows that have a choice, grouped when an identity links them (directly or through others)."""
    owner = _owners(options)
    parent = list(range(len(options)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for eq in edition.equations:
        rows = sorted({owner[k] for k in (*eq.lhs, *eq.rhs) if k in owner})
        for r in rows[1:]:
            parent[find(r)] = find(rows[0])
    comps: dict[int, list[int]] = {}
    for gi, opts in enumerate(options):
        if len(opts) > 1:
            comps.setdefault(find(gi), []).append(gi)
    return list(comps.values())


def _owners(options: list[list[_Assignment]]) -> dict[str, int]:
    owner: dict[str, int] = {}
    for gi, opts in enumerate(options):
        for a in opts:
            for k in a.values:
                owner.setdefault(k, gi)
    return owner


def _search(edition: Edition, options: list[list[_Assignment]], max_combinations: int) -> _Search:
    """The assignment per row that the table's arithmetic supports best.

    Each group of linked rows with a choice is searched on its own: exactly (branch and bound,
    every joint reading that ties with the best on identities recorded) within a budget of
    partial readings (ten per joint reading of `max_combinations`), else by coordinate descent from
    the cheapest readings.
    """
    result = _Search([0] * len(options))
    for comp in _components(edition, options):
        if not _BranchAndBound(edition, options, comp, max_combinations * 10).run(result):
            _descend(edition, options, comp, result)
    return result


class _BranchAndBound:
    """Exact search over one group of linked rows.

    Each identity is a signed sum that must be 0; rows are assigned one at a time and an identity
    is scored once all its rows are. The bound counts every unscored identity as kept unless the
    range of sums its remaining rows can still add excludes 0, so whole subtrees that must break
    more identities than the best found are skipped.
    """

    def __init__(self, edition: Edition, options: list[list[_Assignment]], comp: list[int], budget: int):
        self.options = options
        owner = _owners(options)
        degree = Counter(g for eq in edition.equations for g in {owner.get(k) for k in (*eq.lhs, *eq.rhs)})
        self.order = sorted(comp, key=lambda gi: (len(options[gi]), -degree[gi]))
        """Fewest readings first, and among rows with as many the one most identities cross (a
        total row): once it is read, every other row's wrong reading breaks a sum at once."""
        members = set(comp)
        fixed = _values(options, [0] * len(options))
        self.eqs: list[tuple[float, list[tuple[int, str, int]]]] = []
        for eq in edition.equations:
            terms = [(owner.get(k), k, 1 if i < len(eq.lhs) else -1) for i, k in enumerate((*eq.lhs, *eq.rhs))]
            if not any(g in members for g, _, _ in terms):
                continue
            const, unknown = 0.0, False
            for g, k, sign in terms:
                if g not in members:
                    v = fixed.get(k) if g is not None else None
                    unknown = unknown or v is None
                    const += sign * (v or 0)
            if unknown:
                continue  # a cell outside the search is missing: the identity can never be scored
            self.eqs.append((const, [(g, k, sign) for g, k, sign in terms if g in members]))
        pos = {gi: i for i, gi in enumerate(self.order)}
        n = len(self.order)
        # per identity: contribution of each row's option (None when a cell of it is missing)
        self.contrib: list[dict[int, list[float | None]]] = []
        self.last: list[int] = []
        for _, terms in self.eqs:
            per_row: dict[int, list[float | None]] = {}
            for gi in {g for g, _, _ in terms}:
                row_terms = [(k, sign) for g, k, sign in terms if g == gi]
                per_row[gi] = [None if any(a.values.get(k) is None for k, _ in row_terms)
                               else sum(sign * a.values[k] for k, sign in row_terms)  # type: ignore[misc]
                               for a in options[gi]]
            self.contrib.append(per_row)
            self.last.append(max(pos[gi] for gi in per_row))
        # suffix ranges: min/max a row at position >= p can still add, and whether it may be missing
        self.suffix: list[list[tuple[float, float, bool]]] = []
        for per_row in self.contrib:
            ranges = [(0.0, 0.0, False)] * (n + 1)
            for p in range(n - 1, -1, -1):
                lo, hi, none = ranges[p + 1]
                vals = per_row.get(self.order[p])
                if vals is not None:
                    known = [v for v in vals if v is not None]
                    lo += min(known, default=0.0)
                    hi += max(known, default=0.0)
                    none = none or len(known) < len(vals)
                ranges[p] = (lo, hi, none)
            self.suffix.append(ranges)
        self.budget = budget

    def run(self, result: _Search) -> bool:
        """Fill `result` for this group; False when the budget ran out before the search ended."""
        self.best: tuple[int, float] | None = None
        self.best_combo: tuple[int, ...] = ()
        self.tied: dict[int, set[int]] = {gi: set() for gi in self.order}
        sums = [const for const, _ in self.eqs]
        missing = [False] * len(self.eqs)
        if not self._visit(0, [], sums, missing, 0, 0.0):
            return False
        for gi, c in zip(self.order, self.best_combo, strict=True):
            result.chosen[gi] = c
        result.tied.update(self.tied)
        return True

    def _visit(self, p: int, combo: list[int], sums: list[float], missing: list[bool], net: int,
               cost: float) -> bool:
        self.budget -= 1
        if self.budget < 0:
            return False
        if p == len(self.order):
            self._record(net, cost, combo)
            return True
        if self.best is not None and self._bound(p, sums, missing, net) > self.best[0]:
            return True
        gi = self.order[p]
        for c, a in enumerate(self.options[gi]):
            new_sums, new_missing, new_net = list(sums), list(missing), net
            for e, per_row in enumerate(self.contrib):
                v = per_row.get(gi)
                if v is None:
                    continue
                if v[c] is None:
                    new_missing[e] = True
                else:
                    new_sums[e] += v[c]
                if self.last[e] == p and not new_missing[e]:
                    new_net += -1 if abs(new_sums[e]) < 1e-6 else 1
            if not self._visit(p + 1, [*combo, c], new_sums, new_missing, new_net, cost + a.cost):
                return False
        return True

    def _bound(self, p: int, sums: list[float], missing: list[bool], net: int) -> int:
        bound = net
        for e in range(len(self.eqs)):
            if self.last[e] < p or missing[e]:
                continue
            lo, hi, may_miss = self.suffix[e][p]
            if sums[e] + lo <= 1e-6 and sums[e] + hi >= -1e-6:
                bound -= 1
            elif not may_miss:
                bound += 1
        return bound

    def _record(self, net: int, cost: float, combo: list[int]) -> None:
        if self.best is None or net < self.best[0]:
            self.tied = {gi: set() for gi in self.order}
            self.best, self.best_combo = (net, cost), tuple(combo)
        elif net == self.best[0] and cost < self.best[1]:
            self.best, self.best_combo = (net, cost), tuple(combo)
        if net == self.best[0]:
            for gi, c in zip(self.order, combo, strict=True):
                self.tied[gi].add(c)


def _descend(edition: Edition, options: list[list[_Assignment]], comp: list[int], result: _Search) -> None:
    chosen = result.chosen

    def total(choice: list[int]) -> tuple[int, float]:
        cost = sum(o[c].cost for o, c in zip(options, choice, strict=True) if o)
        return _score(edition, _values(options, choice), cost)

    for _ in range(5):
        changed = False
        for i in comp:
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


def _local_certainty(edition: Edition, opts: list[_Assignment], pick: int, key: str,
                     values: dict[str, Number | None], conf: ConfidenceOptions) -> float:
    """Certainty against the row's own alternatives with the other rows held fixed (used where
    the joint search was too large to be exhaustive)."""
    mine = opts[pick].values.get(key)
    best = _score(edition, values, 0.0)[0]
    for other in opts:
        if other.values.get(key) == mine:
            continue
        trial = dict(values)
        trial.update(other.values)
        if _score(edition, trial, 0.0)[0] <= best:
            return conf.undecided
    return conf.decided


def _rules_of(edition: Edition, key: str) -> str:
    return ",".join(sorted({eq.rule for eq in edition.equations if key in (*eq.lhs, *eq.rhs)}))


def _infer(edition: Edition, out: Reconciled, confidence: float) -> None:
    """Missing cells solved from identities they are the only unknown of, with `confidence`."""
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
            cells[target] = CellValue(target, value, "inferred", confidence, cells[target].reading, eq.rule)
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


def _correct_misreads(edition: Edition, out: Reconciled, recognised: set[str], conf: ConfidenceOptions) -> None:
    """The `_misreads` set to the value their identities agree on (`corrected`, `conf.misread`, the
    printed text kept, a warning each), and the checks evaluated again."""
    misread = _misreads(edition, out, recognised, conf)
    for key, value in misread.items():
        cell = out.cells[key]
        rules = _rules_of(edition, key)
        out.cells[key] = replace(cell, value=value, status="corrected", confidence=conf.misread, rule=rules)
        text = cell.reading.text if cell.reading else _fmt_value(cell.value)
        out.warnings.append(f"{key}: read {repr(text) if text.strip() else 'blank'}, but every identity through "
                            f"it fails and {_fmt(value)} restores them all ({rules}); the recogniser was unsure "
                            "of it: corrected as its misread")
    if misread:
        out.checks = [_check(eq, out.cells) for eq in edition.equations]


def _misreads(edition: Edition, out: Reconciled, recognised: set[str], conf: ConfidenceOptions) -> dict[str, Number]:
    """Recognised cells read with doubt that crossing identities, failing together, all put at one
    other value.

    A row's total and a column's total that both miss by the same amount meet at one cell, and
    moving that cell by the amount mends both. Where the recogniser was unsure of that cell (below
    `unsure`: a seal's ring beside a 0 read as `10`, a 0 read as 9, ink lost from a blank), that
    is its misread. Where it was sure, it is as often the report's own wrong number (measured on
    generated scans: misreads at 0.0-0.92, printed errors at 0.9998 and more, one misread at
    0.998), kept as printed and flagged. Taken only where every identity through the cell is
    evaluated and fails (at least two, or one for a cell read blank where the report prints its
    zeros: ink the scan lost, as a t4 total whose parts add up to 4), all of them give the same
    valid value, and no failed identity is explained by two such cells. Typed text (web pages,
    PDFs, dumps) is never corrected: a contradiction there is the report's own.
    """
    cells = out.cells
    through: dict[str, list[int]] = {}
    for i, eq in enumerate(edition.equations):
        for k in (*eq.lhs, *eq.rhs):
            through.setdefault(k, []).append(i)
    found: dict[str, Number] = {}
    for key in sorted(recognised):
        cell, idents = cells[key], through.get(key, [])
        lost = cell.reading is not None and cell.reading.kind == "blank" and cell.confidence <= conf.lost_ink
        if cell.status != "read" or cell.value is None or cell.confidence >= conf.ocr_sure or len(idents) < 2 - lost \
                or any(out.checks[i].ok is not False for i in idents):
            continue
        values = {_solved(edition.equations[i], cells, key) for i in idents}
        value = values.pop()
        if values or not _valid(value, edition.units[key]):
            continue
        found[key] = value
    used = Counter(i for k in found for i in through[k])
    return {k: v for k, v in found.items() if all(used[i] == 1 for i in through[k])}


def _solved(eq: Equation, cells: dict[str, CellValue], key: str) -> Number:
    """The value of `key` under which `eq` holds, the other cells as they are."""
    lhs = sum(cells[k].value for k in eq.lhs)  # type: ignore[misc]
    rhs = sum(cells[k].value for k in eq.rhs)  # type: ignore[misc]
    value = cells[key].value
    moved = value - (lhs - rhs) if key in eq.lhs else value + (lhs - rhs)  # type: ignore[operator]
    return round(moved, 6) if isinstance(moved, float) else moved


def _valid(value: Number, unit: str) -> bool:
    if unit == "signed":
        return True
    return value >= 0 and (unit != "count" or float(value).is_integer())


def _flag_failures(edition: Edition, out: Reconciled, confirmed: set[str], flagged: float) -> None:
    """Cells of failed identities that no holding identity pins are flagged for review (`flagged`)."""
    failed = {(c.rule, c.scope_key) for c in out.checks if c.ok is False}
    if not failed:
        return
    for eq in edition.equations:
        if (eq.rule, eq.scope_key) in failed:
            for k in (*eq.lhs, *eq.rhs):
                c = out.cells[k]
                if c.status in ("read", "inferred") and k not in confirmed:
                    out.cells[k] = replace(c, confidence=min(c.confidence, flagged))
