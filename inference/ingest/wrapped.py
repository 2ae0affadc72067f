"""Table rows of space-laid dumps whose labels wrap above and below their numbers.

`pdftotext -layout` and text browsers print a table cell by cell in columns of spaces; a long
label wraps inside its column, so one row spans several lines: the first part of the label above
the numbers, the rest below, and a group label (`（六）` / `其他处` / `理`) in a column of its own.
Read line by line, the wrapped parts become rows without numbers and the row with the numbers
loses its label. A block of consecutive lines holding exactly one line of numbers is one row: its
text is joined per column, in reading order, at the columns' positions.

A table printed without blank lines between its rows is one block with many lines of numbers; the
label lines between two of them are the tail of the row above and the head of the row below. A
label starts with its enumerator (`2.`, `（三）`, `四、`), so the first such line in a gap opens the
next row, and a gap holding none belongs to the row above when the row below prints its own
label on its numbers (`_split_gap`); a gap that cannot be split is left to the line-by-line
reading. Text lying wholly left of the row labels' column, or before a row label on its line, is
a group label (`（四）` / `无法提` / `供`) beside the rows, never a row's label; words in the value
columns are the text of the cell their row prints no number in.

Columns are counted as the dump counts them (`xxgk.inference.ingest.widths`).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from xxgk.inference.ingest.widths import Width, display_width
from xxgk.options import TextOptions

Piece = tuple[str, int, int]
"""Text and its start and end offsets in the document."""

_RUN = re.compile(r"[^\s\u3000]+(?: [^\s\u3000]+)*")
_VALUE = re.compile(r"^(?:[+\-]?\d[\d.,]*|[-—–/／])$")
_SENTENCE_END = ("。", "；", ";", "：", ":")
_GLUED_NUMBER = re.compile(r"^(?P<label>.*[^\d\s.,])\s+(?P<num>[+\-]?\d[\d.,]*)$")
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_ENUMERATOR = re.compile(r"^(?:\d{1,2}[.．、]|[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}、)")
"""How a row label starts: `2.`, `（三）`, `四、`."""
_SPACED_SUB_ENUMERATOR = re.compile(r"(?:^|(?<= ))(\d{1,2}[.．、])\D")
"""How a sub-row's label starts (at a run's start or after a single space in it); these labels stand
in the row labels' own column."""
_SINGLE_SPACE = re.compile(r" ")
"""A section heading (`三、收到和处理…`) right above a table's first row is not part of its label."""


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


def _runs(text: str, offset: int, width: Width) -> _Line:
    runs = [(m.group(), offset + m.start(), width(text[:m.start()])) for m in _RUN.finditer(text)]
    return _Line(text, offset, runs)


def _number_apart(line: _Line, width: Width) -> _Line:
    """The line with a number that a single space glued to the label before it made a run of its
    own (`…公开申 2` then `0   0   2`)."""
    n_text = len(line.runs) - line.values
    m = _GLUED_NUMBER.match(line.runs[n_text - 1][0]) if n_text else None
    if m is None:
        return line
    text, start, col = line.runs[n_text - 1]
    cut = m.start("num")
    split = [(text[:m.end("label")], start, col), (m.group("num"), start + cut, col + width(text[:cut]))]
    return _Line(line.text, line.offset, [*line.runs[:n_text - 1], *split, *line.runs[n_text:]])


