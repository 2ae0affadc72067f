"""Ruling lines found on page images become the same grids as a PDF's vector rules."""

from __future__ import annotations

import itertools

import cv2
import numpy as np

from xxgk.inference.layout.rules import binarize, erase, find_grids, find_rules
from xxgk.options import load_options

SCAN = load_options().scan

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
    lines, mask = find_rules(binarize(img), scan=SCAN)
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
    lines, _ = find_rules(binarize(img), scan=SCAN)
    assert find_grids(lines, img.shape[1]) == []


def _streaked(img: np.ndarray, xs: list[int], grey: int = 150, width: int = 3) -> np.ndarray:
    """Toner streaks: thin grey lines down the whole sheet, through margins, text and table."""
    out = img.copy()
    for x in xs:
        band = out[:, x:x + width]
        np.minimum(band, grey, out=band)
    return out


def _text_lines(img: np.ndarray, top: int, n: int) -> list[tuple[float, float, float, float]]:
    boxes = []
    for k in range(n):
        y = top + 45 * k
        cv2.putText(img, "HHHH HHHH HHHH HHHH HHHH", (100, y), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 40, 2)
        boxes.append((95.0, y - 28.0, 1200.0, y + 6.0))
    return boxes


def test_rules_toner_streaks_are_no_rules():
    img = _page()
    boxes = [*_text_lines(img, 620, 6), (95.0, 100.0, 900.0, 134.0)]
    cv2.putText(img, "HHHH HHHH HHHH", (100, 130), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 40, 2)
    img = _streaked(img, [340, 860, 1250])  # through the table, and one in the right margin
    lines, mask = find_rules(binarize(img), boxes, scan=SCAN)
    grids = find_grids(lines, img.shape[1])
    assert len(grids) == 1
    grid = grids[0]
    assert grid.n_rows == 4 and grid.n_cols == 4 and len(grid.cells) == 15
    assert abs(grid.xs[0] - XS[0]) <= 3 and abs(grid.xs[-1] - XS[-1]) <= 3
    clean = erase(img, mask)
    assert clean[700, 341] > 200 and clean[50, 861] > 200  # the streaks are erased with the rules


def test_rules_a_streak_fading_out_inside_the_table_is_no_rule():
    """A streak from the sheet's top through the title and prose that fades out inside the table:
    it overshoots the table at one end only, as a table's rule cut by a page break does, but there
    it runs through lines of text, which no rule does."""
    img = _page()
    boxes = []
    for y in (130, 190):
        cv2.putText(img, "HHHH HHHH HHHH HHHH", (100, y), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 40, 2)
        boxes.append((95.0, y - 28.0, 900.0, y + 6.0))
    img[:YS[2] + 10] = _streaked(img, [340])[:YS[2] + 10]
    lines, _ = find_rules(binarize(img), boxes, scan=SCAN)
    grids = find_grids(lines, img.shape[1])
    assert len(grids) == 1 and grids[0].n_cols == 4 and len(grids[0].cells) == 15


def test_rules_a_streak_ending_on_a_copier_edge_line_is_no_rule():
    """A streak from the sheet's top to the dark line a copier left across the sheet's foot: that
    line crosses it, so it seems to end on a rule, but it runs through the labels of the table."""
    img = _page()
    boxes = []
    for y1 in YS[1:]:
        cv2.putText(img, "HHHH HHHH", (200, y1 - 18), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 40, 2)
        boxes.append((195.0, y1 - 46.0, 380.0, y1 - 12.0))
    cv2.line(img, (5, 950), (1295, 950), 60, 3)
    img[:951] = _streaked(img, [300])[:951]
    lines, _ = find_rules(binarize(img), boxes, scan=SCAN)
    grids = find_grids(lines, img.shape[1])
    assert [(g.n_rows, g.n_cols) for g in grids if g.n_rows > 1] == [(4, 4)]


def test_rules_a_table_going_on_over_the_page_keeps_its_rules():
    """A table cut by the page's end has open rules at the bottom: they overshoot one end only."""
    img = np.full((1400, 1000), 240, np.uint8)
    ys = [100, 160, 220, 280]
    for y in ys:
        cv2.line(img, (100, y), (900, y), 40, 2)
    for x in (100, 400, 650, 900):
        cv2.line(img, (x, ys[0]), (x, 1300), 40, 2)
    lines, _ = find_rules(binarize(img), scan=SCAN)
    grids = find_grids(lines, img.shape[1])
    assert len(grids) == 1 and grids[0].n_cols == 3


def test_rules_a_streak_on_a_rule_leaves_the_rule():
    """A streak that happens to run down a column's rule: inside the table the line is still a rule
    (it cuts no text, and numbers stand on both sides of it in every row)."""
    img = _page()
    boxes = []
    for y0, y1 in itertools.pairwise(YS):
        for x0, x1 in itertools.pairwise(XS):
            cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
            cv2.putText(img, "7", (cx - 8, cy + 10), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 40, 2)
            boxes.append((cx - 12.0, cy - 14.0, cx + 12.0, cy + 14.0))
    img = _streaked(img, [XS[2] - 1])
    lines, _ = find_rules(binarize(img), boxes, scan=SCAN)
    grids = find_grids(lines, img.shape[1])
    assert len(grids) == 1 and grids[0].n_cols == 4 and grids[0].n_rows == 4
    assert grids[0].ys[0] > YS[0] - 5  # the streak's overshoot adds no row



def test_rules_speckle_clumped_into_short_runs_splits_no_cell():
    """A heavy fax's speckle: inside a cell, a band of specks dense enough that a vertical run of
    them (shorter than a row) passes for a rule; the paper beside a rule is clear, beside these it
    is not, so the cell stays one."""
    img = _page()
    rng = np.random.default_rng(3)
    band = img[YS[1] + 8:YS[2] - 8, 640:700]
    band[rng.random(band.shape) < 0.4] = 40
    img[YS[1] + 8:YS[2] - 8, 668:671] = 40  # the run the rule finder would take for a rule
    grid, _ = _grid_of(img)
    assert grid.n_cols == 4 and len(grid.cells) == 15
