"""The grid builder on synthetic ruling lines: merged cells, several tables, imperfect lines."""

from __future__ import annotations

import pytest

from xxgk.inference.layout.grid import Grid, GridOptions, Line, build_grids, rect_lines

XS = [100.0, 300.0, 400.0, 500.0]
YS = [100.0, 150.0, 200.0, 250.0]


def ruled(xs: list[float], ys: list[float], *, no_v: set[tuple[int, int]] = frozenset(),
          no_h: set[tuple[int, int]] = frozenset(), shrink: float = 0.0, grow: float = 0.0) -> list[Line]:
    """One line per base-cell edge, as Word draws tables. `no_v` holds (row, boundary) pairs whose
    vertical edge is missing, `no_h` (boundary, col) pairs; `shrink`/`grow` shorten or lengthen
    every piece at both ends."""
    lines = []
    for j, x in enumerate(xs):
        for i in range(len(ys) - 1):
            if (i, j) not in no_v:
                lines.append(Line(x, ys[i] + shrink - grow, x, ys[i + 1] - shrink + grow))
    for i, y in enumerate(ys):
        for j in range(len(xs) - 1):
            if (i, j) not in no_h:
                lines.append(Line(xs[j] + shrink - grow, y, xs[j + 1] - shrink + grow, y))
    return lines


def spans(grid: Grid) -> list[tuple[int, int, int, int]]:
    return [(c.row, c.col, c.row_span, c.col_span) for c in grid.cells]


def test_grid_full_table_gives_base_cells_in_row_major_order():
    (grid,) = build_grids(ruled(XS, YS))
    assert (grid.n_rows, grid.n_cols) == (3, 3)
    assert grid.xs == tuple(XS) and grid.ys == tuple(YS)
    assert spans(grid) == [(r, c, 1, 1) for r in range(3) for c in range(3)]
    assert grid.cells[4].bbox == (300.0, 150.0, 400.0, 200.0)
    assert grid.bbox == (100.0, 100.0, 500.0, 250.0)


def test_grid_missing_rules_merge_cells():
    # header cell over columns 1-2 (no vertical at boundary 2 in row 0);
    # row group cell down rows 1-2 of column 0 (no horizontal at boundary 2 in column 0)
    (grid,) = build_grids(ruled(XS, YS, no_v={(0, 2)}, no_h={(2, 0)}))
    assert spans(grid) == [(0, 0, 1, 1), (0, 1, 1, 2), (1, 0, 2, 1), (1, 1, 1, 1), (1, 2, 1, 1),
                           (2, 1, 1, 1), (2, 2, 1, 1)]
    merged = grid.cells[1]
    assert merged.bbox == (300.0, 100.0, 500.0, 150.0)


def test_grid_l_shaped_gap_widens_to_a_rectangle():
    # rules missing so that (0,0),(0,1),(1,0) connect: the cell must cover (1,1) as well
    (grid,) = build_grids(ruled(XS, YS, no_v={(0, 1), (1, 1)}, no_h={(1, 0)}))
    assert spans(grid)[0] == (0, 0, 2, 2)
    covered = sorted((r, c) for b in grid.cells for r in range(b.row, b.row + b.row_span)
                     for c in range(b.col, b.col + b.col_span))
    assert covered == [(r, c) for r in range(3) for c in range(3)]


def test_grid_two_stacked_tables_are_two_grids_top_first():
    lower = ruled([100, 250, 500], [400, 450, 500])
    upper = ruled(XS, YS)
    grids = build_grids(lower + upper)
    assert [g.bbox for g in grids] == [(100, 100, 500, 250), (100, 400, 500, 500)]
    assert [(g.n_rows, g.n_cols) for g in grids] == [(3, 3), (2, 2)]


def test_grid_side_by_side_tables_are_separate():
    grids = build_grids(ruled([100, 200, 300], YS) + ruled([400, 500, 600], YS))
    assert [g.bbox[0] for g in grids] == [100, 400]


@pytest.mark.parametrize("shrink, grow", [(3.0, 0.0), (0.0, 5.0), (5.0, 0.0)])
def test_grid_tolerates_gaps_and_overshoots(shrink, grow):
    (grid,) = build_grids(ruled(XS, YS, no_v={(0, 2)}, shrink=shrink, grow=grow))
    assert (grid.n_rows, grid.n_cols) == (3, 3)
    assert spans(grid)[1] == (0, 1, 1, 2)
    assert all(abs(a - b) <= grow + 0.01 for a, b in zip(grid.xs, XS, strict=True))


