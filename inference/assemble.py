"""From labeled segments to template rows: which value segments are the cells of which row.

A row label opens a row; the value segments after it in its physical row, and in following physical
rows that hold only values, are its cells, in column order, until it has as many as the edition's
layout gives it. Any other physical row (headers, prose, another label) closes it. Empty segments
are cells (blank = 0), but one before the label in the label's own row is the empty merged cell
of a row group, not a cell of the row above. Tables of `single_row` layout (table 4) have their
cells in one data line under column-group headers, so their values fill the table's cells in order.

Nothing is guessed here: a row that ends early keeps fewer cells, one never seen has none, and the
reconciler and contract builder decide what that means.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from inference.numbers import Number, parse, split_cells
from xxgk.document import Document, Segment
from xxgk.templates import Edition, Equation, RowLayout


@dataclass(frozen=True)
class Slot:
    """One cell's text and the segment it came from (a segment may hold several cells)."""

    text: str
    segment: Segment
    ambiguous_merge: bool = False
    """The segment holds several numbers but the row needs it as one cell (`0 0`)."""


@dataclass
class RowRead:
    """The cells read for one row (or a single_row table's whole data line)."""

    table: str
    keys: tuple[str, ...]
    label: Segment | None
    segments: list[Segment] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)

    @property
    def full(self) -> bool:
        """Enough segments for every column, counting each as one cell.

        A segment holding several numbers may be one letter-spaced number (`3 3`) or merged
        cells; counting it as one keeps the row open for the cells that may follow, and `_slots`
        decides. A row can only over-reach into lines of values, which never start another row.
        """
        return len(self.segments) >= len(self.keys)


@dataclass
class Assembly:
    rows: list[RowRead] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tables_seen: list[str] = field(default_factory=list)

    def cells(self) -> dict[str, Slot]:
        out: dict[str, Slot] = {}
        for row in self.rows:
            for key, slot in zip(row.keys, row.slots, strict=False):
                out.setdefault(key, slot)
        return out


def _balanced(eq: Equation, values: dict[str, Number | None]) -> bool:
    parts = [values.get(k) for k in (*eq.lhs, *eq.rhs)]
    if any(v is None for v in parts):
        return False
    return abs(sum(parts[: len(eq.lhs)]) - sum(parts[len(eq.lhs):])) < 1e-6  # type: ignore[arg-type]


def _trims(slots: list[Slot], n: int):
    """Ways to drop empty slots at the edges so the row has n; a row of at most n is kept."""
    excess = len(slots) - n
    if excess <= 0:
        yield slots, 0
        return
    lead = next((i for i, s in enumerate(slots) if s.text.strip()), len(slots))
    trail = next((i for i, s in enumerate(reversed(slots)) if s.text.strip()), len(slots))
    for k in range(excess + 1):
        if k <= lead and excess - k <= trail:
            yield slots[k: len(slots) - (excess - k)], k


def _trailing_values(phys: list[Segment]) -> list[Segment]:
    """Values that end a header row: a data line joined onto its header by a lost line break."""
    run: list[Segment] = []
    for seg in reversed(phys):
        if seg.label != "value":
            break
        run.append(seg)
    run.reverse()
    return run if len(run) >= 2 and any(s.text.strip() for s in run) else []


def _table_of(label: str | None) -> str | None:
    if label and label.startswith(("row:", "col:", "sec:")):
        name = label.split(":", 1)[1]
        return name.split(".")[0] if "." in name else (name if name.startswith("t") else None)
    return None


MAX_MERGED = 4
"""Merged segments per row whose split is decided by search (2^k readings)."""


