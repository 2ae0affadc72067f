"""Text from positioned glyphs: lines, word runs and cell text, the way a reader would see them.

A PDF text layer (and, later, OCR character boxes) gives glyphs with boxes but no lines or words.
Lines are glyphs that overlap vertically; a wide horizontal gap inside a line separates two fields
of a borderless table (`规章    0    0    0`), a narrow one is a space between Latin words or
numbers and nothing between Chinese characters. The text of a table cell is its lines joined the
same way, so a vertical header printed one character per line (`结/果/维/持`) reads `结果维持`.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

SPACE_GAP = 0.25
"""A gap wider than this share of the glyph height is a space (unless both sides are CJK)."""


@dataclass(frozen=True)
class Glyph:
    """One character (or a few) with its box, pixels, origin top-left."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def is_cjk(ch: str) -> bool:
    """CJK ideographs, CJK punctuation and full-width forms: no spaces between these."""
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFE30 <= o <= 0xFE4F
            or 0xFF00 <= o <= 0xFFEF or o >= 0x20000)


def join_wrapped(a: str, b: str) -> str:
    """Join two lines of one cell or block: no separator, except one space between Latin words or
    numbers (`20` / `19` stays two tokens for the number reader to judge)."""
    if not a or not b:
        return a or b
    if a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return f"{a} {b}"
    return a + b


def group_lines(glyphs: Sequence[Glyph], tall: float | None = None) -> list[list[Glyph]]:
    """Glyphs that overlap vertically by at least half the smaller height, top to bottom, each
    line left to right. With `tall`, a glyph more than `tall` times the median height is a line of
    its own: a row group's label standing beside several rows (a table whose rules were not found)
    would otherwise chain those rows into one line."""
    if tall is not None and glyphs:
        limit = tall * statistics.median(g.bottom - g.top for g in glyphs)
        high = [g for g in glyphs if g.bottom - g.top > limit]
        if high:
            grouped = group_lines([g for g in glyphs if g.bottom - g.top <= limit]) + [[g] for g in high]
            return sorted(grouped, key=lambda line: min(g.top for g in line))
    lines: list[list[Glyph]] = []
    top = bottom = 0.0
    for g in sorted(glyphs, key=lambda g: (g.cy, g.x0)):
        if lines:
            overlap = min(bottom, g.bottom) - max(top, g.top)
            if overlap >= 0.5 * min(bottom - top, g.bottom - g.top):
                lines[-1].append(g)
                top, bottom = min(top, g.top), max(bottom, g.bottom)
                continue
        lines.append([g])
        top, bottom = g.top, g.bottom
    return [sorted(line, key=lambda g: g.x0) for line in lines]


def line_text(line: Sequence[Glyph]) -> str:
    """A line's glyphs as text, with a space at visible gaps except between two CJK glyphs (their
    gaps are justification, not word breaks)."""
    parts: list[str] = []
    prev: Glyph | None = None
    for g in line:
        if prev is not None:
            gap = g.x0 - prev.x1
            height = max(g.bottom - g.top, prev.bottom - prev.top)
            if gap > SPACE_GAP * height and not (is_cjk(prev.text[-1]) and is_cjk(g.text[0])):
                parts.append(" ")
        parts.append(g.text)
        prev = g
    return "".join(parts)


def split_runs(line: Sequence[Glyph], gap_factor: float) -> list[list[Glyph]]:
    """A line cut at gaps wider than `gap_factor` median glyph widths: the fields of a row."""
    if not line:
        return []
    limit = gap_factor * statistics.median(g.x1 - g.x0 for g in line)
    runs = [[line[0]]]
    for prev, g in itertools.pairwise(line):
        if g.x0 - prev.x1 > limit:
            runs.append([g])
        else:
            runs[-1].append(g)
    return runs


def block_text(glyphs: Sequence[Glyph]) -> str:
    """The text of a cell: its lines top to bottom, joined without breaks."""
    text = ""
    for line in group_lines(glyphs):
        text = join_wrapped(text, line_text(line))
    return text
