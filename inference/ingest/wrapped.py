"""Table rows of space-laid dumps whose labels wrap above and below their numbers.

`pdftotext -layout` and text browsers print a table cell by cell in columns of spaces; a long
label wraps inside its column, so one row spans several lines: the first part of the label above
the numbers, the rest below, and a group label (`（六）` / `其他处` / `理`) in a column of its own.
Read line by line, the wrapped parts become rows without numbers and the row with the numbers
loses its label. A block of consecutive lines holding exactly one line of numbers is one row: its
text is joined per column, in reading order, at the columns' positions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

Piece = tuple[str, int, int]
"""Text and its start and end offsets in the document."""

_RUN = re.compile(r"[^\s\u3000]+(?: [^\s\u3000]+)*")
_VALUE = re.compile(r"^(?:[+\-]?\d[\d.,]*|[-—–/／])$")
_SENTENCE_END = ("。", "；", ";", "：", ":")
_GLUED_NUMBER = re.compile(r"^(?P<label>.*[^\d\s.,])\s+(?P<num>[+\-]?\d[\d.,]*)$")
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
"""A section heading (`三、收到和处理…`) right above a table's first row is not part of its label."""
COLUMN_SLACK = 2
"""Display columns two pieces' starts may differ by and still be one column."""
MAX_FRAGMENT = 40
"""Longer text on a line without numbers is prose, not a wrapped cell."""
MIN_VALUES = 2
"""Numbers a line needs at its end to be a table row's line of values."""


@dataclass
class _Line:
    text: str
    offset: int
    runs: list[tuple[str, int, int]]
    """Runs of text separated by two or more spaces: (text, start offset, display column)."""

    @property
    def values(self) -> int:
        """How many runs at the end of the line are numbers (or dashes)."""
        n = 0
        for text, _, _ in reversed(self.runs):
            if not _VALUE.match(text):
                break
            n += 1
        return n


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _runs(text: str, offset: int) -> _Line:
    runs = [(m.group(), offset + m.start(), _width(text[:m.start()])) for m in _RUN.finditer(text)]
    return _Line(text, offset, runs)


def _number_apart(line: _Line) -> _Line:
    """The line with a number that a single space glued to the label before it made a run of its
    own (`…公开申 2` then `0   0   2`)."""
    n_text = len(line.runs) - line.values
    m = _GLUED_NUMBER.match(line.runs[n_text - 1][0]) if n_text else None
    if m is None:
        return line
    text, start, col = line.runs[n_text - 1]
    cut = m.start("num")
    split = [(text[:m.end("label")], start, col), (m.group("num"), start + cut, col + _width(text[:cut]))]
    return _Line(line.text, line.offset, [*line.runs[:n_text - 1], *split, *line.runs[n_text:]])


def _merge_block(block: list[_Line]) -> list[Piece] | None:
    """The block's one row as pieces (group label, label, values), or None when the block is not a
    single row with wrapped text: several or no lines of numbers, prose, text among the numbers.

    The row's label is the rightmost column of text (row labels are indented under their group);
    text further left is the group label printed beside it (`（六）` / `其他处` / `理`).
    """
    rows = [line for line in block if line.values >= MIN_VALUES]
    if len(rows) != 1 or len(block) < 2:
        return None
    row = _number_apart(rows[0])
    n_text = len(row.runs) - row.values
    first_value = row.runs[n_text][2]
    texts: list[tuple[str, int, int]] = []
    for line in block:
        for text, start, col in (line.runs[:n_text] if line is row else line.runs):
            if line is not row and (col >= first_value - COLUMN_SLACK or len(text) > MAX_FRAGMENT
                                    or text.endswith(_SENTENCE_END) or _HEADING.match(text)):
                return None
            texts.append((text, start, col))
    if not texts:
        return None
    label_col = max(col for _, _, col in texts)
    label = [(t, s, s + len(t)) for t, s, c in texts if c >= label_col - COLUMN_SLACK]
    group = [(t, s, s + len(t)) for t, s, c in texts if c < label_col - COLUMN_SLACK]
    values = [(text, start, start + len(text)) for text, start, _ in row.runs[n_text:]]
    return [*(_joined(parts) for parts in (group, label) if parts), *values]


def _joined(parts: list[tuple[str, int, int]]) -> Piece:
    return "".join(p[0] for p in parts), parts[0][1], parts[-1][2]


def wrapped_rows(lines: list[tuple[str, int]]) -> dict[int, list[Piece]]:
    """Rows rebuilt from wrapped blocks, keyed by the offset of the block's first line; the other
    lines of such a block are keyed too, with no pieces (they are consumed)."""
    rows: dict[int, list[Piece]] = {}
    block: list[_Line] = []
    for text, offset in [*lines, ("", -1)]:
        if text.strip(" \u3000") and "\t" not in text and "|" not in text:
            block.append(_runs(text, offset))
            continue
        merged = _merge_block(block) if block else None
        if merged is not None:
            rows[block[0].offset] = merged
            rows.update({line.offset: [] for line in block[1:]})
        block = []
    return rows