class Assembler:
    def __init__(self, edition: Edition):
        self.edition = edition
        self.single_row = {t.id for t in edition.spec.tables if t.layout == "single_row"}
        self.max_cols = {t.id: max(len(g.cols) for g in t.groups) for t in edition.spec.tables}

    def _row_layout(self, label: str | None) -> RowLayout | None:
        if not label or not label.startswith("row:"):
            return None
        table, row = label[4:].split(".", 1)
        return self.edition.row(table, row)

    def __call__(self, doc: Document) -> Assembly:
        out = Assembly()
        state = _State(out)
        for phys in doc.rows():
            self._physical_row(phys, state)
        state.close()
        out.rows = [r for r in out.rows if r.segments or r.label is not None]
        for row in out.rows:
            row.slots = self._slots(row, out.warnings)
        self._report_gaps(out)
        return out

    def _physical_row(self, phys: list[Segment], st: _State) -> None:
        labels = [s.label for s in phys]
        for lab in labels:
            t = _table_of(lab)
            if lab and lab.startswith("sec:"):
                st.close()
                st.table = t
                if t:
                    st.note_table(t)
        row_positions = [i for i, s in enumerate(phys) if self._opens_row(phys, i)]
        if row_positions:
            self._labeled_row(phys, row_positions, st)
            return
        if all(lab == "value" for lab in labels):
            self._value_row(phys, st)
            return
        # headers, prose, titles: the open row ends; column labels tell which table we are in
        st.close()
        for lab in labels:
            t = _table_of(lab)
            if t and lab.startswith("col:"):
                st.table = t
                st.note_table(t)
        run = _trailing_values(phys)
        if run:
            self._value_row(run, st)


    def _opens_row(self, phys: list[Segment], i: int) -> bool:
        layout = self._row_layout(phys[i].label)
        if layout is None:
            return False
        if layout.table in self.single_row:
            # in the printed layout these labels are column-group headers; a row only if values follow
            return any(s.label == "value" and s.text.strip() for s in phys[i + 1:])
        return True

    def _labeled_row(self, phys: list[Segment], positions: list[int], st: _State) -> None:
        for i in range(positions[0], len(phys)):
            seg = phys[i]
            if i in positions:
                layout = self._row_layout(seg.label)
                assert layout is not None
                if st.open is not None and st.open.label is not None and st.open.label.label == seg.label:
                    continue  # the tail of a wrapped label
                st.close()
                st.table = layout.table
                st.note_table(layout.table)
                st.open_row(RowRead(layout.table, layout.cell_keys, seg))
            elif seg.label == "value" and st.open is not None:
                st.open.segments.append(seg)  # all of the label's own line; _align trims extras

    def _value_row(self, phys: list[Segment], st: _State) -> None:
        if st.open is not None and not st.open.full:
            for seg in phys:
                if not st.open.full:
                    st.open.segments.append(seg)
            return
        st.close()
        table = self._block_table(phys, st)
        if table is None:
            return
        keys = self._block_keys(table, st)
        st.table = table
        st.note_table(table)
        st.blocks_done.add(table)
        st.open_row(RowRead(table, keys, None, list(phys)))

    def _block_keys(self, table: str, st: _State) -> tuple[str, ...]:
        return tuple(k for r in self.edition.rows if r.table == table and r.row not in st.rows_done(table)
                     for k in r.cell_keys)

    def _block_table(self, phys: list[Segment], st: _State) -> str | None:
        """The single_row table whose data line this value-only row is, if any.

        In the table's own context any values start its data line, and so does a line of empty
        cells as long as the data line (a table of blank zeros); elsewhere see below.
        """
        filled = any(s.text.strip() for s in phys)
        if st.table in self.single_row and st.table not in st.blocks_done:
            n_keys = len(self._block_keys(st.table, st))
            return st.table if n_keys and (filled or len(phys) >= n_keys) else None
        return self._single_row_table_for(len(phys), st) if filled else None

    def _single_row_table_for(self, n_values: int, st: _State) -> str | None:
        """A long line of values outside any row is the data line of a single_row table.

        Dumps often lose the section heading and garble the vertical column headers of table 4;
        a line with more cells than any row of the current table has columns cannot belong to it.
        """
        if st.table is not None and n_values <= self.max_cols.get(st.table, 0):
            return None
        for t in self.single_row:
            n_keys = sum(len(r.cell_keys) for r in self.edition.rows if r.table == t)
            if t not in st.blocks_done and n_values >= 0.8 * n_keys:
                return t
        return None

    def _slots(self, row: RowRead, warnings: list[str]) -> list[Slot]:
        """The row's cells: which segments hold several cells, and which empties are fillers.

        Dumps merge two cells into one segment (`23 0`), pad a row with empty cells after a label
        that spans columns or at its end (Word's tabs, pipe terminators), and lose cells. Every
        reading that splits merged segments and drops edge empties to fit the row is tried; the
        one under which the row's own identities hold wins, then the one leaving no merged
        segment unsplit, then the one closest to the row's width, dropping trailing empties first.
        """
        n = len(row.keys)
        options = list(self._readings(row))
        if not options:
            slots = [Slot(s.text, s) for s in row.segments]
            warnings.append(f"{self._row_name(row)}: {len(slots)} values for {n} columns; kept the first {n}")
            return slots[:n]
        equations = self._local_equations(row.keys)

        def rank(option: tuple[list[Slot], int, int]) -> tuple[int, int, int, int, int]:
            slots, splits, lead = option
            values = {k: parse(sl.text, self.edition.units[k]).value
                      for k, sl in zip(row.keys, slots, strict=False)}
            holds = sum(1 for eq in equations if _balanced(eq, values))
            merged = sum(1 for sl in slots if sl.ambiguous_merge)
            return (holds, -merged, -abs(n - len(slots)), -splits, -lead)

        slots = max(options, key=rank)[0]
        if 0 < len(slots) < n:
            warnings.append(f"{self._row_name(row)}: only {len(slots)} of {n} values present")
        return slots

    def _readings(self, row: RowRead):
        """(slots, number of splits, leading empties dropped) for every way to fit the row."""
        n = len(row.keys)
        segs = row.segments
        multi = [i for i, s in enumerate(segs) if split_cells(s.text)][:MAX_MERGED]
        for mask in itertools.product((False, True), repeat=len(multi)):
            split = {i for i, m in zip(multi, mask, strict=True) if m}
            slots: list[Slot] = []
            for i, seg in enumerate(segs):
                cells = split_cells(seg.text)
                if i in split and cells:
                    slots.extend(Slot(c, seg) for c in cells)
                else:
                    slots.append(Slot(seg.text, seg, ambiguous_merge=bool(cells)))
            for trimmed, lead in _trims(slots, n):
                yield trimmed, len(split), lead

    def _local_equations(self, keys: tuple[str, ...]) -> list[Equation]:
        inside = set(keys)
        return [eq for eq in self.edition.equations if {*eq.lhs, *eq.rhs} <= inside]

    def _row_name(self, row: RowRead) -> str:
        if row.label is None:
            return f"{row.table} data line"
        return row.label.label[4:] if row.label.label else row.table

    def _report_gaps(self, out: Assembly) -> None:
        read = {k for r in out.rows for k in r.keys[: len(r.slots)]}
        for t in self.edition.spec.tables:
            layouts = [r for r in self.edition.rows if r.table == t.id]
            found = [any(k in read for k in r.cell_keys) for r in layouts]
            if not any(found):
                out.warnings.append(f"{t.id} not found in the document")
                continue
            last = max(i for i, f in enumerate(found) if f)
            if last < len(layouts) - 1:
                out.warnings.append(f"{t.id} truncated after row {layouts[last].row}")
            missing = [layouts[i].row for i in range(last) if not found[i]]
            if missing:
                out.warnings.append(f"{t.id} rows not found: {', '.join(missing)}")


class _State:
    def __init__(self, out: Assembly):
        self.out = out
        self.table: str | None = None
        self.open: RowRead | None = None
        self.blocks_done: set[str] = set()
        self._done: dict[str, set[str]] = {}

    def note_table(self, table: str) -> None:
        if table not in self.out.tables_seen:
            self.out.tables_seen.append(table)

    def rows_done(self, table: str) -> set[str]:
        return self._done.get(table, set())

    def open_row(self, row: RowRead) -> None:
        """Start filling a row; a row label seen before is reported and its values ignored."""
        self.open = None
        if row.label is not None:
            name = row.label.label or ""
            key = name.split(".", 1)[1] if "." in name else name
            done = self._done.setdefault(row.table, set())
            if key in done:
                self.out.warnings.append(f"{name[4:]} appears twice; the first reading is kept")
                return
            done.add(key)
        self.open = row
        self.out.rows.append(row)

    def close(self) -> None:
        self.open = None
