"""Ruling lines of a scanned page, found with OpenCV morphology, as `Line`s for the grid builder.

The page (upright, deskewed, pixels at 200 dpi) is binarised with a local threshold (so uneven
light and grey paper do not matter), then opened with long thin kernels: only runs of ink longer
than a character survive, horizontal ones with a 1 x `min_h` kernel, vertical ones with `min_v` x 1.
A short closing first bridges the small gaps of a worn or dotted rule. Each surviving connected
component becomes one axis-parallel `Line` through its middle; the grid builder then merges
collinear pieces, joins near misses and finds the tables (`inference.layout.grid.build_grids`).

Long strokes of large characters (a title's `一`) survive the opening too; those lying inside a
detected text line are dropped, and the rest rarely meet enough other rules to close a grid.

The rules found are also returned as a mask, so they can be erased from the image the recogniser
reads: a cell's border next to a `0` must not read as `01`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from inference.layout.geometry import BBox
from inference.layout.grid import Grid, GridOptions, Line, build_grids

SCAN_GRID = GridOptions(snap=10.0, join=14.0, max_thickness=6.0, min_extent=15.0, min_coverage=0.5)
"""Grid tolerances for scans: rules are a few pixels off straight and worn rules have gaps."""


EDGE = 4
"""A line this close to the image's edge is the edge of the scan, not a rule (pages have margins)."""


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


def find_rules(ink: np.ndarray, text_boxes: Sequence[BBox] = (), opt: RuleOptions | None = None,
               ) -> tuple[list[Line], np.ndarray]:
    """Ruling lines of a page's ink mask, and the mask of their pixels.

    Streaks (`_streaks`) are left out of the lines but kept in the mask: they are no table's
    border, and erasing them with the rules keeps them from reading as `1`s and `|`s."""
    opt = opt or RuleOptions()
    pieces: list[_Piece] = []
    labelled: list[tuple[np.ndarray, np.ndarray]] = []
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
            if _inside(box, text_boxes):
                continue
            keep[i] = True
            if horizontal:
                mid = y + h / 2
                line = Line(float(x), mid, float(x + w), mid)
            else:
                mid = x + w / 2
                line = Line(mid, float(y), mid, float(y + h))
            if not EDGE <= mid <= (ink.shape[0] if horizontal else ink.shape[1]) - EDGE:
                continue  # the image's own edge (what is left of a scanner's border): erased, no rule
            pieces.append(_Piece(line, horizontal, len(labelled), i))
        labelled.append((labels, keep))
    streaks, under = _streaks(pieces, text_boxes, ink.shape[:2])
    lines = [p.line for k, p in enumerate(pieces) if k not in streaks] + under
    rule_mask = np.zeros_like(ink)
    for labels, keep in labelled:
        rule_mask |= np.where(keep[labels], 255, 0).astype(np.uint8)
    return lines, rule_mask


@dataclass(frozen=True)
class _Piece:
    """One ruling-line component: its line, its direction and its label in that direction's mask."""

    line: Line
    horizontal: bool
    layer: int
    label: int

    @property
    def pos(self) -> float:
        return self.line.y0 if self.horizontal else self.line.x0

    @property
    def span(self) -> tuple[float, float]:
        return (self.line.x0, self.line.x1) if self.horizontal else (self.line.y0, self.line.y1)


def _chains(pieces: list[_Piece], snap: float, gap: float) -> list[list[int]]:
    """Indexes of collinear pieces (positions within `snap`, gaps along up to `gap`) as chains."""
    order = sorted(range(len(pieces)), key=lambda k: pieces[k].pos)
    clusters: list[list[int]] = []
    for k in order:
        if clusters and pieces[k].pos - pieces[clusters[-1][-1]].pos <= snap:
            clusters[-1].append(k)
        else:
            clusters.append([k])
    chains: list[list[int]] = []
    for cluster in clusters:
        reach = -np.inf
        for k in sorted(cluster, key=lambda k: pieces[k].span[0]):
            a, b = pieces[k].span
            if a <= reach + gap:
                chains[-1].append(k)
            else:
                chains.append([k])
            reach = max(reach, b) if a <= reach + gap else b
    return chains


