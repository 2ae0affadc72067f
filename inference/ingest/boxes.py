"""Tables drawn with box-drawing characters, as text browsers (`w3m -dump`) print bordered tables.

A cell border `│` separates fields and a line with `─` is a rule between rows. A cell whose text
wraps fills several lines between two rules, its label's head above the line with the numbers
and its tail below; so the lines between two rules are one row, each field's text joined across
them at the border positions. A rule that runs only under some columns (`│  │ ├────┼──`) leaves
the cells left of it open (a group label spanning rows); what such a line prints there is a row
of its own, which the labeler reads as a group label. A row of empty cells has no line at all:
a rule right above the bottom border stands for it.
"""

from __future__ import annotations

import re

from xxgk.inference.ingest.widths import display_width
from xxgk.options import TextOptions

Piece = tuple[str, int, int]
"""Text and its start and end offsets in the document."""

_VERTICAL = frozenset("│┃║")
_RULE = frozenset("─━═")
_BOX = frozenset("│┃║─━═┼╋╬├┤┣┫╠╣┌┐└┘┏┓┗┛╔╗╚╝┬┴┳┻╦╩╪╫")
_TEXT = re.compile(r"[^\s\u3000" + "".join(sorted(_BOX)) + r"]+(?:[ \u3000][^\s\u3000" + "".join(sorted(_BOX))
                   + r"]+)*")
_BOTTOM = frozenset("└┗╚")
_NUMBER = re.compile(r"^[+\-]?\d")


def _fragments(line: str, offset: int) -> list[tuple[str, int, int]]:
    """Runs of text on a line: (text, start offset, column)."""
    return [(m.group(), offset + m.start(), m.start()) for m in _TEXT.finditer(line)]


def _fields(line: str) -> list[int]:
    """Column positions of the line's inner borders (its outer borders bound the table)."""
    marks = [i for i, ch in enumerate(line) if ch in _VERTICAL or ch in _BOX - _RULE]
    return marks[1:-1] if len(marks) >= 2 else marks


def _merge(lines: list[tuple[str, int]], rule_above: str = "") -> list[Piece]:
    """One row from the lines between two rules: each field's text joined down the lines. A field
    left empty after the row's first text (before it too in a row of numbers alone, where the rule
    above closes the field: no group cell spans into it) is an empty piece at its place, a blank
    cell (0 as the template prints it), so the borders, not the count of numbers, say which column
    each number is in. Empty pieces are made only where every field of the row's first line is
    bounded by a border."""
    text0, offset0 = lines[0]
    borders = max((_fields(t) for t, _ in lines), key=len)
    fields: dict[int, list[tuple[str, int, int]]] = {}
    for text, offset in lines:
        for frag, start, col in _fragments(text, offset):
            index = sum(1 for b in borders if b < col)
            fields.setdefault(index, []).append((frag, start, start + len(frag)))
    edges = [i for i, ch in enumerate(text0) if ch in _VERTICAL]
    first = fields[min(fields)][0][0] if fields else ""
    leading_number = bool(_NUMBER.match(first))
    out: list[Piece] = []
    for index in range(len(borders) + 1):
        parts = fields.get(index)
        if parts:
            out.append(("".join(f[0] for f in parts), parts[0][1], parts[-1][2]))
        elif (out or (leading_number and _ruled(rule_above, text0, edges[index], edges[index + 1]))) \
                and len(edges) == len(borders) + 2:
            at = offset0 + borders[index - 1] + 1
            out.append(("", at, at))
    return out


def box_rows(lines: list[tuple[str, int]], options: TextOptions) -> dict[int, list[Piece]]:
    """Rows of drawn tables keyed by the offset of their first line; the other lines of a row are
    keyed too, with no pieces (they are consumed). Empty when the text draws no table (fewer than
    `min_box_lines` of `options` with box-drawing characters)."""
    boxed = [any(ch in _BOX for ch in text) for text, _ in lines]
    if sum(boxed) < options.min_box_lines:
        return {}
    rows: dict[int, list[Piece]] = {}
    pending: list[tuple[str, int]] = []
    rule_above = ""

    def flush() -> None:
        if pending:
            rows[pending[0][1]] = _merge(pending, rule_above)
            rows.update({offset: [] for _, offset in pending[1:]})
            pending.clear()

    for n, ((text, offset), box) in enumerate(zip(lines, boxed, strict=True)):
        if not box:
            flush()
            rule_above = ""
        elif any(ch in _RULE for ch in text):
            flush()
            rule_above = text
            fragments = _fragments(text, offset)
            rows[offset] = [(f, s, s + len(f)) for f, s, _ in fragments]
            if not fragments and n + 1 < len(lines) and _closes(lines[n + 1][0]) and not _closes(text):
                rows[offset] = _empty_row(text, offset)
        else:
            pending.append((text, offset))
    flush()
    return rows


def _ruled(rule: str, row: str, left: int, right: int) -> bool:
    """Whether the rule line draws a rule over the field between two borders of the row's line
    (string positions there), compared at their display columns."""
    a, b = display_width(row[:left + 1]), display_width(row[:right])
    column = 0
    for ch in rule:
        if a <= column < b and ch in _RULE:
            return True
        column += display_width(ch)
    return False


def _closes(line: str) -> bool:
    """A table's bottom border."""
    stripped = line.strip()
    return bool(stripped) and stripped[0] in _BOTTOM


def _empty_row(rule: str, offset: int) -> list[Piece]:
    """The row of blank cells a rule right above the bottom border stands for: w3m draws a row
    whose cells are all empty with no line of its own (a table of blank zeros)."""
    crossings = [i for i, ch in enumerate(rule) if ch in _BOX - _RULE]
    return [("", offset + a + 1, offset + a + 1) for a in crossings[:-1]]
