"""Table grids from ruling lines, whatever drew them: a PDF's vector graphics or lines found on a scan.

Report tables are ruled, and the rules are the only reliable evidence of which text sits in which
cell: a missing rule between two base cells is how a merged cell (`三、本年度办理结果` over 20 rows,
`法人或其他组织` over 5 columns) shows on the page. The builder therefore works from rules alone:

1. lines are split into horizontal and vertical ones, collinear pieces are merged (cell borders
   drawn one cell at a time, dashed or double lines, small gaps), thin rectangles count as lines;
2. lines that cross or nearly meet form one table (connected components), so several tables on a
   page give several grids;
3. the distinct positions of a table's vertical and horizontal lines are its column and row
   boundaries (a table without side borders takes them from the rules' ends);
4. two adjacent base cells merge when the rule between them is missing, and merged areas are
   widened to rectangles, so the cells always partition the grid.

Coordinates are plain floats (pixels at `RENDER_DPI`, origin top-left) so that PDF and OpenCV
inputs share this module; it knows nothing of either.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from xxgk.document import BBox


@dataclass(frozen=True)
class Line:
    """A ruling line from (x0, y0) to (x1, y1); nearly horizontal or vertical, else ignored."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class GridOptions:
    """Tolerances in pixels at 200 dpi (1 pt is about 2.8 px); rows and columns are far wider."""

    snap: float = 8.0
    """Positions closer than this are one boundary: double lines, jitter, slightly slanted lines."""
    join: float = 8.0
    """Lines whose ends miss each other (or a collinear piece) by less than this still meet."""
    max_thickness: float = 6.0
    """A rectangle thinner than this in one direction is a line; a line this far off axis is not."""
    min_extent: float = 15.0
    """Rules reaching this far past the outermost crossing line bound an unbordered column or row."""
    min_coverage: float = 0.5
    """Share of a base cell's edge a line must cover to separate it from its neighbour."""


@dataclass(frozen=True)
class GridBox:
    """One cell of a grid: its top-left base cell, its spans and its box."""

    row: int
    col: int
    row_span: int
    col_span: int
    bbox: BBox


