"""How a row's segments map to its cells: every plausible reading, with what it costs to believe.

Dumps merge two cells into one segment (`23 0`), print one number letter-spaced (`4 0`), pad a
row with empty cells after a label that spans columns or at its end (Word's tabs, pipe
terminators), and lose cells. Which of these happened is often undecidable within the row, so
every reading that splits merged segments and drops edge empties to fit the row is kept, with a
cost that encodes how common each damage is; the reconciler then lets the whole table's
arithmetic choose among them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from inference.numbers import Number, normalize, parse, split_cells
from xxgk.document import Segment
from xxgk.templates import Equation, Unit

MAX_MERGED = 4
"""Segments per row whose split is searched (2^k readings)."""
MAX_OPTIONS = 6

COST_UNSPLIT_DIGITS = 0.5
"""Keeping `4 0` as one number: letter-spaced digits are common in PDF text layers."""
COST_UNSPLIT = 1.5
"""Keeping `23 0` as one cell: only debris next to a real value makes it one cell."""
COST_SPLIT = 1.0
COST_DROP_LEADING = 1.0
"""An empty cell right after the label read as filler of a spanning label."""
COST_DROP_TRAILING = 0.2
COST_SHORT = 2.0
"""Per cell of the row left without a segment."""
COST_FAILED_IDENTITY = 3.0
"""Per identity of the row itself (total = sum of parts) that the reading breaks."""


@dataclass(frozen=True)
class Slot:
    """One cell's text and the segment it came from (a segment may hold several cells)."""

    text: str
    segment: Segment
    merged: bool = False
    """The segment holds several numbers and is read as one cell (`0 0`)."""


@dataclass(frozen=True)
class RowOption:
    slots: tuple[Slot, ...]
    cost: float


def _digits_only(text: str) -> bool:
    return all(len(tok) == 1 for tok in normalize(text).split(" "))


def _balanced(eq: Equation, values: dict[str, Number | None]) -> bool:
    parts = [values.get(k) for k in (*eq.lhs, *eq.rhs)]
    if any(v is None for v in parts):
        return False
    return abs(sum(parts[: len(eq.lhs)]) - sum(parts[len(eq.lhs):])) < 1e-6  # type: ignore[arg-type]


def _trims(slots: list[Slot], n: int):
    """(slots, leading dropped, trailing dropped): ways to drop edge empties so the row has n."""
    excess = len(slots) - n
    if excess <= 0:
        yield slots, 0, 0
        return
    lead = next((i for i, s in enumerate(slots) if s.text.strip()), len(slots))
    trail = next((i for i, s in enumerate(reversed(slots)) if s.text.strip()), len(slots))
    for k in range(excess + 1):
        if k <= lead and excess - k <= trail:
            yield slots[k: len(slots) - (excess - k)], k, excess - k


def row_options(segments: list[Segment], keys: tuple[str, ...], units: dict[str, Unit],
                equations: list[Equation]) -> list[RowOption]:
    """Readings of a row, cheapest first; empty if its segments cannot fit its cells."""
    n = len(keys)
    multi = [i for i, s in enumerate(segments) if split_cells(s.text)][:MAX_MERGED]
    seen: dict[tuple[str, ...], RowOption] = {}
    for mask in itertools.product((False, True), repeat=len(multi)):
        split = {i for i, m in zip(multi, mask, strict=True) if m}
        slots: list[Slot] = []
        cost = 0.0
        for i, seg in enumerate(segments):
            cells = split_cells(seg.text)
            if i in split and cells:
                slots.extend(Slot(c, seg) for c in cells)
                cost += COST_SPLIT
            else:
                slots.append(Slot(seg.text, seg, merged=bool(cells)))
                if cells:
                    cost += COST_UNSPLIT_DIGITS if _digits_only(seg.text) else COST_UNSPLIT
        for trimmed, lead, trail in _trims(slots, n):
            total = cost + lead * COST_DROP_LEADING + trail * COST_DROP_TRAILING
            total += max(0, n - len(trimmed)) * COST_SHORT
            values = {k: parse(s.text, units[k]).value for k, s in zip(keys, trimmed, strict=False)}
            total += COST_FAILED_IDENTITY * sum(1 for eq in equations if not _balanced(eq, values))
            key = tuple(s.text for s in trimmed)
            if key not in seen or seen[key].cost > total:
                seen[key] = RowOption(tuple(trimmed), round(total, 3))
    return sorted(seen.values(), key=lambda o: o.cost)[:MAX_OPTIONS]
