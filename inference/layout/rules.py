"""Ruling lines of a scanned page, found with OpenCV morphology, as `Line`s for the grid builder.

The page (upright, deskewed, pixels at 200 dpi) is binarised with a local threshold (so uneven
light and grey paper do not matter), then opened with long thin kernels: only runs of ink longer
than a character survive, horizontal ones with a 1 x `min_h` kernel, vertical ones with `min_v` x 1.
A short closing first bridges the small gaps of a worn or dotted rule. Each surviving connected
component becomes one axis-parallel `Line` through its middle; the grid builder then merges
collinear pieces, joins near misses and finds the tables (`xxgk.inference.layout.grid.build_grids`).

Long strokes of large characters (a title's `一`) survive the opening too; those lying inside a
detected text line are dropped, and the rest rarely meet enough other rules to close a grid.

The rules found are also returned as a mask, so they can be erased from the image the recogniser
reads: a cell's border next to a `0` must not read as `01`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from xxgk.document import BBox
from xxgk.inference.layout.grid import Grid, GridOptions, Line, build_grids
from xxgk.inference.layout.streaks import Piece, find_streaks
from xxgk.options import ScanOptions

SCAN_GRID = GridOptions(snap=10.0, join=14.0, max_thickness=6.0, min_extent=15.0, min_coverage=0.5)
"""Grid tolerances for scans: rules are a few pixels off straight and worn rules have gaps."""


@dataclass(frozen=True)
class RuleOptions:
    block: int = 31
    """Local threshold window (pixels); wider than a stroke, narrower than a light gradient."""
    offset: int = 12
    """How much darker than its neighbourhood a pixel must be to count as ink."""
    min_h: int = 60
    """Shortest horizontal rule piece kept (pixels at 200 dpi, ~7.6 mm; a character is ~30 px)."""
    min_v: int = 36
    """Shortest vertical rule piece kept (a one-line row is ~50 px high)."""
    bridge: int = 5
    """Gaps this long along a rule are closed before the opening."""
    max_thickness: int = 14
    """A horizontal component thicker than this is a filled bar or a blot, not a rule."""


def binarize(gray: np.ndarray, opt: RuleOptions | None = None) -> np.ndarray:
    """Ink mask (255 = ink) by a local mean threshold."""
    opt = opt or RuleOptions()
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, opt.block,
                                 opt.offset)


def _inside(box: BBox, texts: Sequence[BBox], pad: float = 3.0) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 >= t[0] - pad and x1 <= t[2] + pad and y0 >= t[1] - pad and y1 <= t[3] + pad for t in texts)


def find_rules(ink: np.ndarray, text_boxes: Sequence[BBox] = (), opt: RuleOptions | None = None, *,
               scan: ScanOptions) -> tuple[list[Line], np.ndarray]:
    """Ruling lines of a page's ink mask, and the mask of their pixels (a line within `scan.rule_edge`
    of the image's edge is the scan's edge, not a rule).

    Streaks (`xxgk.inference.layout.streaks`) are left out of the lines but kept in the mask: they are no
    table's border, and erasing them with the rules keeps them from reading as `1`s and `|`s.
    Specks (`_speck`) are neither: noise left on the page, as it was before the rule finder saw it
    (erasing them lost a row of table 4 on a generated sealed copy)."""
    opt = opt or RuleOptions()
    pieces: list[Piece] = []
    rule_mask = np.zeros_like(ink)
    for horizontal in (True, False):
        along = opt.min_h if horizontal else opt.min_v
        bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (opt.bridge, 1) if horizontal else (1, opt.bridge))
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (along, 1) if horizontal else (1, along))
        mask = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, bridge)
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        keep = np.zeros(n, dtype=bool)
        for i in range(1, n):
            x, y, w, h, _area = stats[i]
            length, thick = (w, h) if horizontal else (h, w)
            if length < along or thick > opt.max_thickness + length * 0.02:
                continue
            box = (float(x), float(y), float(x + w), float(y + h))
            if _inside(box, text_boxes) or _speck(ink, box, horizontal, scan):
                continue
            keep[i] = True
            if horizontal:
                mid = y + h / 2
                line = Line(float(x), mid, float(x + w), mid)
            else:
                mid = x + w / 2
                line = Line(mid, float(y), mid, float(y + h))
            if not scan.rule_edge <= mid <= (ink.shape[0] if horizontal else ink.shape[1]) - scan.rule_edge:
                continue  # the image's own edge (what is left of a scanner's border): erased, no rule
            pieces.append(Piece(line, horizontal))
        rule_mask |= np.where(keep[labels], 255, 0).astype(np.uint8)
    streaks, under = find_streaks(pieces, text_boxes, ink, scan, SCAN_GRID.join)
    return [p.line for k, p in enumerate(pieces) if k not in streaks] + under, rule_mask


def _speck(ink: np.ndarray, box: tuple[float, float, float, float], horizontal: bool, scan: ScanOptions) -> bool:
    """A short piece with ink crowding both bands beside it (5-14 px off its middle): speckle or a
    character's stroke, not a rule (`ScanOptions.speck_ink`)."""
    x0, y0, x1, y1 = (int(v) for v in box)
    if (x1 - x0 if horizontal else y1 - y0) >= scan.speck_length:
        return False
    if horizontal:
        mid = (y0 + y1) // 2
        bands = (ink[max(0, mid - 14):max(0, mid - 5), x0:x1], ink[mid + 5:mid + 14, x0:x1])
    else:
        mid = (x0 + x1) // 2
        bands = (ink[y0:y1, max(0, mid - 14):max(0, mid - 5)], ink[y0:y1, mid + 5:mid + 14])
    shares = [float(np.count_nonzero(b)) / b.size for b in bands if b.size]
    return len(shares) == 2 and sum(shares) / 2 >= scan.speck_ink


def find_grids(lines: Sequence[Line], page_width: float, options: GridOptions = SCAN_GRID) -> list[Grid]:
    """Tables of the page: grids at least a fifth of the page wide with at least three cells."""
    return [g for g in build_grids(lines, options)
            if g.bbox[2] - g.bbox[0] >= 0.2 * page_width and len(g.cells) >= 3 and g.bbox[3] - g.bbox[1] >= 40]


def erase(gray: np.ndarray, rule_mask: np.ndarray, grow: int = 2) -> np.ndarray:
    """The page with its rules painted over in the paper's colour (the page's median grey)."""
    if not rule_mask.any():
        return gray
    mask = cv2.dilate(rule_mask, np.ones((2 * grow + 1, 2 * grow + 1), np.uint8))
    out = gray.copy()
    out[mask > 0] = int(np.median(gray[::4, ::4]))
    return out
