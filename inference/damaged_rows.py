"""Readings of a row whose printed cells are fewer or more than its columns, from what dumps do.

Three kinds of damage change the number of cells a row prints, and each has a small, exact set of
readings that restores the row:

- runs collapsed (`collapsed_runs`): each printed value stands for a run of one or more identical
  cells, `4 0 4` for seven cells is 4,0,0,0,0,0,4 or 4,4,0,0,0,0,4 or…;
- cells glued (`glued_cells`): a digit run is several cells without separators, `640020470` for seven
  cells is 64,0,0,2,0,4,70 or 6,4,0,0,20,4,70 or… (a cell never starts with 0 unless it is 0);
- one number split in two (any dump): `1` `62` is 162 when the row prints one cell too many.

Every reading is enumerated; the row's own identities (a total equals the sum of its parts) rank
them, and the reconciler lets the whole table's arithmetic choose. Nothing here decides which one
is right: a row whose readings the arithmetic cannot tell apart stays unresolved downstream.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from xxgk.document import DumpDamage

_WHOLE = re.compile(r"^(?:0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+)$")
"""One cell of a glued run: a count without a leading zero, its thousands separated or not."""
_MARKS = "-—―/"
"""Dashes a table prints for a cell that does not apply (after `normalize`); `-` is also a minus."""
_LAST = re.compile(r"^-?(?:0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+)(?:\.\d+)?(?:万元|元)?$")
"""The last cell of a glued run may be an amount: `07.2` is 0, 7.2; `0159604元` is 0, 159604元."""
_GLUED = re.compile(r"^[-—―/]*\d+(?:,\d+)*(?:[-—―/]+\d+(?:,\d+)*)*(?:[-—―/]*|(?:\.\d+)?(?:万元|元)?)$")
"""A run of cells printed without separators: digits, thousands separators, dashes and minus signs,
and an amount's decimals and unit at its end."""

Derivation = Literal["printed", "expanded", "cut", "joined"]


@dataclass(frozen=True)
class Token:
    """One printed cell text of a row, with the index of the segment it came from."""

    text: str
    source: int


@dataclass(frozen=True)
class DamagedReading:
    """Cell texts for every column, each with the printed token it came from and how."""

    texts: tuple[str, ...]
    sources: tuple[int, ...]
    derivation: Derivation


def _cuts(text: str, parts: int) -> Iterator[tuple[str, ...]]:
    """Ways to cut a glued run into `parts` cells: numbers without a leading zero, a minus sign only
    in front of one, dashes (`—0219` is —, 0, 219; `-41` is -4, 1 or -, 41), decimals and a unit only
    in the last one. A thousands separator stays inside its number (`681,275936` is 68, 1,275, 936,
    never 681, 275936)."""
    if parts == 1:
        if text in _MARKS or _LAST.match(text):
            yield (text,)
        return
    for head in _heads(text):
        if len(head) < len(text):
            for rest in _cuts(text[len(head):], parts - 1):
                yield (head, *rest)


def _heads(text: str) -> Iterator[str]:
    """The cells a glued run can start with: a dash, or a (signed) number ending where a cut may fall."""
    if text[0] in _MARKS:
        yield text[0]
    start = 1 if text[0] == "-" else 0
    if start == len(text) or not text[start].isdigit():
        return
    for end in range(start + 1, len(text) + 1):
        if end < len(text) and "," in (text[end - 1], text[end]):
            continue
        if not text[end - 1].isdigit() and text[end - 1] != ",":
            return
        if _WHOLE.match(text[start:end]):
            yield text[:end]
        elif text[start] == "0":
            return


