"""How many columns a character takes in a space-laid dump: what lines a table's columns up.

Text browsers (`w3m -dump`, `lynx -dump`) lay a table out for a terminal, where a CJK character takes
two cells; `pdftotext -layout` lays its page out on a grid of characters, one cell each whatever the
glyph's width. Which one a dump follows shows in its tables: the numbers of one column end at the
same place on consecutive rows whose labels differ in length only when counted the dump's way.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable

from xxgk.options import TextOptions

Width = Callable[[str], int]

_RUN = re.compile(r"[^\s\u3000]+(?: [^\s\u3000]+)*")
_NUMBER = re.compile(r"^[+\-]?\d[\d.,]*$")


def display_width(text: str) -> int:
    """Columns a text takes on a terminal: two for wide (CJK) characters."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def char_width(text: str) -> int:
    """Columns a text takes on a grid of characters: one per character."""
    return len(text)


def _last_value_end(line: str, min_values: int) -> int | None:
    """Where, in characters, the line's last number ends, when the line ends in `min_values` numbers
    or more."""
    runs = list(_RUN.finditer(line))
    values = len(list(itertools.takewhile(lambda m: _NUMBER.match(m.group()), reversed(runs))))
    return runs[-1].end() if values >= min_values else None


def dump_width(lines: list[str], options: TextOptions) -> Width:
    """The width that lines up the dump's columns: `char_width` when table rows end their numbers
    at the same place as the row of numbers before them (a few lines up, as a wrapped label
    leaves it) more often counted in characters than counted on a terminal, else `display_width`
    (also when nothing tells them apart). Rows and how far apart they may be are `options`'
    `width_values` and `width_max_gap`."""
    agree = {char_width: 0, display_width: 0}
    ends = [(n, line[:end]) for n, line in enumerate(lines)
            if (end := _last_value_end(line, options.width_values)) is not None]
    for (n_a, a), (n_b, b) in itertools.pairwise(ends):
        if n_b - n_a <= options.width_max_gap:
            for width in agree:
                agree[width] += width(a) == width(b)
    return char_width if agree[char_width] > agree[display_width] else display_width
