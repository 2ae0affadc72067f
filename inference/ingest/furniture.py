"""Page furniture of paginated text dumps: running heads, footers and page numbers.

`pdftotext` (and a browser's "print to PDF" read back by it) separates pages with a form feed and
repeats the page's head and foot on every page — the file's URL, the print date, the title, `4/5`.
Inside a table that breaks across pages these lines sit between two rows and read as labels or
values. They are found as what they are: lines at a page's edge that recur, digits aside, at the
same place at the edge of other pages, or that are nothing but a page number. They are blanked in place, so every
other character keeps its offset (spans point into the text as given).
"""

from __future__ import annotations

import re
from collections import Counter

from xxgk.options import TextOptions

_PAGE_NUMBER = re.compile(r"^(?:第\s*)?[-—–·\s]*\d{1,4}(?:\s*/\s*\d{1,4})?[-—–·\s]*(?:页)?(?:\s*共\s*\d+\s*页)?$")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
_WORDS = re.compile(r"[^\W\d_]")
"""Letters (CJK included): a recurring line of numbers alone is a table row, not furniture."""


def _key(line: str) -> str:
    """A line with its numbers and spacing neutralised: `4/5` and `5/5` are the same furniture."""
    return _SPACE.sub(" ", _DIGITS.sub("#", line)).strip()


def _edges(page: list[tuple[int, str]], edge: int) -> list[tuple[int, str, int]]:
    """(line index, text, place) of the `edge` non-blank lines at each of the page's edges; place counts
    from the top (0, 1, 2) or from the bottom (-1, -2, -3), where running heads and feet keep their place."""
    nonblank = [(i, t) for i, t in page if t.strip()]
    top = [(i, t, k) for k, (i, t) in enumerate(nonblank[:edge])]
    rest = nonblank[edge:][-edge:]
    return top + [(i, t, k - len(rest)) for k, (i, t) in enumerate(rest)]


def strip_furniture(text: str, options: TextOptions) -> str:
    """The text with running heads, feet and page numbers blanked and form feeds made line breaks;
    text without form feeds (no pages) comes back unchanged. The `edge_lines` of `options` at each
    page edge may be furniture."""
    if "\f" not in text:
        return text
    lines = text.replace("\f", "\n").split("\n")
    pages: list[list[tuple[int, str]]] = [[]]
    index = 0
    for chunk in text.split("\f"):
        for line in chunk.split("\n"):
            pages[-1].append((index, line))
            index += 1
        pages.append([])
    pages = [p for p in pages if any(t.strip() for _, t in p)]
    edges = [_edges(page, options.edge_lines) for page in pages]
    seen = Counter(key for page in edges for key in {(_key(t), place) for _, t, place in page})
    for page in edges:
        for i, line, place in page:
            stripped = line.strip()
            key = _key(line)
            recurs = seen[(key, place)] >= 2 and len(_WORDS.findall(key)) >= 2
            if recurs or _PAGE_NUMBER.match(stripped):
                lines[i] = " " * len(line)
    return "\n".join(lines)
