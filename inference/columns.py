"""Rows of space-laid dumps placed by where their numbers sit, when blank cells left no trace.

`pdftotext -layout` and text browsers print a table's cells at their columns and a blank cell as
nothing, so a row `规章  ·  ·  187` arrives as one number, which read in order would fill the
first column. Rows of the same columns that print every cell show where each column is; a short
row's numbers are matched to those positions and the gaps become blank cells (blank = 0, as the
template prints them). Where the positions cannot decide (no complete row to learn them from,
numbers between two columns), the row is marked `unplaced` and its cells are flagged, never
read confidently in order. In such a table a row printing its label alone has blank cells only
(0), read so but flagged: nothing on the page says its numbers were not lost.
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass, replace

from xxgk.document import Segment
from xxgk.inference.assemble import RowRead
from xxgk.inference.numbers import split_cells
from xxgk.options import ReadingOptions


@dataclass(frozen=True)
class Placed:
    row: RowRead
    unplaced: bool = False
    """A short row of a space-laid dump that positions could not place."""
    blank: bool = False
    """A row printing its label alone in a dump that leaves blank cells empty (some row prints
    fewer numbers than cells): its cells read as blanks (0), which nothing confirms."""


def _centre(seg: Segment) -> float:
    assert seg.columns is not None
    return (seg.columns[0] + seg.columns[1]) / 2


def _signature(row: RowRead) -> tuple[str, ...]:
    """Rows with the same column keys share column positions (the rows of one table block)."""
    return (row.table, *(k.rsplit(".", 1)[1] for k in row.keys))


def _values(row: RowRead) -> list[Segment]:
    return [s for s in row.segments if s.text.strip()]


def _centres(rows: list[RowRead]) -> dict[tuple[str, ...], list[float]]:
    """Per column signature, each column's centre: the median over rows printing every cell."""
    samples: dict[tuple[str, ...], list[list[float]]] = {}
    for row in rows:
        values = _values(row)
        if row.label is None or len(values) != len(row.keys) or any(s.columns is None for s in values) \
                or len({s.row for s in values}) > 1:
            continue
        samples.setdefault(_signature(row), []).append([_centre(s) for s in values])
    return {sig: [statistics.median(col) for col in zip(*rows_, strict=True)] for sig, rows_ in samples.items()}


def _clustered(rows: list[RowRead], gap: float, max_offset: float) -> dict[tuple[str, ...], list[float]]:
    """Per column signature, column centres found where no row prints every cell: the numbers of
    all its one-line rows fall into as many clusters as it has columns, separated by more than
    `gap` display columns and each narrower than `max_offset` of the space between clusters."""
    samples: dict[tuple[str, ...], list[float]] = {}
    counts: dict[tuple[str, ...], int] = {}
    for row in rows:
        values = _values(row)
        if row.label is None or not values or any(s.columns is None or split_cells(s.text) for s in values) \
                or len({s.row for s in values}) > 1:
            continue
        samples.setdefault(_signature(row), []).extend(_centre(s) for s in values)
        counts[_signature(row)] = len(row.keys)
    out = {}
    for sig, xs in samples.items():
        xs.sort()
        clusters = [[xs[0]]]
        for a, b in itertools.pairwise(xs):
            if b - a > gap:
                clusters.append([])
            clusters[-1].append(b)
        if len(clusters) != counts[sig]:
            continue
        centres = [statistics.median(c) for c in clusters]
        space = min((b - a for a, b in itertools.pairwise(centres)), default=float("inf"))
        if all(c[-1] - c[0] <= max_offset * space for c in clusters):
            out[sig] = centres
    return out


def _assign(values: list[Segment], centres: list[float], max_offset: float) -> list[int] | None:
    """Each number's column, or None unless each is near one column (within `max_offset` of the gap
    to the next), in order, one per column."""
    gaps = [b - a for a, b in itertools.pairwise(centres)]
    if any(g <= 0 for g in gaps):
        return None
    out: list[int] = []
    for seg in values:
        x = _centre(seg)
        i = min(range(len(centres)), key=lambda j: abs(centres[j] - x))
        near = [g for j, g in enumerate(gaps) if j in (i - 1, i)]
        if abs(centres[i] - x) > max_offset * min(near, default=float("inf")) or (out and i <= out[-1]):
            return None
        out.append(i)
    return out


def _blank(like: Segment) -> Segment:
    return like.model_copy(update={"text": "", "columns": None})


def _printed(values: list[Segment]) -> int:
    """How many numbers the values print: a text browser joins a row's cells with one space
    (`3 16`), so one segment may hold several."""
    return sum(len(split_cells(s.text) or [s]) for s in values)


def _spaced_short(row: RowRead) -> bool:
    """A row of a space-laid dump printing, on one line, several numbers but fewer than it has
    cells (one number alone on its line is how one-cell-per-line dumps print every row)."""
    values = _values(row)
    return 1 < _printed(values) < len(row.keys) and all(s.columns is not None for s in values) \
        and len({s.row for s in values}) == 1 and all(s.text.strip() for s in row.segments)


def place_rows(rows: list[RowRead], reading: ReadingOptions) -> list[Placed]:
    """Every row, short rows of space-laid dumps rebuilt at their columns where positions decide
    (`reading.column_offset`: how near a column a number must sit).

    Only numbers printed on one line have positions that compare; a row whose numbers stand on
    lines of their own (one cell per line) is left to the reading in order.
    """
    centres = _clustered(rows, reading.column_gap, reading.column_offset) | _centres(rows)
    sparse = any(_spaced_short(r) for r in rows)
    out = []
    for row in rows:
        values = _values(row)
        if sparse and not row.segments and row.label is not None and row.label.columns is not None:
            out.append(Placed(replace(row, segments=[_blank(row.label)] * len(row.keys)), blank=True))
            continue
        # a row printing its blank cells (a box-drawn table's empty fields) is placed already
        short = 0 < _printed(values) < len(row.keys) and all(s.text.strip() for s in row.segments)
        if not short or any(s.columns is None for s in values) or len({s.row for s in values}) > 1:
            out.append(Placed(row))
            continue
        known = centres.get(_signature(row))
        index = _assign(values, known, reading.column_offset) if known else None
        if index is None:
            out.append(Placed(row, unplaced=True))
            continue
        by_index = dict(zip(index, values, strict=True))
        segments = [by_index.get(i) or _blank(values[0]) for i in range(index[-1] + 1)]
        out.append(Placed(replace(row, segments=segments)))
    return out
