"""Cells a grid merged because a ruling line was lost, split back so that each row reads alone.

Where a ruling line is faint, broken or drawn only part of the way (a scan, a photocopy, a layout
whose sub-row labels sit in a narrower column), the grid sees one cell where the page has several.
Read as one text, the rows inside it are not recognised and their values are lost. Two shapes:

- a tall label cell beside several rows of values (`split_stacked_labels`): `3.其他` above
  `（七）总计`, both in one cell. A row group label also spans several rows (`（三）不予公开` beside
  its eight sub-rows), often one character per line, and must stay whole; the two differ in what
  stands to their right: the merged label has a row of values beside each of its lines, a row
  group has more labels. So a cell is split only where two or more cells within its rows stand
  right beside it, each holding a number or nothing (not all nothing), and its text lines fall
  beside at least two of them, each line beside one;
- a wide cell holding whole rows, labels and numbers (`split_crowded_cells`): the inner lines of a
  photocopied table's top rows all lost. The grid still knows the columns (from the rows below);
  the cell is cut into one row per text line and one cell per column of the line's numbers, and
  only where every line falls in its own base row and no column holds two numbers of one line.

The opposite also happens: a stray vertical stroke (a seal's ring, a fold, a toner streak) taken
for a ruling line cuts a sliver off a cell in the rows it crosses; the row then has one empty cell
too many, and its numbers are read one column off. `join_slivers` puts such a sliver back: an empty
cell less than half as wide as its row's cells are (the median), joined to its neighbour across its
edge fewer cells share (the stray line crosses a few rows, the ruling line all of them).

`split_merged_cells` applies all three.
"""

from __future__ import annotations

import re
from typing import Protocol, TypeVar

from xxgk.document import BBox
from xxgk.inference.layout.grid import Grid, GridBox

_VALUE = re.compile(r"^[+\-]?[\d,.]*$")


class _Text(Protocol):
    @property
    def box(self) -> BBox: ...

    @property
    def text(self) -> str: ...


T = TypeVar("T", bound=_Text)


def split_merged_cells(grid: Grid, texts: dict[int, list[T]]) -> tuple[Grid, dict[int, list[T]]]:
    """`join_slivers`, `split_crowded_cells`, then `split_stacked_labels`: the grid with its cells
    mended, and `texts` (the recognised pieces per cell index) re-indexed to them."""
    return split_stacked_labels(*split_crowded_cells(*join_slivers(grid, texts)))


def _rebuilt(grid: Grid, texts: dict[int, list[T]], cells: list[tuple[GridBox, list[T]]]
             ) -> tuple[Grid, dict[int, list[T]]]:
    """The grid of `cells` in row-major order with their pieces by index; the grid itself if no cell
    was added or removed."""
    if len(cells) == len(grid.cells):
        return grid, texts
    cells = sorted(cells, key=lambda c: (c[0].row, c[0].col))
    pieces = {i: found for i, (_, found) in enumerate(cells) if found}
    return Grid(grid.xs, grid.ys, tuple(c for c, _ in cells)), pieces


def split_stacked_labels(grid: Grid, texts: dict[int, list[T]]) -> tuple[Grid, dict[int, list[T]]]:
    """The grid with every merged label cell split into one cell per row of values beside it, and
    the texts (recognised pieces per cell index) re-indexed to the new cells; unchanged where
    nothing splits."""
    cells: list[tuple[GridBox, list[T]]] = []
    for idx, cell in enumerate(grid.cells):
        bands = _values_beside(grid, cell, texts)
        lines = _lines_by_band(bands, texts.get(idx, [])) if bands else None
        if bands is None or lines is None:
            cells.append((cell, texts.get(idx, [])))
            continue
        for i, band in enumerate(bands):
            box = (cell.bbox[0], band.bbox[1], cell.bbox[2], band.bbox[3])
            cells.append((GridBox(band.row, cell.col, band.row_span, cell.col_span, box), lines.get(i, [])))
    return _rebuilt(grid, texts, cells)


def _values_beside(grid: Grid, cell: GridBox, texts: dict[int, list[T]]) -> list[GridBox] | None:
    """The cells right beside a label cell spanning several rows, top to bottom, if there are two or
    more, each within the cell's rows and holding a number or nothing, and some a number (empty cells
    alone, beside a header, say nothing); else None."""
    col = cell.col + cell.col_span
    if cell.row_span < 2 or col >= grid.n_cols:
        return None
    beside: dict[int, GridBox] = {}
    numbers = 0
    for r in range(cell.row, cell.row + cell.row_span):
        right = grid.cell_at((grid.xs[col] + grid.xs[col + 1]) / 2, (grid.ys[r] + grid.ys[r + 1]) / 2)
        if right is None:
            return None
        box = grid.cells[right]
        if box.row < cell.row or box.row + box.row_span > cell.row + cell.row_span:
            return None
        text = "".join(p.text for p in texts.get(right, [])).replace(" ", "")
        if not _VALUE.match(text):
            return None
        beside[right] = box
        numbers += bool(text)
    return list(beside.values()) if len(beside) >= 2 and numbers else None


def _lines_by_band(bands: list[GridBox], pieces: list[T]) -> dict[int, list[T]] | None:
    """The cell's text pieces by the band (row of values) holding each, if its text falls in two
    bands or more and no line crosses from one band into the next; else None."""
    out: dict[int, list[T]] = {}
    for p in pieces:
        top, bottom = p.box[1], p.box[3]
        band = next((i for i, b in enumerate(bands) if b.bbox[1] <= (top + bottom) / 2 < b.bbox[3]), None)
        if not p.text.strip():  # unread ink goes with the line it sits on, keeping its doubt
            if band is not None:
                out.setdefault(band, []).append(p)
            continue
        if band is None or top < bands[band].bbox[1] - 2 or bottom > bands[band].bbox[3] + 2:
            return None
        out.setdefault(band, []).append(p)
    return out if sum(any(p.text.strip() for p in ps) for ps in out.values()) >= 2 else None