@dataclass(frozen=True)
class Grid:
    """One ruled table: base column and row boundaries, and cells in row-major order."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    cells: tuple[GridBox, ...]

    @property
    def bbox(self) -> BBox:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    @cached_property
    def _owner(self) -> dict[tuple[int, int], int]:
        return {(r, c): i for i, box in enumerate(self.cells)
                for r in range(box.row, box.row + box.row_span)
                for c in range(box.col, box.col + box.col_span)}

    def cell_at(self, x: float, y: float) -> int | None:
        """Index in `cells` of the cell containing the point, None outside the grid."""
        if not (self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]):
            return None
        col = min(max(bisect.bisect_right(self.xs, x) - 1, 0), self.n_cols - 1)
        row = min(max(bisect.bisect_right(self.ys, y) - 1, 0), self.n_rows - 1)
        return self._owner.get((row, col))


@dataclass
class _Rule:
    """A merged axis-aligned line: `pos` across the axis, from `a` to `b` along it."""

    pos: float
    a: float
    b: float
    pieces: list[tuple[float, float]]


def rect_lines(x0: float, y0: float, x1: float, y1: float, *, stroked: bool,
               options: GridOptions | None = None) -> list[Line]:
    """The ruling lines a rectangle stands for: its centre line when thin, its edges when stroked.

    Thin filled rectangles are how many generators draw rules; a stroked rectangle is a bordered
    cell or table. A filled, unstroked box is shading, which draws no rule.
    """
    opt = options or GridOptions()
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    if y1 - y0 <= opt.max_thickness and x1 - x0 > y1 - y0:
        mid = (y0 + y1) / 2
        return [Line(x0, mid, x1, mid)]
    if x1 - x0 <= opt.max_thickness and y1 - y0 > x1 - x0:
        mid = (x0 + x1) / 2
        return [Line(mid, y0, mid, y1)]
    if not stroked:
        return []
    return [Line(x0, y0, x1, y0), Line(x0, y1, x1, y1), Line(x0, y0, x0, y1), Line(x1, y0, x1, y1)]


def _split(lines: Iterable[Line], opt: GridOptions) -> tuple[list[tuple[float, float, float]], ...]:
    """(pos, a, b) pieces of the horizontal and the vertical lines; diagonals and dots are dropped."""
    horizontal, vertical = [], []
    for ln in lines:
        dx, dy = abs(ln.x1 - ln.x0), abs(ln.y1 - ln.y0)
        if dx >= dy and dy <= opt.max_thickness and dx > 0:
            horizontal.append(((ln.y0 + ln.y1) / 2, min(ln.x0, ln.x1), max(ln.x0, ln.x1)))
        elif dy > dx and dx <= opt.max_thickness:
            vertical.append(((ln.x0 + ln.x1) / 2, min(ln.y0, ln.y1), max(ln.y0, ln.y1)))
    return horizontal, vertical


def _merge(pieces: list[tuple[float, float, float]], opt: GridOptions) -> list[_Rule]:
    """Collinear pieces as rules: positions within `snap` are one, gaps up to `join` are closed."""
    pieces = sorted(pieces)
    clusters: list[list[tuple[float, float, float]]] = []
    for piece in pieces:
        if clusters and piece[0] - clusters[-1][-1][0] <= opt.snap:
            clusters[-1].append(piece)
        else:
            clusters.append([piece])
    rules: list[_Rule] = []
    for cluster in clusters:
        pos = sorted(p for p, _, _ in cluster)[len(cluster) // 2]
        current: _Rule | None = None
        for _, a, b in sorted(cluster, key=lambda p: p[1]):
            if current is not None and a <= current.b + opt.join:
                current.b = max(current.b, b)
                current.pieces.append((a, b))
            else:
                current = _Rule(pos, a, b, [(a, b)])
                rules.append(current)
    return [r for r in rules if r.b - r.a >= opt.snap]


def _meets(h: _Rule, v: _Rule, join: float) -> bool:
    return h.a - join <= v.pos <= h.b + join and v.a - join <= h.pos <= v.b + join


class _Union:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return False
        self.parent[max(ri, rj)] = min(ri, rj)
        return True


def _boundaries(cross: list[_Rule], along: list[_Rule], opt: GridOptions) -> list[float]:
    """Boundaries from the crossing rules' positions, widened to where the other rules end."""
    bounds = sorted({r.pos for r in cross})
    start, end = min(r.a for r in along), max(r.b for r in along)
    if start < bounds[0] - opt.min_extent:
        bounds.insert(0, start)
    if end > bounds[-1] + opt.min_extent:
        bounds.append(end)
    return bounds


def _coverage(rules: list[_Rule], lo: float, hi: float) -> float:
    """Share of [lo, hi] covered by the rules' pieces."""
    spans = sorted((max(a, lo), min(b, hi)) for r in rules for a, b in r.pieces if b > lo and a < hi)
    covered, reach = 0.0, lo
    for a, b in spans:
        if b > reach:
            covered += b - max(a, reach)
            reach = b
    return covered / (hi - lo) if hi > lo else 0.0


def _at(rules: list[_Rule], pos: float, snap: float) -> list[_Rule]:
    return [r for r in rules if abs(r.pos - pos) <= snap]