def _streaks(pieces: list[_Piece], text_boxes: Sequence[BBox], shape: tuple[int, int]) -> tuple[set[int], list[Line]]:
    """Pieces that are toner streaks or scanner lines, not rules, and the rules found under them.

    A streak is a chain running through much of the page that overshoots every rule it crosses by
    far at both ends, into the page's margin or through its text. A table's rule ends at the
    table's border (or, where the table goes on over a page break, within a row of its last rule);
    a streak runs from edge to edge of the sheet. Where a streak lies on a rule, the two are one
    line of ink: the part inside the table is kept as a rule when it cuts no text and has text on
    both sides, row by row (`_separates`); a streak through a column does neither."""
    if not pieces:
        return set(), []
    heights = sorted(b[3] - b[1] for b in text_boxes)
    line_h = heights[len(heights) // 2] if heights else 30.0
    reach = max(40.0, 2.0 * line_h)
    if text_boxes:
        area = (min(b[0] for b in text_boxes), min(b[1] for b in text_boxes),
                max(b[2] for b in text_boxes), max(b[3] for b in text_boxes))
    else:
        area = (0.0, 0.0, float(shape[1]), float(shape[0]))
    out: set[int] = set()
    under: list[Line] = []
    for horizontal in (False, True):  # verticals first: a page's streaks run down it
        mine = [k for k, p in enumerate(pieces) if p.horizontal == horizontal]
        others = [pieces[k] for k, p in enumerate(pieces) if p.horizontal != horizontal and k not in out]
        extent = shape[1] if horizontal else shape[0]
        found: list[tuple[float, float, float]] = []
        for chain in _chains([pieces[k] for k in mine], snap=6.0, gap=3 * line_h):
            ks = [mine[c] for c in chain]
            pos = float(np.median([pieces[k].pos for k in ks]))
            a = min(pieces[k].span[0] for k in ks)
            b = max(pieces[k].span[1] for k in ks)
            if b - a < 0.4 * extent:
                continue
            crossing = [o.pos for o in others if o.span[0] - 14 <= pos <= o.span[1] + 14 and a - 14 <= o.pos <= b + 14]
            first, last = (min(crossing), max(crossing)) if crossing else (b, a)
            if first - a <= reach or b - last <= reach:
                continue
            lo, hi = (area[0], area[2]) if horizontal else (area[1], area[3])
            into_margin = a < lo - line_h or b > hi + line_h
            if into_margin or _cuts_text(pos, (a, first), (last, b), horizontal, text_boxes, line_h) >= 2:
                out.update(ks)
                if last > first:
                    found.append((pos, first, last))
        rules = [p for k, p in enumerate(pieces) if p.horizontal == horizontal and k not in out]
        for pos, first, last in found:
            under += _rules_under(pos, (first, last), horizontal, rules, others, text_boxes)
    return out, under


def _rules_under(pos: float, span: tuple[float, float], horizontal: bool, rules: list[_Piece],
                 others: list[_Piece], text_boxes: Sequence[BBox]) -> list[Line]:
    """The parts of a streak at `pos` that are also a table's rule: runs of the bands between the
    rules it crosses that lie inside a table (another rule of its direction spans the band) and
    whose text it separates (`_separates`)."""
    cuts = sorted({o.pos for o in others
                   if span[0] - 1 <= o.pos <= span[1] + 1 and o.span[0] - 14 <= pos <= o.span[1] + 14})
    runs: list[list[tuple[float, float]]] = [[]]
    for u, v in itertools.pairwise(cuts):
        if (any(r.span[0] <= u + 3 and r.span[1] >= v - 3 for r in rules)
                and not _cuts_text(pos, (u, v), (u, u), horizontal, text_boxes, 3.0)):
            runs[-1].append((u, v))
        elif runs[-1]:
            runs.append([])
    out = []
    for run in runs:
        if not run:
            continue
        first, last = run[0][0], run[-1][1]
        crossing = [o for o in others if first - 1 <= o.pos <= last + 1 and o.span[0] - 14 <= pos <= o.span[1] + 14]
        beside = [r.pos for r in rules if r.span[0] < last and r.span[1] > first]
        lo = max([r for r in beside if r < pos - 6], default=min(o.span[0] for o in crossing))
        hi = min([r for r in beside if r > pos + 6], default=max(o.span[1] for o in crossing))
        if _separates(pos, (lo, hi), (first, last), horizontal, text_boxes):
            first, last = float(first), float(last)
            out.append(Line(first, pos, last, pos) if horizontal else Line(pos, first, pos, last))
    return out


def _separates(pos: float, between: tuple[float, float], span: tuple[float, float], horizontal: bool,
               text_boxes: Sequence[BBox]) -> bool:
    """A line at `pos` (from span[0] to span[1] along it) divides text as a rule does: it cuts no
    text line, and text lies on both sides of it, side by side, in at least two rows (columns for a
    horizontal line), within the neighbouring rules `between`."""
    near: list[tuple[float, float, float, float]] = []  # (across0, across1, along0, along1)
    for x0, y0, x1, y1 in text_boxes:
        across0, across1, along0, along1 = (y0, y1, x0, x1) if horizontal else (x0, x1, y0, y1)
        if not span[0] <= (along0 + along1) / 2 <= span[1]:
            continue
        if across0 + 3 < pos < across1 - 3:
            return False
        if across0 >= between[0] - 3 and across1 <= between[1] + 3:
            near.append((across0, across1, along0, along1))
    before = [t for t in near if t[1] <= pos + 3]
    after = [t for t in near if t[0] >= pos - 3]
    pairs = sum(1 for t in before if any(min(t[3], u[3]) - max(t[2], u[2]) > 0.5 * min(t[3] - t[2], u[3] - u[2])
                                         for u in after))
    return pairs >= 2 and pairs >= 0.5 * min(len(before), len(after))


def _cuts_text(pos: float, before: tuple[float, float], after: tuple[float, float], horizontal: bool,
               text_boxes: Sequence[BBox], line_h: float) -> int:
    """Text lines the chain at `pos` cuts through (well inside their ends) outside the rules it crosses."""
    count = 0
    for x0, y0, x1, y1 in text_boxes:
        (across_lo, across_hi), (along_lo, along_hi) = ((y0, y1), (x0, x1)) if horizontal else ((x0, x1), (y0, y1))
        if not (across_lo + line_h < pos < across_hi - line_h):
            continue
        mid = (along_lo + along_hi) / 2
        if before[0] <= mid <= before[1] or after[0] <= mid <= after[1]:
            count += 1
    return count


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
