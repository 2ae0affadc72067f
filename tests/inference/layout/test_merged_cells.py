"""Cells a grid merged where ruling lines were lost, split back; row groups and headers left whole."""

from dataclasses import dataclass

from xxgk.document import BBox
from xxgk.inference.layout.grid import Grid, GridBox
from xxgk.inference.layout.merged_cells import (
    join_slivers,
    split_crowded_cells,
    split_merged_cells,
    split_stacked_labels,
)

XS = (0.0, 100.0, 200.0, 300.0)
YS = (0.0, 50.0, 100.0)


@dataclass(frozen=True)
class Text:
    text: str
    box: BBox


def _grid(label_col_cells: list[GridBox]) -> Grid:
    values = [GridBox(r, c, 1, 1, (XS[c], YS[r], XS[c + 1], YS[r + 1])) for r in range(2) for c in (1, 2)]
    return Grid(XS, YS, tuple(sorted([*label_col_cells, *values], key=lambda b: (b.row, b.col))))


def _texts(grid: Grid, by_box: dict[tuple[int, int], list[Text]]) -> dict[int, list[Text]]:
    return {i: by_box[(b.row, b.col)] for i, b in enumerate(grid.cells) if (b.row, b.col) in by_box}


def test_a_label_cell_over_two_rows_of_values_is_split_by_its_lines():
    grid = _grid([GridBox(0, 0, 2, 1, (0.0, 0.0, 100.0, 100.0))])
    texts = _texts(grid, {(0, 0): [Text("3.其他", (10, 10, 90, 40)), Text("（七）总计", (10, 60, 90, 90))],
                          (0, 1): [Text("0", (140, 10, 160, 40))], (1, 1): [Text("12", (140, 60, 160, 90))]})
    split, pieces = split_stacked_labels(grid, texts)
    labels = [(b.row, b.row_span, [t.text for t in pieces.get(i, [])]) for i, b in enumerate(split.cells) if b.col == 0]
    assert labels == [(0, 1, ["3.其他"]), (1, 1, ["（七）总计"])]
    assert len(split.cells) == len(grid.cells) + 1


def test_a_row_group_or_a_label_over_a_line_boundary_stays_whole():
    grid = _grid([GridBox(0, 0, 2, 1, (0.0, 0.0, 100.0, 100.0))])
    beside_labels = _texts(grid, {(0, 0): [Text("不予", (10, 10, 90, 40)), Text("公开", (10, 60, 90, 90))],
                                  (0, 1): [Text("1.属于国家秘密", (110, 10, 190, 40))],
                                  (1, 1): [Text("2.其他", (110, 60, 190, 90))]})
    assert split_stacked_labels(grid, beside_labels)[0] is grid
    centred = _texts(grid, {(0, 0): [Text("（七）总计", (10, 35, 90, 65))], (0, 1): [Text("3", (140, 10, 160, 40))]})
    assert split_stacked_labels(grid, centred)[0] is grid
    blank = _texts(grid, {(0, 0): [Text("其他", (10, 10, 90, 40)), Text("结果", (10, 60, 90, 90))]})
    assert split_stacked_labels(grid, blank)[0] is grid  # empty cells beside a stacked header


def test_a_cell_holding_whole_rows_is_cut_into_rows_at_the_grids_columns():
    """The inner lines of a copied table's top rows lost: labels and numbers in one wide cell."""
    grid = Grid(XS, YS, (GridBox(0, 0, 2, 3, (0.0, 0.0, 300.0, 100.0)),))
    texts = {0: [Text("3.其他", (10, 10, 90, 40)), Text("0", (140, 12, 160, 40)), Text("7", (240, 12, 260, 40)),
                 Text("（七）总计", (10, 60, 90, 90)), Text("5", (240, 60, 260, 90))]}
    split, pieces = split_merged_cells(grid, texts)
    rows = [[(b.col, "".join(t.text for t in pieces.get(i, []))) for i, b in enumerate(split.cells) if b.row == r]
            for r in range(2)]
    assert rows == [[(0, "3.其他"), (1, "0"), (2, "7")], [(0, "（七）总计"), (1, ""), (2, "5")]]


def test_a_wide_cell_of_one_line_or_of_text_alone_is_not_cut():
    grid = Grid(XS, YS, (GridBox(0, 0, 2, 3, (0.0, 0.0, 300.0, 100.0)),))
    one_line = {0: [Text("合计", (10, 10, 90, 40)), Text("3", (140, 12, 160, 40)), Text("4", (240, 12, 260, 40))]}
    assert split_crowded_cells(grid, one_line)[0] is grid
    header = {0: [Text("申请人情况", (10, 10, 290, 40)), Text("（本列数据的勾稽关系）", (10, 60, 290, 90))]}
    assert split_crowded_cells(grid, header)[0] is grid


def test_an_empty_sliver_a_stray_line_cut_off_a_cell_is_joined_back():
    """A seal's ring drawn across one row: its cells at 200-215 and 215-300 are one cell."""
    xs = (0.0, 100.0, 200.0, 215.0, 300.0, 400.0)
    ys = (0.0, 50.0, 100.0)
    full = [GridBox(0, 0, 1, 1, (0, 0, 100, 50)), GridBox(0, 1, 1, 1, (100, 0, 200, 50)),
            GridBox(0, 2, 1, 2, (200, 0, 300, 50)), GridBox(0, 4, 1, 1, (300, 0, 400, 50))]
    cut = [GridBox(1, 0, 1, 1, (0, 50, 100, 100)), GridBox(1, 1, 1, 1, (100, 50, 200, 100)),
           GridBox(1, 2, 1, 1, (200, 50, 215, 100)), GridBox(1, 3, 1, 1, (215, 50, 300, 100)),
           GridBox(1, 4, 1, 1, (300, 50, 400, 100))]
    grid = Grid(xs, ys, tuple(full + cut))
    texts = {4: [Text("合计", (10, 60, 90, 90))], 5: [Text("5", (140, 60, 160, 90))], 6: [Text("", (202, 60, 212, 90))],
             7: [Text("7", (250, 60, 270, 90))], 8: [Text("9", (340, 60, 360, 90))]}
    joined, pieces = join_slivers(grid, texts)
    row = [(b.bbox[0], b.bbox[2], "".join(t.text for t in pieces.get(i, []))) for i, b in enumerate(joined.cells)
           if b.row == 1]
    assert row == [(0, 100, "合计"), (100, 200, "5"), (200, 300, "7"), (300, 400, "9")]
    texts[6] = [Text("0", (202, 60, 212, 90))]  # a sliver holding a number is a cell
    assert join_slivers(grid, texts)[0] is grid
