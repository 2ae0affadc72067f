"""How a row's segments map to its cells: every plausible reading, with what it costs to believe.

Dumps merge two cells into one segment (`23 0`), print one number letter-spaced (`4 0`), pad a
row with empty cells after a label that spans columns or at its end (Word's tabs, pipe
terminators), and lose cells. Which of these happened is often undecidable within the row, so
every reading that splits merged segments and drops edge empties to fit the row is kept, with a
cost that encodes how common each damage is; the reconciler then lets the whole table's
arithmetic choose among them. A row that prints fewer or more cells than its columns is also read
the ways the document's damage allows (`xxgk.inference.damaged_rows`: collapsed runs, glued digits, a
number split in two).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

from xxgk.document import DumpDamage, Segment
from xxgk.inference.damaged_rows import (
    DamagedReading,
    Derivation,
    Token,
    damaged_readings,
    joins,
    split_and_damaged,
)
from xxgk.inference.numbers import Number, normalize, parse, split_cells
from xxgk.options import ReadingOptions
from xxgk.templates import Equation, Unit


@dataclass(frozen=True)
class Slot:
    """One cell's text and the segment it came from (a segment may hold several cells)."""

    text: str
    segment: Segment
    merged: bool = False
    """The segment holds several numbers and is read as one cell (`0 0`)."""
    derivation: Derivation = "printed"
    """How the cell was restored when the row printed a different number of cells than it has."""


@dataclass(frozen=True)
class RowOption:
    slots: tuple[Slot, ...]
    cost: float
    truncated: bool = False
    """More damaged readings fit the row than were kept: none of them can be trusted alone."""
    unrestorable: bool = False
    """The row prints fewer cells than it has and no reading of the dump's damage restores them: which
    columns its numbers belong to is unknown."""
    guess_from: int | None = None
    """Cells from this index on are a guess a reviewer must confirm: a row that printed more
    numbers than it has cells (the first ones kept), a short row a space-laid dump gave no
    positions for, blank cells after a row's last number (blank, or the row cut short?)."""
    unchecked: tuple[str, ...] = ()
    """Other readings of the row that the dump's damage allows and no identity can rule out (a row
    of table 2 printing `0 21 28` in a dump that collapses runs is also 0,0,2128: a number split in
    two, then a run collapsed): the printed reading is kept, doubted."""


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


def _broken(keys: tuple[str, ...], texts: tuple[str, ...], units: dict[str, Unit],
            equations: list[Equation]) -> int:
    values = {k: parse(t, units[k]).value for k, t in zip(keys, texts, strict=False)}
    return sum(1 for eq in equations if not _balanced(eq, values))


def _legible(keys: tuple[str, ...], texts: tuple[str, ...], units: dict[str, Unit]) -> bool:
    """No cell of a restored reading holds a number its column cannot (a negative or fractional count)."""
    return not any(parse(t, "signed").kind == "number" and (parse(t, units[k]).kind == "illegible"
                                                           or ("." in t and units[k] != "wan"))
                   for k, t in zip(keys, texts, strict=True))


def _tokens(segments: list[Segment], whole: int | None = None) -> list[Token]:
    """The row's printed cells, merged segments split (but the one at index `whole`), empty cells
    at either end dropped."""
    return _trim_blank([Token(c, i) for i, s in enumerate(segments)
                        for c in ((i != whole and split_cells(s.text)) or [normalize(s.text)])])


def _trim_blank(tokens: list[Token]) -> list[Token]:
    while tokens and not tokens[0].text:
        tokens.pop(0)
    while tokens and not tokens[-1].text:
        tokens.pop()
    return tokens