def test_grid_double_and_duplicate_lines_are_one_rule():
    base = ruled(XS, YS, no_h={(1, 1)})
    doubled = [Line(ln.x0 + 2.5, ln.y0 + 2.5, ln.x1 + 2.5, ln.y1 + 2.5) for ln in base]
    (grid,) = build_grids(base + doubled + base)
    assert (grid.n_rows, grid.n_cols) == (3, 3)
    assert (0, 1, 2, 1) in spans(grid)


def test_grid_thin_filled_rectangles_are_lines():
    lines = [ln for edge in ruled(XS, YS, no_v={(2, 1)})
             for ln in rect_lines(edge.x0 - 0.8, edge.y0 - 0.8, edge.x1 + 0.8, edge.y1 + 0.8, stroked=False)]
    (grid,) = build_grids(lines)
    assert (grid.n_rows, grid.n_cols) == (3, 3)
    assert (2, 0, 1, 2) in spans(grid)


def test_grid_stroked_cell_rectangles_give_their_edges():
    cells = [(100, 100, 300, 150), (300, 100, 500, 150), (100, 150, 500, 200)]
    lines = [ln for box in cells for ln in rect_lines(*box, stroked=True)]
    (grid,) = build_grids(lines)
    assert spans(grid) == [(0, 0, 1, 1), (0, 1, 1, 1), (1, 0, 1, 2)]


def test_rect_lines_ignores_shading():
    assert rect_lines(0, 0, 200, 50, stroked=False) == []
    assert rect_lines(0, 0, 200, 1.5, stroked=False) == [Line(0, 0.75, 200, 0.75)]


def test_grid_without_side_borders_takes_columns_from_rule_ends():
    lines = [ln for ln in ruled(XS, YS) if not (ln.x0 == ln.x1 and ln.x0 in (XS[0], XS[-1]))]
    (grid,) = build_grids(lines)
    assert grid.xs == tuple(XS) and grid.n_rows == 3


def test_grid_ignores_lone_rules_boxes_and_diagonals():
    lines = [Line(0, 10, 500, 10),  # underline
             *rect_lines(100, 600, 400, 700, stroked=True),  # a framed paragraph: one cell
             Line(0, 0, 300, 300)]
    assert build_grids(lines) == []


def test_grid_cell_at_finds_merged_cells():
    (grid,) = build_grids(ruled(XS, YS, no_v={(0, 2)}))
    assert grid.cells[grid.cell_at(450, 120)].col_span == 2
    assert grid.cell_at(450, 120) == grid.cell_at(350, 120)
    assert grid.cell_at(50, 120) is None


def test_grid_options_snap_controls_double_line_merging():
    base = ruled(XS, YS)
    far = [Line(ln.x0 + 12, ln.y0, ln.x1 + 12, ln.y1) for ln in base if ln.x0 == ln.x1 == XS[1]]
    assert build_grids(base + far)[0].n_cols == 4
    assert build_grids(base + far, GridOptions(snap=15.0))[0].n_cols == 3


def test_grid_row_cut_by_the_page_end_keeps_the_columns_above():
    """A table cut by the page's end: below its last rule only the borders and the first column's
    rule run on, and that rule is too faint there to be found. The empty cut-off row takes the
    columns of the row above; the merged first column does not swallow the table."""
    ys = [100.0, 150.0, 200.0, 250.0]
    lines = ruled(XS, ys, no_h={(1, 0), (2, 0), (3, 0)})  # the first column: one cell, on past the page
    lines += [Line(XS[0], 250.0, XS[0], 300.0), Line(XS[-1], 250.0, XS[-1], 300.0)]  # borders run on
    (grid,) = build_grids(lines)
    assert grid.n_rows == 4 and grid.ys[-1] == 300.0
    assert (0, 0, 4, 1) in spans(grid)  # the merged first column, down into the cut row
    assert all((r, c, 1, 1) in spans(grid) for r in range(3) for c in (1, 2))  # the values' cells stay
