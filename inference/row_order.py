"""Rows whose label could not be read, placed by the template's row order.

A heavy fax or a worn copy garbles a row label beyond recognition (`2.Xm 中政成鐵業止公升`), and a
crawler may drop one; the row's numbers are still printed, in their place. The template fixes the
order of a table's rows, so a run of unlabelled value rows between two recognised rows stands for
the template rows between them that were found nowhere else — when, and only when, there are exactly
as many of those rows as unlabelled runs of values, and each run fits its row's columns. Anything
less certain (a count that differs, a row printed out of order) leaves the numbers unplaced, as
before, with the warning that says so.

The same order unmasks a label the classifier read as the wrong row: `2.Xm 中政成鐵業止公升` (a
garbled `2.其他法律行政法规禁止公开`) read as `2.没有现成信息需要另行制作`, five rows too early. A recognised
row that breaks the template's order (outside the longest run of rows in order) and whose text is
unlike every wording of the row it was read as (`out_of_order`) is taken for an unlabelled row: its
numbers are placed by order like the others, or not at all. A table printed twice (a summary
repeated) breaks the order too, but its labels are spelled right, so both copies stay.

Placing by order is evidence about which row the numbers are, not about the numbers: the cells stay
flagged unless the table's identities pin them (`xxgk.inference.reconcile`). Column sums cannot tell
two placed rows apart when swapped, so several placed rows are never pinned by them alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from xxgk.document import Segment
from xxgk.inference.labeling.lexicon import core
from xxgk.templates import Edition


def filled(segments: Sequence[Segment]) -> int:
    """How many of the segments print something."""
    return sum(1 for s in segments if s.text.strip())


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
        return filled(self.segments)

    def warning(self) -> str:
        return (f"{self.table}: {self.filled} values on a row whose label was not recognised "
                f"(after '{self.after[:30]}'); not placed")


@dataclass(frozen=True)
class Placement:
    """An orphan placed on a template row (its table and row key)."""

    orphan: Orphan
    row: str


@dataclass(frozen=True)
class Recognised:
    """A row the classifier named: where it sits among the assembled rows, its table, row key and
    the label's text."""

    position: int
    table: str
    row: str
    text: str


def place_by_order(edition: Edition, labelled: list[Recognised], orphans: list[Orphan],
                   single_row: set[str]) -> tuple[list[Placement], list[Orphan]]:
    """(placements, orphans left). `labelled`: every recognised row that holds values, in reading
    order; rows of `single_row` tables are never placed (their values
    are one line).

    A label read without values (a wrapped label whose numbers stand on a line the OCR garbled) leaves
    its row open to an orphan. The gaps are taken between the recognised rows in the template's
    order (`_longest_in_order`); a row read out of order (a table printed twice) still counts as
    found.
    """
    placed: list[Placement] = []
    left: list[Orphan] = []
    for table in dict.fromkeys(o.table for o in orphans):
        mine = [o for o in orphans if o.table == table]
        layouts = [r for r in edition.rows if r.table == table]
        if table in single_row or not layouts:
            left += mine
            continue
        order = {r.row: i for i, r in enumerate(layouts)}
        found = [(r.position, order[r.row]) for r in labelled if r.table == table and r.row in order]
        present = {i for _, i in found}
        kept = _longest_in_order([i for _, i in found])
        anchors = [a for k, a in enumerate(found) if k in kept]
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


def out_of_order(edition: Edition, rows: list[Recognised], min_likeness: float) -> list[Recognised]:
    """The recognised rows outside the longest run (per table) in the template's order whose text
    shares less than `min_likeness` of the characters of every wording of their row."""
    suspect: list[Recognised] = []
    for table in dict.fromkeys(r.table for r in rows):
        order = {r.row: i for i, r in enumerate(x for x in edition.rows if x.table == table)}
        mine = [r for r in rows if r.table == table and r.row in order]
        kept = _longest_in_order([order[r.row] for r in mine])
        wordings = _wordings(edition, table)
        suspect += [r for i, r in enumerate(mine) if i not in kept
                    and max((_likeness(r.text, w) for w in wordings.get(r.row, ())), default=0.0) < min_likeness]
    return suspect


def _longest_in_order(indices: list[int]) -> set[int]:
    """Positions (in `indices`) of a longest non-decreasing subsequence, the earliest on ties."""
    best = [1] * len(indices)
    back = [-1] * len(indices)
    for i, v in enumerate(indices):
        for j in range(i):
            if indices[j] <= v and best[j] + 1 > best[i]:
                best[i], back[i] = best[j] + 1, j
    if not indices:
        return set()
    i = max(range(len(indices)), key=lambda k: (best[k], -k))
    out = set()
    while i >= 0:
        out.add(i)
        i = back[i]
    return out


def _wordings(edition: Edition, table: str) -> dict[str, tuple[str, ...]]:
    spec = edition.table(table)
    return {f.key: f.wordings for g in spec.groups for f in g.rows}


def _likeness(text: str, wording: str) -> float:
    """Share of the wording's characters (numbering and punctuation aside) the text holds."""
    want = Counter(core(wording))
    have = Counter(core(text))
    return sum((want & have).values()) / max(1, sum(want.values()))