def _merge_block(block: list[_Line], width: Width, options: TextOptions) -> list[Piece] | None:
    """The block's one row as pieces (group label, label, values), or None when the block is not a
    single row with wrapped text: several or no lines of numbers, prose, text among the numbers.

    The row's label is the rightmost column of text (row labels are indented under their group);
    text further left is the group label printed beside it (`（六）` / `其他处` / `理`).
    """
    slack = options.column_slack
    rows = [line for line in block if line.values >= options.row_values]
    if len(rows) != 1 or len(block) < 2:
        return None
    row = _number_apart(rows[0], width)
    n_text = len(row.runs) - row.values
    first_value = row.runs[n_text][2]
    texts: list[tuple[str, int, int]] = []
    for line in block:
        is_row = line is rows[0]
        for text, start, col in (row.runs[:n_text] if is_row else line.runs):
            if not is_row and (col >= first_value - slack or len(text) > options.max_fragment
                                    or text.endswith(_SENTENCE_END) or _HEADING.match(text)):
                return None
            texts.append((text, start, col))
    if not texts:
        return None
    label_col = max(col for _, _, col in texts)
    label = [(t, s, s + len(t)) for t, s, c in texts if c >= label_col - slack]
    group = [(t, s, s + len(t)) for t, s, c in texts if c < label_col - slack]
    values = [(text, start, start + len(text)) for text, start, _ in row.runs[n_text:]]
    return [*(_joined(parts) for parts in (group, label) if parts), *values]


def _joined(parts: list[tuple[str, int, int]]) -> Piece:
    return "".join(p[0] for p in parts), parts[0][1], parts[-1][2]


def _foreign(line: _Line, value_col: int, width: Width, options: TextOptions) -> bool:
    """A line without numbers that is no wrapped fragment: text reaching over the value columns
    (headers, a sub-table's title), prose."""
    return any(col + width(text) > value_col - options.column_slack or len(text) > options.max_fragment
               or text.endswith(_SENTENCE_END) for text, _, col in line.runs)


@dataclass
class _Rows:
    """A block's lines read as rows: for each line, its runs split into group text and label text."""

    lines: list[_Line]
    numbers: list[int]
    """Indexes of the lines of numbers."""
    label_start: int | None
    """Column where the row labels' column starts (that of the leftmost `1.` label), if any."""
    width: Width
    slack: int
    """`TextOptions.column_slack`."""
    cell_texts: dict[int, list[tuple[str, int, int]]]
    """Per line of numbers, text printed in its value columns on the lines around it (a cell's
    words wrapped over lines: `错误！` / `未找到` / `引用` / `源。`)."""

    def text_runs(self, i: int) -> list[tuple[str, int, int]]:
        line = self.lines[i]
        return line.runs[:len(line.runs) - line.values] if i in self.numbers else line.runs

    def is_group(self, run: tuple[str, int, int], label_start: int | None = None) -> bool:
        """Text wholly left of where the row labels start (`label_start`, by default the column's):
        a group label's fragment, where a short tail centred under its label starts inside it."""
        text, _, col = run
        start = self.label_start if label_start is None else label_start
        return start is not None and col < start and col + self.width(text) <= start + self.slack

    def label(self, i: int) -> list[tuple[str, int, int]]:
        """The line's row label text: its last run when a group column is known (what stands before
        it on the line is group text), else every run outside the group column."""
        runs = [r for r in self.text_runs(i) if not self.is_group(r)]
        return runs[-1:] if self.label_start is not None else runs

    def opens(self, i: int) -> bool:
        """The line's label text starts a row label (its enumerator)."""
        label = self.label(i)
        return bool(label) and bool(_ENUMERATOR.match(label[0][0]))


def _split_gap(rows: _Rows, above: int, below: int) -> tuple[int, int] | None:
    """Where the lines between two lines of numbers change hands: (end of the upper row's tail,
    start of the lower row's head), as line indexes; lines between the two are rows printed without
    numbers and stay unread here. None when nothing says where the upper row's label ends."""
    gap = range(above + 1, below)
    opening = [i for i in gap if rows.opens(i)]
    if rows.opens(below):
        return (opening[0] if opening else below), below
    if opening:
        return opening[0], opening[-1]
    if not any(rows.label(i) for i in gap):
        return below, below  # only group text between them
    return None


