"""Ruling lines found on page images become the same grids as a PDF's vector rules."""

from __future__ import annotations

import cv2
import numpy as np

from inference.layout.rules import binarize, erase, find_grids, find_rules

XS = [150, 550, 750, 950, 1150]
YS = [300, 360, 420, 480, 540]


def _page(*, gap_every: int = 0, merged: bool = True, paper: int = 235, ink: int = 40) -> np.ndarray:
    """A 4 x 4 ruled table; the top-right cells of the first row merged (no rule between them)."""
    img = np.full((1000, 1300), paper, np.uint8)
    for y in YS:
        cv2.line(img, (XS[0], y), (XS[-1], y), ink, 2)
    for j, x in enumerate(XS):
        top = YS[1] if merged and j == 3 else YS[0]
        cv2.line(img, (x, top), (x, YS[-1]), ink, 2)
    if gap_every:
        for x in range(XS[0] + 10, XS[-1], gap_every):  # a worn copy: the rules break every so often
            img[YS[2] - 3:YS[2] + 4, x:x + 6] = paper
    cv2.putText(img, "12", (600, 460), cv2.FONT_HERSHEY_SIMPLEX, 1.0, ink, 2)
    return img


def _grid_of(img: np.ndarray):
    lines, mask = find_rules(binarize(img))
    grids = find_grids(lines, img.shape[1])
    assert len(grids) == 1
    return grids[0], mask


def test_rules_ruled_table_with_a_merged_cell():
    grid, _ = _grid_of(_page())
    assert grid.n_rows == 4 and grid.n_cols == 4
    assert abs(grid.xs[0] - XS[0]) <= 3 and abs(grid.ys[-1] - YS[-1]) <= 3
    merged = [c for c in grid.cells if c.col_span > 1]
    assert [(c.row, c.col, c.col_span) for c in merged] == [(0, 2, 2)]
    assert len(grid.cells) == 15


def test_rules_worn_rules_still_separate_rows():
    grid, _ = _grid_of(_page(gap_every=90))
    assert grid.n_rows == 4 and all(c.row_span == 1 for c in grid.cells)


def test_rules_on_grey_paper_with_uneven_light():
    img = _page(paper=200, ink=90).astype(np.float32)
    img *= np.linspace(0.75, 1.0, img.shape[1])[None, :]
    grid, _ = _grid_of(img.astype(np.uint8))
    assert grid.n_rows == 4 and grid.n_cols == 4


def test_rules_erased_but_text_kept():
    img = _page()
    _, mask = _grid_of(img)
    clean = erase(img, mask)
    assert clean[YS[1], 300] > 200 and clean[400, XS[1]] > 200  # rules gone
    assert (clean[435:462, 600:640] < 100).any()  # the text stays


def test_rules_text_alone_makes_no_table():
    img = np.full((800, 1200), 240, np.uint8)
    for k in range(12):
        cv2.putText(img, "一二三 工 十 王 HHHH IIII", (60, 60 + 55 * k), cv2.FONT_HERSHEY_SIMPLEX, 1.3, 30, 3)
    lines, _ = find_rules(binarize(img))
    assert find_grids(lines, img.shape[1]) == []