def _compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Positive integers (k_1..k_parts) summing to `total`."""
    for bars in itertools.combinations(range(1, total), parts - 1):
        edges = (0, *bars, total)
        yield tuple(edges[i + 1] - edges[i] for i in range(parts))


def expansions(tokens: list[Token], n: int) -> Iterator[DamagedReading]:
    """Readings of a collapsed row: each token repeated over a run so that the row has n cells."""
    if not tokens or len(tokens) >= n:
        return
    for runs in _compositions(n, len(tokens)):
        texts = tuple(t.text for t, k in zip(tokens, runs, strict=True) for _ in range(k))
        sources = tuple(t.source for t, k in zip(tokens, runs, strict=True) for _ in range(k))
        yield DamagedReading(texts, sources, "expanded")


def cuts(tokens: list[Token], n: int) -> Iterator[DamagedReading]:
    """Readings of a glued row: digit runs cut into numbers so that the row has n cells."""
    if not tokens or len(tokens) >= n:
        return
    limits = [sum(ch.isdigit() or ch in _MARKS for ch in t.text) if _GLUED.match(t.text) else 1 for t in tokens]
    if sum(limits) < n:
        return
    for parts in _part_counts(limits, n):
        per_token = [list(_cuts(t.text, p)) if p > 1 else [(t.text,)] for t, p in zip(tokens, parts, strict=True)]
        for combo in itertools.product(*per_token):
            texts = tuple(x for piece in combo for x in piece)
            sources = tuple(t.source for t, piece in zip(tokens, combo, strict=True) for _ in piece)
            yield DamagedReading(texts, sources, "cut")


def _part_counts(limits: list[int], n: int) -> Iterator[tuple[int, ...]]:
    """Pieces per token (1..limit each) summing to n."""
    if len(limits) == 1:
        if 1 <= n <= limits[0]:
            yield (n,)
        return
    rest_min = len(limits) - 1
    for k in range(1, min(limits[0], n - rest_min) + 1):
        for rest in _part_counts(limits[1:], n - k):
            yield (k, *rest)


def joins(tokens: list[Token], n: int) -> Iterator[DamagedReading]:
    """Readings of a row printing one cell too many: two neighbouring digit runs are one number."""
    if len(tokens) != n + 1:
        return
    for i in range(len(tokens) - 1):
        a, b = tokens[i], tokens[i + 1]
        if a.text.isdigit() and b.text.isdigit() and a.text != "0":
            kept = [*tokens[:i], Token(a.text + b.text, a.source), *tokens[i + 2:]]
            texts = tuple(t.text for t in kept)
            sources = tuple(t.source for t in kept)
            yield DamagedReading(texts, sources, "joined")


def damaged_readings(tokens: list[Token], n: int, damage: frozenset[DumpDamage], *,
                     limit: int) -> list[DamagedReading] | None:
    """Every reading the document's damage allows, or None when there are more than `limit` to weigh
    (`ReadingOptions.max_readings`)."""
    gens: list[Iterator[DamagedReading]] = [joins(tokens, n)]
    if "collapsed_runs" in damage:
        gens.append(expansions(tokens, n))
    if "glued_cells" in damage:
        gens.append(cuts(tokens, n))
    return _distinct(itertools.chain(*gens), limit)


def split_and_damaged(tokens: list[Token], n: int, damage: frozenset[DumpDamage], *,
                      limit: int) -> list[DamagedReading] | None:
    """Readings of a damaged row in which, besides the damage, one number was also printed in two
    pieces (`4719 00006 6` for 47,19,0,0,0,0,66: the space a crawler kept between two text nodes of
    `66`): each pair of neighbouring digit runs joined, then read as the damage allows. Derivation
    `joined`; None when there are more than `limit`."""
    def gen() -> Iterator[DamagedReading]:
        for i in range(len(tokens) - 1):
            a, b = tokens[i], tokens[i + 1]
            if not (_GLUED.match(a.text) and _GLUED.match(b.text)) or a.text == "0" \
                    or not (a.text[-1].isdigit() and b.text[0].isdigit()):  # `22` `-5` is never one number
                continue
            kept = [*tokens[:i], Token(a.text + b.text, a.source), *tokens[i + 2:]]
            if len(kept) == n:
                yield DamagedReading(tuple(t.text for t in kept), tuple(t.source for t in kept), "joined")
                continue
            for r in itertools.chain(expansions(kept, n) if "collapsed_runs" in damage else iter(()),
                                     cuts(kept, n) if "glued_cells" in damage else iter(())):
                yield DamagedReading(r.texts, r.sources, "joined")
    return _distinct(gen(), limit)


def _distinct(readings: Iterator[DamagedReading], limit: int) -> list[DamagedReading] | None:
    out: dict[tuple[str, ...], DamagedReading] = {}
    for reading in readings:
        out.setdefault(reading.texts, reading)
        if len(out) > limit:
            return None
    return list(out.values())
