"""Page furniture of paginated text dumps: running heads, footers and page numbers.

`pdftotext` (and a browser's "print to PDF" read back by it) separates pages with a form feed and
repeats the page's head and foot on every page — the file's URL, the print date, the title, `4/5`.
Inside a table that breaks across pages these lines sit between two rows and read as labels or
values. They are found as what they are: lines at a page's edge that recur, digits aside, at the
edge of other pages, or that are nothing but a page number. They are blanked in place, so every
other character keeps its offset (spans point into the text as given).
"""

from __future__ import annotations

import re
from collections import Counter

EDGE_LINES = 3
"""Non-blank lines at the top and at the bottom of a page that may be furniture."""
_PAGE_NUMBER = re.compile(r"^(?:第\s*)?[-—–·\s]*\d{1,4}(?:\s*/\s*\d{1,4})?[-—–·\s]*(?:页)?(?:\s*共\s*\d+\s*页)?$")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
_WORDS = re.compile(r"[^\W\d_]")
"""Letters (CJK included): a recurring line of numbers alone is a table row, not furniture."""


def _key(line: str) -> str:
    """A line with its numbers and spacing neutralised: `4/5` and `5/5` are the same furniture."""
    return _SPACE.sub(" ", _DIGITS.sub("#", line)).strip()


def _edges(page: list[tuple[int, str]]) -> list[tuple[int, str]]:
    nonblank = [(i, t) for i, t in page if t.strip()]
    return nonblank[:EDGE_LINES] + nonblank[EDGE_LINES:][-EDGE_LINES:]


def strip_furniture(text: str) -> str:
    """The text with running heads, feet and page numbers blanked and form feeds made line breaks;
    text without form feeds (no pages) comes back unchanged."""
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
    seen = Counter(key for page in pages for key in {_key(t) for _, t in _edges(page)})
    for page in pages:
        for i, line in _edges(page):
            stripped = line.strip()
            key = _key(line)
            recurs = len(pages) >= 2 and seen[key] >= 2 and len(_WORDS.findall(key)) >= 2
            if recurs or _PAGE_NUMBER.match(stripped):
                lines[i] = " " * len(line)
    return "\n".join(lines)
