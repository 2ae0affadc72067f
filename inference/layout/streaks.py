"""Toner streaks and scanner lines told from a table's rules.

A photocopier with a dirty drum or a scratched glass draws thin dark lines down (or across) the
whole sheet; to the rule finder each is a long straight line of ink, and a line through a table is
a column boundary that splits every cell it crosses. What tells them apart is where they end:

- a table's rule ends at the table's border, at a rule crossing it (or, where the table goes on
  over a page break, within a row past its last crossing rule);
- a streak runs from edge to edge of the sheet: past the rules it crosses by far at both ends, to
  the image's edges, or through lines of text beyond the table. One that overshoots a table at one
  end only (it fades out inside the table, or meets a copier's edge line across the sheet) is told
  by the lines of text it runs through, in or out of the table, which no rule does.

A streak may lie on a rule (one line of ink for both). Inside a table, the stretch of a streak that
still divides the table's text as a rule does, row by row, is kept as a rule: it cuts no text line
(`_Page.cuts`) and has text on both sides of it in the same rows (`_separates`). A streak down a
column, beside its numbers, has text on one side only; a streak through the numbers cuts them.

Positions are pixels of the page image; a `Piece` is one ruling-line component of the rule finder.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from xxgk.document import BBox
from xxgk.inference.layout.grid import Line
from xxgk.options import ScanOptions


@dataclass(frozen=True)
class Piece:
    """One ruling-line component: its line and its direction."""

    line: Line
    horizontal: bool

    @property
    def pos(self) -> float:
        """Position across the line: y of a horizontal one, x of a vertical one."""
        return self.line.y0 if self.horizontal else self.line.x0

    @property
    def span(self) -> tuple[float, float]:
        """Extent along the line."""
        return (self.line.x0, self.line.x1) if self.horizontal else (self.line.y0, self.line.y1)

    def crosses(self, pos: float, span: tuple[float, float], join: float) -> bool:
        """This piece meets a line of the other direction at `pos` running over `span`, or misses it
        by less than `join`."""
        return self.span[0] - join <= pos <= self.span[1] + join and span[0] - join <= self.pos <= span[1] + join


@dataclass(frozen=True)
class _Page:
    """What the judgement looks at besides the lines: the ink and the detected text lines."""

    ink: np.ndarray
    boxes: Sequence[BBox]
    line_h: float
    gap: int
    """`ScanOptions.streak_gap`: blank pixels that show a text box spans two cells."""
    join: float
    """Lines whose ends miss each other by less than this still cross (the scan grid's join)."""

    def across(self, box: BBox, horizontal: bool) -> tuple[float, float, float, float]:
        """(across0, across1, along0, along1) of a box for a line of the given direction."""
        x0, y0, x1, y1 = box
        return (y0, y1, x0, x1) if horizontal else (x0, x1, y0, y1)

    def cuts(self, pos: float, band: tuple[float, float], horizontal: bool, margin: float = 3.0) -> int:
        """Text lines centred in `band` (along the line) that a line at `pos` cuts (`cut`)."""
        count = 0
        for box in self.boxes:
            _, _, l0, l1 = self.across(box, horizontal)
            if band[0] <= (l0 + l1) / 2 <= band[1] and self.cut(pos, box, horizontal, margin):
                count += 1
        return count

    def cut(self, pos: float, box: BBox, horizontal: bool, margin: float = 3.0) -> bool:
        return cuts_text(self.ink, pos, box, horizontal, margin, self.gap)


def cuts_text(ink: np.ndarray, pos: float, box: BBox, horizontal: bool, margin: float, gap: int) -> bool:
    """A line at `pos` runs through the text line in `box`, more than `margin` inside its ends. A box
    the detector drew over two cells' numbers is not cut: the ink shows a clear gap on both sides
    of the line there (`_gap`)."""
    x0, y0, x1, y1 = box
    a0, a1 = (y0, y1) if horizontal else (x0, x1)
    return a0 + margin < pos < a1 - margin and not _gap(ink, pos, box, horizontal, gap)


def _gap(ink: np.ndarray, pos: float, box: BBox, horizontal: bool, gap: int) -> bool:
    """Inside the box, the line at `pos` stands in blank paper: the ink columns (rows) of the line
    itself are flanked by `gap` blank ones on each side, or by blank ones up to the box's end."""
    x0, y0, x1, y1 = (round(v) for v in box)
    patch = ink[max(0, y0):max(0, y1), max(0, x0):max(0, x1)]
    if horizontal:
        patch = patch.T
        at = round(pos) - max(0, y0)
    else:
        at = round(pos) - max(0, x0)
    if patch.size == 0 or not 0 <= at < patch.shape[1]:
        return False
    profile = (patch > 0).mean(axis=0)
    lo = hi = at
    while lo - 1 >= 0 and lo > at - 6 and profile[lo - 1] >= 0.5:
        lo -= 1
    while hi + 1 < len(profile) and hi < at + 6 and profile[hi + 1] >= 0.5:
        hi += 1
    # the box may end within the gap (the detector's margin reaching over the rule): what there is of it is blank
    return not profile[max(0, lo - gap):lo].any() and not profile[hi + 1:hi + 1 + gap].any()


def find_streaks(pieces: Sequence[Piece], text_boxes: Sequence[BBox], ink: np.ndarray, scan: ScanOptions,
                 join: float) -> tuple[set[int], list[Line]]:
    """Indexes of the pieces that are streaks, and the rules found under them (see the module); how
    long a streak runs and where the sheet's edges are: `scan`; lines missing each other by less than
    `join` still cross."""
    if not pieces:
        return set(), []
    heights = sorted(b[3] - b[1] for b in text_boxes)
    page = _Page(ink, text_boxes, heights[len(heights) // 2] if heights else 30.0, scan.streak_gap, join)
    reach = max(24.0, page.line_h)
    out: set[int] = set()
    under: list[Line] = []
    for horizontal in (False, True):  # verticals first: a copier's streaks run down the sheet
        mine = [k for k, p in enumerate(pieces) if p.horizontal == horizontal]
        others = [p for k, p in enumerate(pieces) if p.horizontal != horizontal and k not in out]
        extent = ink.shape[1] if horizontal else ink.shape[0]
        found: list[tuple[float, float, float]] = []
        for chain in _chains([pieces[k] for k in mine], snap=6.0, gap=3 * page.line_h):
            ks = [mine[c] for c in chain]
            pos = float(np.median([pieces[k].pos for k in ks]))
            a = min(pieces[k].span[0] for k in ks)
            b = max(pieces[k].span[1] for k in ks)
            if b - a < scan.streak_min_length * extent:
                continue
            crossing = [o.pos for o in others if o.crosses(pos, (a, b), page.join)]
            first, last = (min(crossing), max(crossing)) if crossing else (b, a)
            before, after = first - a > reach, b - last > reach
            if not (before or after):
                continue
            edges = a <= scan.streak_edge_zone * extent and b >= (1 - scan.streak_edge_zone) * extent
            # edge to edge past the table at both ends; or past it at one end at least (a streak fading
            # out inside the table, or running on to a copier's edge line that crosses it) and
            # through lines of text anywhere along it: a rule runs through no line of text
            if (before and after and edges) or page.cuts(pos, (a, b), horizontal, page.line_h) >= 2:
                out.update(ks)
                if last > first:
                    found.append((pos, first, last))
        rules = [p for k, p in enumerate(pieces) if p.horizontal == horizontal and k not in out]
        for pos, first, last in found:
            under += _rules_under(page, pos, (first, last), horizontal, rules, others)
    return out, under


def _chains(pieces: list[Piece], snap: float, gap: float) -> list[list[int]]:
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
                reach = max(reach, b)
            else:
                chains.append([k])
                reach = b
    return chains


def _rules_under(page: _Page, pos: float, span: tuple[float, float], horizontal: bool, rules: list[Piece],
                 others: list[Piece]) -> list[Line]:
    """The stretches of a streak at `pos` that are also a table's rule: runs of the bands between the
    rules it crosses that lie inside a table (another rule of its direction spans the band), where
    it cuts no text, and whose text it separates (`_separates`)."""
    crossing = [o for o in others if span[0] - 1 <= o.pos <= span[1] + 1 and o.crosses(pos, span, page.join)]
    cuts = sorted({o.pos for o in crossing})
    runs: list[list[tuple[float, float]]] = [[]]
    for u, v in itertools.pairwise(cuts):
        if any(r.span[0] <= u + 3 and r.span[1] >= v - 3 for r in rules) and not page.cuts(pos, (u, v), horizontal):
            runs[-1].append((u, v))
        elif runs[-1]:
            runs.append([])
    out = []
    for run in filter(None, runs):
        first, last = float(run[0][0]), float(run[-1][1])
        beside = [r.pos for r in rules if r.span[0] < last and r.span[1] > first]
        inside = [o for o in crossing if first - 1 <= o.pos <= last + 1]
        lo = max([r for r in beside if r < pos - 6], default=min(o.span[0] for o in inside))
        hi = min([r for r in beside if r > pos + 6], default=max(o.span[1] for o in inside))
        if _separates(page, pos, (lo, hi), (first, last), horizontal):
            out.append(Line(first, pos, last, pos) if horizontal else Line(pos, first, pos, last))
    return out


def _separates(page: _Page, pos: float, between: tuple[float, float], span: tuple[float, float],
               horizontal: bool) -> bool:
    """Text lies on both sides of the line at `pos`, centred within the neighbouring rules `between`, side by
    side in at least two rows (columns, for a horizontal line) and in half the rows of the
    emptier side. A text line it cuts belongs to neither side."""
    near = []
    for box in page.boxes:
        a0, a1, l0, l1 = page.across(box, horizontal)
        if (span[0] <= (l0 + l1) / 2 <= span[1] and between[0] < (a0 + a1) / 2 < between[1]
                and not page.cut(pos, box, horizontal)):
            near.append((a0, a1, l0, l1))
    before = [t for t in near if (t[0] + t[1]) / 2 < pos]
    after = [t for t in near if (t[0] + t[1]) / 2 > pos]
    pairs = sum(1 for t in before if any(min(t[3], u[3]) - max(t[2], u[2]) > 0.5 * min(t[3] - t[2], u[3] - u[2])
                                         for u in after))
    return pairs >= 2 and pairs >= 0.5 * min(len(before), len(after))
