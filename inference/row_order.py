"""Rows whose label could not be read, placed by the template's row order.

A heavy fax or a worn copy garbles a row label beyond recognition (`2.Xm 中政成鐵業止公升`), and a
crawler may drop one; the row's numbers are still printed, in their place. The template fixes the
order of a table's rows, so a run of unlabelled value rows between two recognised rows stands for
the template rows between them that were found nowhere else — when, and only when, there are exactly
as many of those rows as unlabelled runs of values, and each run fits its row's columns. Anything
less certain (a count that differs, a row printed out of order) leaves the numbers unplaced, as
before, with the warning that says so.

Placing by order is evidence about which row the numbers are, not about the numbers: the cells stay
flagged unless the table's identities pin them (`xxgk.inference.reconcile`). Column sums cannot tell
two placed rows apart when swapped, so several placed rows are never pinned by them alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from xxgk.document import Segment
from xxgk.templates import Edition


@dataclass(frozen=True)
class Orphan:
    """A line of values on no recognised row: its table, its segments, where it sat among the
    assembled rows (the index the next row would take) and the text before it."""

    table: str
    segments: tuple[Segment, ...]
    position: int
    after: str

    @property
    def filled(self) -> int:
        return sum(1 for s in self.segments if s.text.strip())

    def warning(self) -> str:
        return (f"{self.table}: {self.filled} values on a row whose label was not recognised "
                f"(after '{self.after[:30]}'); not placed")


@dataclass(frozen=True)
class Placement:
    """An orphan placed on a template row (its table and row key)."""

    orphan: Orphan
    row: str


def place_by_order(edition: Edition, labelled: list[tuple[int, str, str]], orphans: list[Orphan],
                   single_row: set[str]) -> tuple[list[Placement], list[Orphan]]:
    """(placements, orphans left). `labelled`: (position, table, row key) of every recognised row
    in reading order; rows of `single_row` tables are never placed (their values are one line)."""
    placed: list[Placement] = []
    left: list[Orphan] = []
    for table in dict.fromkeys(o.table for o in orphans):
        mine = [o for o in orphans if o.table == table]
        layouts = [r for r in edition.rows if r.table == table]
        if table in single_row or not layouts:
            left += mine
            continue
        order = {r.row: i for i, r in enumerate(layouts)}
        anchors = [(pos, order[row]) for pos, t, row in labelled if t == table and row in order]
        present = {i for _, i in anchors}
        for gap in _gaps(mine, anchors, len(layouts)):
            lo, hi, runs = gap
            missing = [i for i in range(lo + 1, hi) if i not in present]
            fits = len(missing) == len(runs) and all(
                2 <= o.filled <= len(layouts[i].cell_keys) + 1 for o, i in zip(runs, missing, strict=True))
            if fits:
                placed += [Placement(o, layouts[i].row) for o, i in zip(runs, missing, strict=True)]
            else:
                left += runs
    return placed, left


def _gaps(orphans: list[Orphan], anchors: list[tuple[int, int]], n_rows: int) -> list[tuple[int, int, list[Orphan]]]:
    """The orphans grouped by the recognised rows around them: (template index before, after, runs).
    A gap whose recognised rows are out of the template's order has no rows between them (lo >= hi)."""
    out: dict[tuple[int, int], list[Orphan]] = {}
    for o in orphans:
        before = [i for pos, i in anchors if pos < o.position]
        after = [i for pos, i in anchors if pos >= o.position]
        lo = before[-1] if before else -1
        hi = after[0] if after else n_rows
        out.setdefault((lo, hi), []).append(o)
    return [(lo, hi, runs) for (lo, hi), runs in out.items()]