def join_slivers(grid: Grid, texts: dict[int, list[T]]) -> tuple[Grid, dict[int, list[T]]]:
    """The grid with every empty sliver a stray line cut off a cell joined back to it, and the texts
    re-indexed; unchanged where there is none."""
    shared = [0] * (grid.n_cols + 1)
    for c in grid.cells:
        shared[c.col] += 1
        shared[c.col + c.col_span] += 1
    cells = list(grid.cells)
    pieces = {id(c): texts.get(i, []) for i, c in enumerate(cells)}
    for sliver in list(cells):
        if sliver not in cells or any(p.text.strip() for p in pieces[id(sliver)]) or sliver.row_span != 1:
            continue
        row = sorted((c for c in cells if c.row == sliver.row and c.row_span == 1), key=lambda c: c.col)
        widths = sorted(c.bbox[2] - c.bbox[0] for c in row)
        if len(row) < 3 or sliver.bbox[2] - sliver.bbox[0] >= 0.5 * widths[len(widths) // 2]:
            continue
        at = row.index(sliver)
        left, right = sliver.col, sliver.col + sliver.col_span
        side = at - 1 if shared[left] < shared[right] else at + 1
        if not 0 <= side < len(row):
            continue
        other = row[side]
        a, b = (other, sliver) if side < at else (sliver, other)
        union = GridBox(a.row, a.col, 1, a.col_span + b.col_span, (a.bbox[0], min(a.bbox[1], b.bbox[1]),
                                                                     b.bbox[2], max(a.bbox[3], b.bbox[3])))
        cells[cells.index(other)] = union
        pieces[id(union)] = pieces[id(other)] + pieces[id(sliver)]
        cells.remove(sliver)
    return _rebuilt(grid, texts, [(c, pieces[id(c)]) for c in cells])


def split_crowded_cells(grid: Grid, texts: dict[int, list[T]]) -> tuple[Grid, dict[int, list[T]]]:
    """The grid with every cell that holds rows of labels and numbers cut into rows and columns,
    and the texts re-indexed; unchanged where nothing is cut."""
    cells: list[tuple[GridBox, list[T]]] = []
    for idx, cell in enumerate(grid.cells):
        rows = _crowded_rows(grid, cell, texts.get(idx, []))
        cells.extend(rows if rows is not None else [(cell, texts.get(idx, []))])
    return _rebuilt(grid, texts, cells)


def _is_number(p: _Text) -> bool:
    return bool(p.text.strip()) and _VALUE.match(p.text.replace(" ", "")) is not None


def _crowded_rows(grid: Grid, cell: GridBox, pieces: list[T]) -> list[tuple[GridBox, list[T]]] | None:
    """The cells a crowded cell is cut into, or None if it is no crowded cell (or cannot be cut).
    Every line's numbers start at one column, the first any line's numbers reach; its labels stand
    left of it."""
    if cell.col_span < 2 or cell.row_span < 2 or sum(map(_is_number, pieces)) < 2:
        return None
    placed: list[tuple[int, float, float, list[tuple[int, T]]]] = []
    for line in _lines([p for p in pieces if p.text.strip()]):
        top, bottom = min(p.box[1] for p in line), max(p.box[3] for p in line)
        row = _base_index(grid.ys, (top + bottom) / 2, cell.row, cell.row + cell.row_span)
        columns = [_base_index(grid.xs, (p.box[0] + p.box[2]) / 2, cell.col, cell.col + cell.col_span) for p in line]
        if row is None or any(row == r for r, *_ in placed) or None in columns:
            return None
        placed.append((row, top, bottom, [(c, p) for c, p in zip(columns, line, strict=True) if c is not None]))
    starts = [next((c for c, p in line if _is_number(p)), None) for *_, line in placed]
    if len(placed) < 2 or None in starts:
        return None
    first = min(c for c in starts if c is not None)
    out: list[tuple[GridBox, list[T]]] = []
    for row, top, bottom, line in placed:
        values = [(c, p) for c, p in line if c >= first]
        if len({c for c, _ in values}) < len(values) or not all(_is_number(p) for _, p in values):
            return None
        if first > cell.col:
            box = (grid.xs[cell.col], top, grid.xs[first], bottom)
            out.append((GridBox(row, cell.col, 1, first - cell.col, box), [p for c, p in line if c < first]))
        at = dict(values)
        for c in range(first, cell.col + cell.col_span):
            found = at.get(c)
            out.append((GridBox(row, c, 1, 1, (grid.xs[c], top, grid.xs[c + 1], bottom)), [found] if found else []))
    return out


def _lines(pieces: list[T]) -> list[list[T]]:
    """Pieces grouped into text lines (vertical centres within half a line's height), left to right."""
    lines: list[list[T]] = []
    for p in sorted(pieces, key=lambda p: (p.box[1] + p.box[3]) / 2):
        centre, height = (p.box[1] + p.box[3]) / 2, p.box[3] - p.box[1]
        if lines and abs(centre - sum((q.box[1] + q.box[3]) / 2 for q in lines[-1]) / len(lines[-1])) <= height / 2:
            lines[-1].append(p)
        else:
            lines.append([p])
    return [sorted(line, key=lambda p: p.box[0]) for line in lines]


def _base_index(bounds: tuple[float, ...], at: float, lo: int, hi: int) -> int | None:
    """The base row (or column) in [lo, hi) whose bounds hold `at`."""
    return next((i for i in range(lo, hi) if bounds[i] <= at < bounds[i + 1]), None)