def damaged_options(segments: list[Segment], keys: tuple[str, ...], units: dict[str, Unit],
                    equations: list[Equation], damage: frozenset[DumpDamage],
                    reading: ReadingOptions) -> list[RowOption]:
    """Readings that restore a row printing fewer cells (runs collapsed, digits glued) or one more
    (a number split in two) than it has: those breaking the fewest of the row's own identities. A
    row printing as many cells as it has, which break its identities, is offered the readings
    undoing two damages (`_second_damage`) beside its printed ones.

    A joined number must be confirmed by the row's arithmetic; expanded runs and cut digits are
    kept even where the row has no identity, for the table's arithmetic (or nothing) to decide.
    """
    tokens = _tokens(segments)
    n = len(keys)
    if not tokens:
        return []
    if len(tokens) == n:
        if not (damage and equations) or not _broken(keys, tuple(t.text for t in tokens), units, equations):
            return []
        more = _second_damage(tokens, segments, keys, units, equations, damage, reading)
        return [] if more is None or len(more) > reading.max_damaged else more
    readings = damaged_readings(tokens, n, damage, limit=reading.max_readings)
    if readings is None:
        return [RowOption((), 0.0, truncated=True)]
    scored = [(_broken(keys, r.texts, units, equations), r) for r in readings if _legible(keys, r.texts, units)]
    if not scored:
        return [RowOption((), 0.0, unrestorable=True)] if damage and len(tokens) < n else []
    fewest = min(b for b, _ in scored)
    best = [r for b, r in scored if b == fewest]
    if any(r.derivation == "joined" for r in best) and (fewest or not equations):
        best = [r for r in best if r.derivation != "joined"]
    cost = reading.cost_damaged + reading.cost_failed_identity * fewest
    options = [RowOption(_slots(r, segments), cost) for r in best]
    if fewest and equations and damage:
        more = _second_damage(tokens, segments, keys, units, equations, damage, reading)
        if more is None:
            return [RowOption((), 0.0, truncated=True)]
        options += more
    truncated = len(options) > reading.max_damaged
    return [replace(o, truncated=truncated) for o in options[:reading.max_damaged]]


def _second_damage(tokens: list[Token], segments: list[Segment], keys: tuple[str, ...], units: dict[str, Unit],
                   equations: list[Equation], damage: frozenset[DumpDamage],
                   reading: ReadingOptions) -> list[RowOption] | None:
    """Where no reading of the damage alone keeps the row's identities, the readings that do once a
    second damage is undone as well: a number printed in two pieces (`4719 00006 6` for
    47,19,0,0,0,0,66: the space a crawler kept between two text nodes of `66`) or letter-spaced in
    one cell (`2 3 7` for 237). Derivation `joined`, so that they stand beside the printed
    readings; None when there are more than `max_readings` to weigh."""
    n = len(keys)
    found = split_and_damaged(tokens, n, damage, limit=reading.max_readings)
    if found is None:
        return None
    for whole in _spaced_whole(segments, reading.max_merged):
        more = damaged_readings(whole, n, damage, limit=reading.max_readings) if len(whole) < n else []
        if more is None:
            return None
        found += [DamagedReading(r.texts, r.sources, "joined") for r in more]
    cost = reading.cost_damaged + reading.cost_failed_identity
    kept = {r.texts: RowOption(_slots(r, segments), cost) for r in found
            if _legible(keys, r.texts, units) and not _broken(keys, r.texts, units, equations)}
    return list(kept.values())


def _spaced_whole(segments: list[Segment], most: int) -> list[list[Token]]:
    """The row's cells with each of its letter-spaced segments (`2 3 7`: single digits apart) read
    as one number, the others split as `_tokens` splits them."""
    spaced = [i for i, s in enumerate(segments) if split_cells(s.text) and _digits_only(s.text)][:most]
    return [_tokens(segments, whole=i) for i in spaced]


def _unchecked_splits(segments: list[Segment], keys: tuple[str, ...], units: dict[str, Unit],
                      damage: frozenset[DumpDamage], reading: ReadingOptions) -> tuple[str, ...]:
    """Readings of a row printing all its cells in which two of them are one number split in two
    and a run collapsed, for a row no identity checks (at most `max_named_candidates`)."""
    tokens = _tokens(segments)
    if len(tokens) != len(keys):
        return ()
    found = split_and_damaged(tokens, len(keys), damage, limit=reading.max_readings) or []
    shown = [",".join(r.texts) for r in found if _legible(keys, r.texts, units)]
    return tuple(dict.fromkeys(shown))[:reading.max_named_candidates]


def unconfirmed_joins(segments: list[Segment], keys: tuple[str, ...], units: dict[str, Unit],
                      reading: ReadingOptions) -> tuple[tuple[str, ...], RowOption | None]:
    """Readings of a row printing one number more than its cells, two neighbouring numbers being
    one printed in two pieces (`2 1 55 3 0`: 21,55,30 or 2,155,30), for a row that no reading fits
    otherwise: nothing confirms any of them. Returns them (at most `max_named_candidates`) and the
    row's leading cells every one of them agrees on (`0 3 5 1`: 0,35,1 | 0,3,51 agree on the 0),
    as an option doubted with the others named (`unchecked`), or None where they agree on none."""
    n = len(keys)
    variants = [_tokens(segments), *_spaced_whole(segments, reading.max_merged)]
    found = [r for tokens in variants for r in joins(tokens, n) if _legible(keys, r.texts, units)]
    shown = tuple(dict.fromkeys(",".join("".join(t.split()) for t in r.texts) for r in found))
    shown = shown[:reading.max_named_candidates]
    agreed = 0
    while found and agreed < n and len({"".join(r.texts[agreed].split()) for r in found}) == 1:
        agreed += 1
    slots = tuple(Slot(t, segments[i]) for t, i in zip(found[0].texts[:agreed], found[0].sources, strict=False)) \
        if agreed else ()
    return shown, RowOption(slots, 0.0, unchecked=shown) if slots else None