def _grid(hs: list[_Rule], vs: list[_Rule], opt: GridOptions) -> Grid | None:
    xs = _boundaries(vs, hs, opt)
    ys = _boundaries(hs, vs, opt)
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    if n_rows < 1 or n_cols < 1:
        return None
    cells = _Union(n_rows * n_cols)
    # a last row with no rule under it, only the ends of longer rules (a table cut by the page's end):
    # its columns are those of the row above, so a rule too faint there cannot join it to a cell above
    open_bottom = n_rows > 1 and not _coverage(_at(hs, ys[-1], opt.snap), xs[0], xs[-1])
    for j in range(1, n_cols):
        at = _at(vs, xs[j], opt.snap)
        for i in range(n_rows):
            covered = _coverage(at, ys[i], ys[i + 1])
            if open_bottom and i == n_rows - 1:
                covered = max(covered, _coverage(at, ys[i - 1], ys[i]))
            if covered < opt.min_coverage:
                cells.union(i * n_cols + j - 1, i * n_cols + j)
    for i in range(1, n_rows):
        at = _at(hs, ys[i], opt.snap)
        for j in range(n_cols):
            if _coverage(at, xs[j], xs[j + 1]) < opt.min_coverage:
                cells.union((i - 1) * n_cols + j, i * n_cols + j)
    boxes = [b for b in _rectangles(cells, n_rows, n_cols) if _closed(b, hs, vs, xs, ys, opt)]
    if len(boxes) < 2:
        return None
    return Grid(tuple(xs), tuple(ys), tuple(
        GridBox(r0, c0, r1 - r0 + 1, c1 - c0 + 1, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
        for r0, c0, r1, c1 in sorted(boxes)))


def _closed(box: tuple[int, int, int, int], hs: list[_Rule], vs: list[_Rule], xs: list[float],
            ys: list[float], opt: GridOptions) -> bool:
    """False for an area on the table's edge whose outer rule is missing where the rest of that
    border is drawn: a row printed short of its last cells (a ragged edge) has no cell there.
    Tables drawn without side borders keep their edge cells, since that border is missing everywhere."""
    r0, c0, r1, c1 = box
    edges = ((c1 + 1 == len(xs) - 1, vs, xs[-1], ys[r0], ys[r1 + 1], ys[0], ys[-1]),
             (c0 == 0, vs, xs[0], ys[r0], ys[r1 + 1], ys[0], ys[-1]),
             (r1 + 1 == len(ys) - 1, hs, ys[-1], xs[c0], xs[c1 + 1], xs[0], xs[-1]),
             (r0 == 0, hs, ys[0], xs[c0], xs[c1 + 1], xs[0], xs[-1]))
    for on_edge, rules, pos, lo, hi, full_lo, full_hi in edges:
        if not on_edge:
            continue
        at = _at(rules, pos, opt.snap)
        if _coverage(at, full_lo, full_hi) >= 0.5 and _coverage(at, lo, hi) < opt.min_coverage:
            return False
    return True


def _rectangles(cells: _Union, n_rows: int, n_cols: int) -> list[tuple[int, int, int, int]]:
    """Merged areas as (r0, c0, r1, c1), each widened to its bounding rectangle (an L-shaped area
    left by a missing rule absorbs what its rectangle overlaps), until the cells tile the grid."""
    while True:
        extent: dict[int, list[int]] = defaultdict(lambda: [n_rows, n_cols, -1, -1])
        for k in range(n_rows * n_cols):
            box = extent[cells.find(k)]
            r, c = divmod(k, n_cols)
            box[:] = [min(box[0], r), min(box[1], c), max(box[2], r), max(box[3], c)]
        changed = False
        for root, (r0, c0, r1, c1) in extent.items():
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    changed |= cells.union(root, r * n_cols + c)
        if not changed:
            return [tuple(box) for box in extent.values()]  # type: ignore[misc]


def build_grids(lines: Iterable[Line], options: GridOptions | None = None) -> list[Grid]:
    """Every ruled table the lines draw, top to bottom; tables need rules in both directions."""
    opt = options or GridOptions()
    horizontal, vertical = _split(lines, opt)
    hs, vs = _merge(horizontal, opt), _merge(vertical, opt)
    tables = _Union(len(hs) + len(vs))
    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if _meets(h, v, opt.join):
                tables.union(i, len(hs) + j)
    members: dict[int, tuple[list[_Rule], list[_Rule]]] = defaultdict(lambda: ([], []))
    for i, h in enumerate(hs):
        members[tables.find(i)][0].append(h)
    for j, v in enumerate(vs):
        members[tables.find(len(hs) + j)][1].append(v)
    grids = [g for h_rules, v_rules in members.values() if h_rules and v_rules
             if (g := _grid(h_rules, v_rules, opt)) is not None]
    return sorted(grids, key=lambda g: (g.bbox[1], g.bbox[0]))