def _row_pieces(rows: _Rows, members: list[int], number: int) -> list[Piece]:
    """Group labels (one piece per column), the row label, then the values. A row whose label
    starts left of the row labels' column (`（二）部分公开…` spanning the group column) has its
    group text left of where its label starts."""
    heads = [r[2] for i in members for r in rows.label(i)[:1] if _ENUMERATOR.match(r[0])]
    start = min(heads[0], rows.label_start) if heads and rows.label_start is not None else None
    group: list[tuple[str, int, int]] = []
    label: list[tuple[str, int, int]] = []
    for i in members:
        runs = rows.text_runs(i)
        for n, run in enumerate(runs):
            (group if rows.is_group(run, start) or n < len(runs) - 1 else label).append(run)
    columns = _clusters(group, rows.slack)
    line = rows.lines[number]
    cells = [[run] for run in line.runs[len(line.runs) - line.values:]]
    cells += _clusters(rows.cell_texts.get(number, []), rows.slack)
    values = [_joined([(t, s, s + len(t)) for t, s, _ in sorted(c, key=lambda r: r[1])])
              for c in sorted(cells, key=lambda c: c[0][2])]
    texts = [sorted(c, key=lambda r: r[1]) for c in columns] + ([label] if label else [])
    return [*(_joined([(t, s, s + len(t)) for t, s, _ in parts]) for parts in texts), *values]


def _clusters(runs: list[tuple[str, int, int]], slack: int) -> list[list[tuple[str, int, int]]]:
    """Runs grouped by column: those starting within `slack` columns of a group's first."""
    out: list[list[tuple[str, int, int]]] = []
    for run in sorted(runs, key=lambda r: r[2]):
        if out and run[2] - out[-1][0][2] <= slack:
            out[-1].append(run)
        else:
            out.append([run])
    return out


def _tail_end(rows: _Rows, head: int, number: int, end: int) -> int:
    """Where the tail of a block's last row ends, with no next label to stop it: a label centred on
    its numbers has as many lines below them as above (one more when the line of numbers holds
    none), so further text (a sub-table's title) is not its tail."""
    room = sum(1 for i in range(head, number) if rows.label(i)) + (0 if rows.label(number) else 1)
    for i in range(number + 1, end):
        if rows.label(i):
            if room == 0:
                return i
            room -= 1
    return end


def _sub_block_rows(rows: _Rows, members: list[int]) -> dict[int, list[Piece]]:
    """Rows of consecutive lines holding one or more lines of numbers and their label fragments."""
    numbers = [i for i in members if i in rows.numbers]
    if not numbers:
        return {}
    heads: dict[int, int] = {}
    tails: dict[int, int] = {}
    broken: set[int] = set()
    first, last = members[0], members[-1]
    opening = [i for i in range(first, numbers[0]) if rows.opens(i)]
    heads[numbers[0]] = opening[-1] if opening and not rows.opens(numbers[0]) else numbers[0]
    for above, below in itertools.pairwise(numbers):
        split = _split_gap(rows, above, below)
        if split is None:
            broken |= {above, below}
            tails[above], heads[below] = above + 1, below
        else:
            tails[above], heads[below] = split
    closing = [i for i in range(numbers[-1] + 1, last + 1) if rows.opens(i)]
    tails[numbers[-1]] = closing[0] if closing else last + 1
    out: dict[int, list[Piece]] = {}
    tails[numbers[-1]] = _tail_end(rows, heads[numbers[-1]], numbers[-1], tails[numbers[-1]])
    for n in numbers:
        lines = list(range(heads[n], tails[n]))
        if n in broken or (lines == [n] and n not in rows.cell_texts):
            continue
        out[rows.lines[lines[0]].offset] = _row_pieces(rows, lines, n)
        out.update({rows.lines[i].offset: [] for i in lines[1:]})
    return out


def _groups_apart(line: _Line, label_start: int, width: Width, slack: int) -> _Line:
    """The line with group text that a single space joined to the text after it made a run of its
    own (`不予公 5.属于三类内部事`, `（三） 权益`): cut at a single space that the row labels' column
    starts after."""
    runs: list[tuple[str, int, int]] = []
    for text, start, col in line.runs:
        cuts = [m.start() for m in _SINGLE_SPACE.finditer(text)
                if col + width(text[:m.start()]) <= label_start + slack]
        for a, b in itertools.pairwise([-1, *cuts, len(text)]):
            runs.append((text[a + 1:b], start + a + 1, col + width(text[:a + 1])))
    return _Line(line.text, line.offset, runs)


