"""From labeled segments to template rows: which value segments belong to which row.

A row label opens a row; the value segments after it in its physical row, and in following physical
rows that hold only values, are its cells, in column order, until it has as many as the edition's
layout gives it. Any other physical row (headers, prose, another label) closes it. Empty segments
are cells (blank = 0), but one before the label in the label's own row is the empty merged cell
of a row group, not a cell of the row above. Tables of `single_row` layout (table 4) have their
cells in one data line under column-group headers, so their values fill the table's cells in order.

Which of a row's segments is which cell (merged, padded or short rows) is `row_options`' job;
nothing is guessed here: a row that ends early keeps fewer segments, one never seen has none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xxgk.document import Document, Segment
from xxgk.inference.ingest.runon import end_distance
from xxgk.inference.labeling.lexicon import core, split_numbering
from xxgk.inference.numbers import looks_like_value
from xxgk.inference.row_order import Orphan, Recognised, filled, out_of_order, place_by_order
from xxgk.options import ReadingOptions
from xxgk.templates import Edition, MergedRow, RowLayout


@dataclass
class RowRead:
    """The cells read for one row (or a single_row table's whole data line)."""

    table: str
    keys: tuple[str, ...]
    label: Segment | None
    segments: list[Segment] = field(default_factory=list)
    placed_by_order: bool = False
    """No label was read for these values: the template's row order placed them (`row_order`)."""

    @property
    def full(self) -> bool:
        """Enough segments for every column, counting each as one cell.

        A segment holding several numbers may be one letter-spaced number (`3 3`) or merged
        cells; counting it as one keeps the row open for the cells that may follow, and `row_options`
        decides. A row can only over-reach into lines of values, which never start another row.
        """
        return len(self.segments) >= len(self.keys)


@dataclass
class Assembly:
    rows: list[RowRead] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tables_seen: list[str] = field(default_factory=list)


def _trailing_values(phys: list[Segment], single_row: bool) -> list[Segment]:
    """Values that end a header row: a data line joined onto its header by a lost line break.

    Two or more values; or one, under the headers of a single_row table, whose whole data line
    may be one run of digits glued to its last header (`…尚未审结总计10203120001200000`).
    """
    run: list[Segment] = []
    for seg in reversed(phys):
        if seg.label != "value":
            break
        run.append(seg)
    run.reverse()
    return run if len(run) >= (1 if single_row else 2) and any(s.text.strip() for s in run) else []


def _table_of(label: str | None) -> str | None:
    if label and label.startswith(("row:", "col:", "sec:")):
        name = label.split(":", 1)[1]
        return name.split(".")[0] if "." in name else (name if name.startswith("t") else None)
    return None


class Assembler:
    def __init__(self, edition: Edition, reading: ReadingOptions):
        self.edition = edition
        self.order_likeness = reading.order_likeness
        self.single_row = {t.id for t in edition.spec.tables if t.layout == "single_row"}
        self.max_cols = {t.id: max(len(g.cols) for g in t.groups) for t in edition.spec.tables}
        self.glued = False
        """The document being assembled glued cells together (`Document.damage`)."""
        self.wordings = {(t.id, r.key): tuple(core(w) for w in r.wordings)
                         for t in edition.spec.tables for g in t.groups for r in g.rows}
        """Each row's wordings without numbering or punctuation, to tell a wrapped label's tail."""

    def _row_layout(self, label: str | None) -> RowLayout | None:
        if not label or not label.startswith("row:"):
            return None
        table, row = label[4:].split(".", 1)
        return self.edition.row(table, row)

    def __call__(self, doc: Document) -> Assembly:
        out = Assembly()
        state = _State(out)
        self.glued = "glued_cells" in doc.damage
        for phys in doc.rows():
            self._physical_row(phys, state)
        state.close()
        self._place_orphans(state)
        out.rows = [r for r in out.rows if r.segments or r.label is not None]
        self._report_gaps(out)
        return out

    def _physical_row(self, phys: list[Segment], st: _State) -> None:
        labels = [s.label for s in phys]
        texts = [s.text for s in phys if s.label != "value" and s.text.strip()]
        st.last_text = texts[-1] if texts else st.last_text
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
        merged = self._merged_start(phys)
        if merged is not None:
            self._merged_row(phys, *merged, st)
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
        run = _trailing_values(phys, st.table in self.single_row)
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

    def _merged_start(self, phys: list[Segment]) -> tuple[int, MergedRow] | None:
        """Where a row of another layout (the edition's `merged_rows`) starts on this line: a label
        naming it (the other edition's row, or the group cell of the rows it stands for) with
        values after it on the same line."""
        for i, seg in enumerate(phys):
            merged = self._merged_of(seg)
            if merged is not None and any(s.label == "value" and s.text.strip() for s in phys[i + 1:]):
                return i, merged
        return None

    def _merged_of(self, seg: Segment) -> MergedRow | None:
        if seg.label and seg.label.startswith("row:") and "." in seg.label:
            table, row = seg.label[4:].split(".", 1)
            return self.edition.merged_row(table, row)
        if seg.label == "row_group":
            text = core(seg.text)
            return next((m for m in self.edition.merged_rows if any(core(w) == text for w in m.wordings)), None)
        return None

    def _merged_row(self, phys: list[Segment], i: int, merged: MergedRow, st: _State) -> None:
        layout = merged.layout
        label = phys[i].model_copy(update={"label": f"row:{layout.table}.{layout.row}"})
        st.close()
        st.table = layout.table
        st.note_table(layout.table)
        st.open_row(RowRead(layout.table, layout.cell_keys, label, [s for s in phys[i + 1:] if s.label == "value"]))

    def _labeled_row(self, phys: list[Segment], positions: list[int], st: _State) -> None:
        for i in range(positions[0], len(phys)):
            seg = phys[i]
            if i in positions:
                layout = self._row_layout(seg.label)
                assert layout is not None
                if self._continues(st.open, phys, i):
                    continue
                st.close()
                st.table = layout.table
                st.note_table(layout.table)
                st.open_row(RowRead(layout.table, layout.cell_keys, seg))
            elif seg.label == "value" and st.open is not None:
                st.open.segments.append(seg)  # all of the label's own line; _align trims extras

    def _continues(self, open_row: RowRead | None, phys: list[Segment], i: int) -> bool:
        """The label is the wrapped tail of the open row's label, not the row printed again.

        A tail (`家秘密` under `属于国`) carries no values of its own; a repeated row does. A row
        whose label line holds no values may have them on its tail's line (numbers centred in a
        row two lines high), and that tail may be read as another row when two rows share it
        (`公开申请数量` ends both 一、本年新收… and 二、上年结转…): a tail without numbering of its own
        that ends one of the open row's wordings, one edit in eight characters allowed (a misread, a
        character dropped or added, as `runon.end_distance` measures it), and is no whole wording of
        its own label's, continues it. A tail of one character (`量`, which the classifier cannot
        place) must finish the open row's label as its wording ends (`…申请数` + `量`).
        """
        if open_row is None or open_row.label is None:
            return False
        if open_row.label.label == phys[i].label and not any(s.label == "value" and s.text.strip()
                                                              for s in phys[i + 1:]):
            return True
        if any(s.text.strip() for s in open_row.segments):
            return False
        numbering, _ = split_numbering(phys[i].text)
        tail = core(phys[i].text)
        layout = self._row_layout(phys[i].label)
        own = self.wordings.get((layout.table, layout.row), ()) if layout else ()
        mine = self.wordings.get((open_row.table, open_row.label.label.split(".", 1)[-1]), ())
        joined = core(open_row.label.text) + tail
        return (not numbering and bool(tail) and tail not in own
                and any(w != tail and (end_distance(w, tail, len(tail) // 8) is not None if len(tail) >= 2
                                       else joined.endswith(w[-3:])) for w in mine))

    def _value_row(self, phys: list[Segment], st: _State) -> None:
        if st.open is not None and not st.open.full:
            for seg in phys:
                if not st.open.full:
                    st.open.segments.append(seg)
            return
        if self._overflows(phys, st):
            assert st.open is not None
            st.open.segments.extend(phys)
            return
        st.close()
        table = self._block_table(phys, st)
        if table is None:
            orphan = Orphan(st.table, tuple(phys), len(st.out.rows), st.last_text) if st.table else None
            if orphan is not None and orphan.filled >= 2:
                st.orphans.append((orphan, len(st.out.warnings)))
                st.out.warnings.append(orphan.warning())
            return
        keys = self._block_keys(table, st)
        st.table = table
        st.note_table(table)
        st.blocks_done.add(table)
        st.open_row(RowRead(table, keys, None, list(phys)))

    def _place_orphans(self, st: _State) -> None:
        """Value rows whose label was not read, and rows read as a row the template's order and their
        own text deny (`row_order.out_of_order`), placed where that order leaves exactly one row for
        each (`xxgk.inference.row_order`); their warnings say so."""
        rows = st.out.rows
        named = [Recognised(pos, r.table, r.label.label.split(".", 1)[1], r.label.text) for pos, r in enumerate(rows)
                 if r.label is not None and r.label.label and r.label.label.startswith("row:")]
        suspect = [r for r in out_of_order(self.edition, named, self.order_likeness)
                   if filled(rows[r.position].segments) >= 2]
        demoted = {r.position for r in suspect}
        relabelled: set[int] = set()
        for r in suspect:
            orphan = Orphan(r.table, tuple(rows[r.position].segments), r.position, r.text)
            relabelled.add(id(orphan))
            st.orphans.append((orphan, len(st.out.warnings)))
            st.out.warnings.append(f"{r.table}.{r.row}: label '{r.text[:30]}' unlike the row and out of the "
                                   "template's order; its values not placed")
        labelled = [r for r in named if r.position not in demoted and filled(rows[r.position].segments)]
        placed, _ = place_by_order(self.edition, labelled, [o for o, _ in st.orphans], self.single_row)
        at = {id(o): (n, w) for n, (o, w) in enumerate(st.orphans)}
        before: dict[int, list[RowRead]] = {}
        for p in sorted(placed, key=lambda p: (p.orphan.position, id(p.orphan) in relabelled, at[id(p.orphan)][0])):
            layout = self.edition.row(p.orphan.table, p.row)
            assert layout is not None
            before.setdefault(p.orphan.position, []).append(
                RowRead(layout.table, layout.cell_keys, None, list(p.orphan.segments), placed_by_order=True))
            how = (f"its label '{p.orphan.after[:30]}' was read as another row, out of order"
                   if id(p.orphan) in relabelled else f"its label was not read (values after '{p.orphan.after[:30]}')")
            st.out.warnings[at[id(p.orphan)][1]] = (
                f"{layout.table}.{layout.row}: {how}; placed by the template's row order, flagged for review")
        st.out.rows = [r for pos in range(len(rows) + 1) for r in
                       [*before.get(pos, []), *([rows[pos]] if pos < len(rows) and pos not in demoted else [])]]

    def _overflows(self, phys: list[Segment], st: _State) -> bool:
        """A lone number right after a labelled row that is already full belongs to that row.

        Dumps with one text node per line split a number over two nodes (`16` + `28` for 1628);
        the row then holds one number too many. Kept with its row, the surplus makes the reading
        depend on the row's arithmetic (`row_options` joins only what an identity confirms)
        instead of silently dropping whichever number came last.
        """
        row = st.open
        if row is None or row.label is None or row.table in self.single_row:
            return False
        return len(phys) == 1 and bool(phys[0].text.strip())

    def _block_keys(self, table: str, st: _State) -> tuple[str, ...]:
        return tuple(k for r in self.edition.rows if r.table == table and r.row not in st.rows_done(table)
                     for k in r.cell_keys)

    def _block_table(self, phys: list[Segment], st: _State) -> str | None:
        """The single_row table whose data line this value-only row is, if any.

        In the table's own context any values start its data line, and so does a line of empty
        cells as long as the data line (a table of blank zeros); elsewhere see below. Text no
        value cell can hold (one character of a vertical header taken for a value, `他`) starts
        nothing: the data line it would open ends at the next header, before its numbers.
        """
        filled = any(s.text.strip() and looks_like_value(s.text) for s in phys)
        if st.table in self.single_row and st.table not in st.blocks_done:
            n_keys = len(self._block_keys(st.table, st))
            return st.table if n_keys and (filled or len(phys) >= n_keys) else None
        return self._single_row_table_for(self._cells_at_most(phys), st) if filled else None

    def _cells_at_most(self, phys: list[Segment]) -> int:
        """Cells a line of values can hold: one per segment, or one per digit where the dump glued
        cells together (`00000 00 0 0 000000` is up to fifteen cells)."""
        if not self.glued:
            return len(phys)
        return sum(max(1, sum(ch.isdigit() for ch in s.text)) for s in phys)

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

    def _report_gaps(self, out: Assembly) -> None:
        read = {k for r in out.rows for k in r.keys[: len(r.segments)]}
        for m in self.edition.merged_rows:  # a row of another layout stands for its parts
            if read & set(m.layout.cell_keys):
                read.update(k for p in m.parts for k in p.cell_keys)
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
        self.last_text = ""
        """The last non-value text read, to name where unplaced values sit."""
        self.orphans: list[tuple[Orphan, int]] = []
        """Value rows on no recognised row, each with the index of its warning."""

    def note_table(self, table: str) -> None:
        if table not in self.out.tables_seen:
            self.out.tables_seen.append(table)

    def rows_done(self, table: str) -> set[str]:
        return self._done.get(table, set())

    def open_row(self, row: RowRead) -> None:
        """Start filling a row. A row label seen before opens another reading of the same row:
        the reconciler keeps the one that fits the table (a mislabeled wrapped tail, a repeated header)."""
        if row.label is not None:
            name = row.label.label or ""
            key = name.split(".", 1)[1] if "." in name else name
            done = self._done.setdefault(row.table, set())
            if key in done:
                self.out.warnings.append(f"{name[4:]} appears twice; the reading that fits the table is kept")
            done.add(key)
        self.open = row
        self.out.rows.append(row)

    def close(self) -> None:
        self.open = None