def _slots(reading: DamagedReading, segments: list[Segment]) -> tuple[Slot, ...]:
    return tuple(Slot(t, segments[i], derivation=reading.derivation)
                 for t, i in zip(reading.texts, reading.sources, strict=True))


def row_options(segments: list[Segment], keys: tuple[str, ...], units: dict[str, Unit],
                equations: list[Equation], damage: frozenset[DumpDamage] = frozenset(), *,
                reading: ReadingOptions) -> list[RowOption]:
    """Readings of a row, cheapest first; empty if its segments cannot fit its cells. `reading`
    gives what each kind of reading costs and how many are kept.

    Where the document's damage explains a short row, its restored readings replace the reading
    that leaves the row's last cells empty.
    """
    damaged = damaged_options(segments, keys, units, equations, damage, reading)
    printed = _printed_options(segments, keys, units, equations, reading, damage)
    if not equations and "collapsed_runs" in damage and (others := _unchecked_splits(segments, keys, units,
                                                                                     damage, reading)):
        printed = [replace(o, unchecked=others) for o in printed]
    if any(o.slots and o.slots[0].derivation != "joined" for o in damaged) or any(o.truncated or o.unrestorable
                                                                                   for o in damaged):
        return damaged
    return sorted([*printed, *damaged], key=lambda o: o.cost)


def _printed_options(segments: list[Segment], keys: tuple[str, ...], units: dict[str, Unit],
                     equations: list[Equation], reading: ReadingOptions,
                     damage: frozenset[DumpDamage] = frozenset()) -> list[RowOption]:
    """Readings of the row as printed: merged segments split or not, edge empties dropped. In a
    damaged dump (runs collapsed, cells glued) a row printing fewer cells than it has is what the
    dump does, so a reading leaving cells empty is kept however many numbers the row prints."""
    n = len(keys)
    multi = [i for i, s in enumerate(segments) if split_cells(s.text)][:reading.max_merged]
    numbers = sum(len(split_cells(s.text) or [s]) for s in segments if s.text.strip())
    seen: dict[tuple[str, ...], RowOption] = {}
    dropped: dict[tuple[str, ...], RowOption] = {}
    for mask in itertools.product((False, True), repeat=len(multi)):
        split = {i for i, m in zip(multi, mask, strict=True) if m}
        slots: list[Slot] = []
        cost = 0.0
        for i, seg in enumerate(segments):
            cells = split_cells(seg.text)
            if i in split and cells:
                slots.extend(Slot(c, seg) for c in cells)
                cost += reading.cost_split
            else:
                slots.append(Slot(seg.text, seg, merged=bool(cells)))
                if cells:
                    cost += reading.cost_unsplit_digits if _digits_only(seg.text) else reading.cost_unsplit
        for trimmed, lead, trail in _trims(slots, n):
            total = cost + lead * reading.cost_drop_leading + trail * reading.cost_drop_trailing
            total += max(0, n - len(trimmed)) * reading.cost_short
            values = {k: parse(s.text, units[k]).value for k, s in zip(keys, trimmed, strict=False)}
            total += reading.cost_failed_identity * sum(1 for eq in equations if not _balanced(eq, values))
            kept = dropped if not damage and _merged_short(trimmed, n, numbers) else seen
            key = tuple(s.text for s in trimmed)
            if key not in kept or kept[key].cost > total:
                kept[key] = RowOption(tuple(trimmed), round(total, 3))
    return sorted((seen or dropped).values(), key=lambda o: o.cost)[:reading.max_options]


def _merged_short(slots: list[Slot], n: int, numbers: int) -> bool:
    """A reading that takes several numbers for one cell (`0 0 1`) and so leaves cells empty,
    although the row prints a number for every cell: no reading of what was printed. Kept, the
    table's arithmetic would choose it for a report whose own sums are wrong, shifting the numbers
    after that cell into the wrong columns where the sums then confirm them. Such readings are
    kept only where no other is left (more merged segments than are split, `max_merged`)."""
    return len(slots) < n <= numbers and any(s.merged for s in slots)