def _cell_texts(lines: list[_Line], numbers: list[int], value_col: int,
                width: Width, options: TextOptions) -> dict[int, list[tuple[str, int, int]]]:
    """Words printed in the value columns on lines without numbers (beside group or label text or
    alone), each given to the nearest line of numbers above or below that has no number at that
    column (the cell they fill); words that no single such line can own are left alone."""
    out: dict[int, list[tuple[str, int, int]]] = {}
    for i, line in enumerate(lines):
        inside = [r for r in line.runs if r[2] >= value_col - options.column_slack]
        if i in numbers or not inside or any(_VALUE.match(t) or len(t) > options.max_fragment for t, _, _ in inside):
            continue
        above = max((n for n in numbers if n < i), default=None)
        below = min((n for n in numbers if n > i), default=None)
        near = [n for n in (above, below) if n is not None and abs(n - i) <= options.max_cell_lines]
        for run in inside:
            free = [n for n in near if not _occupied(lines[n], run, width, options.column_slack)]
            if len(free) == 1:
                out.setdefault(free[0], []).append(run)
    return out


def _occupied(line: _Line, run: tuple[str, int, int], width: Width, slack: int) -> bool:
    """Whether a number of the line is centred in the columns the run takes, give or take
    `slack` (a character grid places a centred cell's words and number only roughly)."""
    text, _, col = run
    return any(col - slack <= c + width(t) / 2 < col + width(text) + slack
               for t, _, c in line.runs[len(line.runs) - line.values:])


def _block_rows(block: list[_Line], width: Width, options: TextOptions) -> dict[int, list[Piece]]:
    """Rows of a block with several lines of numbers (a table without blank lines between rows)."""
    numbers = [i for i, line in enumerate(block) if line.values >= options.row_values]
    if len(numbers) < 2:
        return {}
    lines = [(_number_apart(line, width) if i in numbers else line) for i, line in enumerate(block)]
    value_col = min(line.runs[len(line.runs) - line.values][2] for i, line in enumerate(lines) if i in numbers)
    starts = [col + width(text[:m.start(1)]) for line in lines
              for text, _, col in line.runs[:len(line.runs) - line.values]
              for m in _SPACED_SUB_ENUMERATOR.finditer(text)]
    label_start = min(starts, default=None)
    if label_start is not None:
        lines = [_groups_apart(line, label_start, width, options.column_slack) for line in lines]
    cell_texts = _cell_texts(lines, numbers, value_col, width, options)
    given = {run for runs in cell_texts.values() for run in runs}
    lines = [_Line(line.text, line.offset, [r for r in line.runs if r not in given]) for line in lines]
    rows = _Rows(lines, numbers, label_start, width, options.column_slack, cell_texts)
    out: dict[int, list[Piece]] = {}
    members: list[int] = []
    for i, line in enumerate([*lines, None]):
        if line is not None and (i in numbers
                                 or not (_foreign(line, value_col, width, options) or len(rows.label(i)) > 1)):
            members.append(i)
            continue
        if members:
            out.update(_sub_block_rows(rows, members))
        members = []
    return out


def wrapped_rows(lines: list[tuple[str, int]], options: TextOptions,
                 width: Width = display_width) -> dict[int, list[Piece]]:
    """Rows rebuilt from wrapped blocks, keyed by the offset of the block's first line; the other
    lines of such a block are keyed too, with no pieces (they are consumed). Columns are counted
    with `width` (`xxgk.inference.ingest.widths`); the thresholds are `options`'."""
    rows: dict[int, list[Piece]] = {}
    block: list[_Line] = []
    for text, offset in [*lines, ("", -1)]:
        if text.strip(" \u3000") and "\t" not in text and "|" not in text:
            block.append(_runs(text, offset, width))
            continue
        merged = _merge_block(block, width, options) if block else None
        if merged is not None:
            rows[block[0].offset] = merged
            rows.update({line.offset: [] for line in block[1:]})
        elif block:
            rows.update(_block_rows(block, width, options))
        block = []
    return rows
