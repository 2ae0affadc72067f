"""A generated report as blocks: paragraphs and tables whose every cell knows its label.

The table layouts are built from the edition config (rows, columns, their group paths), printed
the way the national template prints them: table 2 as stacked 第二十条 groups, table 3 with three
label columns and a two-level applicant header, table 4 as one data line under column groups. The
damage real reports show is applied here, with the gold updated to what the page then says:
truncated tables, a missing row, a row short of its last cell, Word field errors, dashes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from xxgk.inference.numbers import Number
from xxgk.templates import Edition, FieldSpec, TableSpec
from xxgk.training.synth import prose
from xxgk.training.synth.garble import garble_text
from xxgk.training.synth.values import ReportTruth

NUMERALS = "一二三四五六七八九十"
FIELD_ERRORS = ("错误！未指定文件名。", "错误!未定义书签。", "错误！未找到引用源。")


@dataclass
class Cell:
    text: str
    label: str
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None
    """The cell key a value cell prints (for gold and debugging)."""


@dataclass
class Table:
    id: str
    n_cols: int
    rows: list[list[Cell]]
    """Origin cells per grid row, as in HTML (cells covered by a span are not repeated)."""


@dataclass
class Para:
    text: str
    label: str


Block = Para | Table


@dataclass
class Style:
    """How one document prints: wording, numbers and damage, drawn once per document."""

    variant_rate: float = 0.2
    blank_zeros: bool = False
    thousands: bool = False
    wan_suffix: bool = False
    yuan_amounts: bool = False
    fullwidth: bool = False
    split_numbering: bool = False
    applicants_span_total: bool = True
    truncate_t3_after: int | None = None
    drop_t4: bool = False
    missing_row: str | None = None
    short_row: str | None = None
    field_error: str | None = None
    title_shape: str = "whole"
    signature: bool = True
    top_date: bool = True
    breadcrumb: bool = False
    subheadings: bool = True
    garble: float = 0.0
    """Per-character rate of OCR-style damage to label text (headings, row and column labels)."""
    garble_rng: random.Random = field(default_factory=random.Random)
    """The damage's own draws, so that a garbled copy is the same report as its clean one."""
    shuffle_rows: bool = False
    """Rows printed out of template order (table 3 then prints each row's group inline)."""


def sample_style(rng: random.Random, edition: Edition, damage: float = 1.0) -> Style:
    """A document's style; `damage` scales the probabilities of structural damage (0 = none)."""
    t3_rows = [r.row for r in edition.rows if r.table == "t3"]
    t2_rows = [r.row for r in edition.rows if r.table == "t2"]
    truncate = rng.randrange(2, len(t3_rows) - 1) if rng.random() < 0.08 * damage else None
    return Style(
        variant_rate=rng.choice([0.0, 0.1, 0.3]),
        blank_zeros=rng.random() < 0.15,
        thousands=rng.random() < 0.3,
        wan_suffix=rng.random() < 0.3,
        yuan_amounts=rng.random() < 0.05,
        fullwidth=rng.random() < 0.05,
        split_numbering=rng.random() < 0.15,
        applicants_span_total=rng.random() < 0.5,
        truncate_t3_after=truncate,
        drop_t4=truncate is not None and rng.random() < 0.5,
        missing_row=rng.choice(t2_rows) if rng.random() < 0.05 * damage else None,
        short_row=rng.choice(t3_rows[:4]) if rng.random() < 0.04 * damage else None,
        field_error=(rng.choice([k for k in edition.cell_keys if k.startswith(("t3.", "t4."))])
                     if rng.random() < 0.04 * damage else None),
        title_shape=rng.choices(["whole", "year_first", "split", "none"], weights=[5, 2, 2, 0.5])[0],
        signature=rng.random() < 0.75,
        top_date=rng.random() < 0.5,
        breadcrumb=rng.random() < 0.2,
        subheadings=rng.random() < 0.6,
    )


@dataclass
class Layout:
    blocks: list[Block]
    gold: dict[str, Number | None]
    """What the document says per cell key (None: dash, missing, cut off, illegible)."""
    meta: dict[str, object] = field(default_factory=dict)


def _wording(rng: random.Random, spec: FieldSpec, style: Style) -> str:
    text = rng.choice(spec.variants) if spec.variants and rng.random() < style.variant_rate else spec.label
    return _damaged(text, style)


def _damaged(text: str, style: Style) -> str:
    return garble_text(text, style.garble_rng, style.garble) if style.garble > 0 else text


def format_value(value: Number | None, unit: str, style: Style, rng: random.Random) -> str:
    if value is None:
        return rng.choice(["-", "/", "—"])
    if value == 0 and style.blank_zeros and unit != "wan":
        return ""
    if unit == "wan" and style.yuan_amounts:
        yuan = round(value * 10000, 2)
        text = (f"{int(yuan)}" if float(yuan).is_integer() else f"{yuan}") + "元"
    elif isinstance(value, float) or unit == "wan":
        text = f"{value:g}" if not float(value).is_integer() else str(int(value))
        if unit == "wan" and style.wan_suffix:
            text += "万元"
    elif style.thousands and abs(value) >= 1000:
        text = f"{value:,}"
    else:
        text = str(value)
    if style.fullwidth:
        text = text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    return text


class LayoutBuilder:
    def __init__(self, edition: Edition, truth: ReportTruth, style: Style, rng: random.Random):
        self.edition, self.truth, self.style, self.rng = edition, truth, style, rng
        self.gold: dict[str, Number | None] = dict(truth.values)

    def value_cell(self, key: str) -> Cell:
        unit = self.edition.units[key]
        v = self.truth.values[key]
        if self.style.field_error == key:
            self.gold[key] = None
            return Cell(self.rng.choice(FIELD_ERRORS), "value", key=key)
        return Cell(format_value(v, unit, self.style, self.rng), "value", key=key)

    def build(self) -> Layout:
        rng, style, truth = self.rng, self.style, self.truth
        blocks: list[Block] = []
        if style.breadcrumb:
            blocks.append(Para(rng.choice(prose.BREADCRUMBS), "O"))
        blocks.extend(self._title())
        intros = prose.INTRO if out_title(blocks) else prose.INTRO[:2]  # the period names the year
        blocks.append(Para(prose.fill(rng.choice(intros), rng, year=truth.year), "O"))
        tables = {t.id for t in self.edition.spec.tables}
        for i, spec in enumerate(self.edition.spec.sections):
            sid = spec.id
            if sid == "t4" and style.drop_t4:
                self._drop_table("t4")
                continue
            wording = spec.heading if rng.random() > 0.25 else rng.choice(spec.wordings)
            if not wording.startswith(tuple(NUMERALS)):
                wording = f"{NUMERALS[i]}、{wording}"
            blocks.append(Para(_damaged(wording, style), f"sec:{sid}"))
            if sid in tables:
                blocks.append(self._table(self.edition.table(sid)))
            else:
                blocks.extend(self._prose(sid))
        if style.signature:
            blocks.append(Para(truth.agency, "meta.agency"))
            y, m, d = truth.publish_date.split("-")
            blocks.append(Para(f"{y}年{int(m)}月{int(d)}日", "meta.date"))
        return Layout(blocks, self.gold, {"agency": truth.agency, "year": truth.year,
                                          "edition": truth.edition, "publish_date": truth.publish_date})

    def _title(self) -> list[Para]:
        t, shape = self.truth, self.style.title_shape
        report = self.rng.choice(["政府信息公开工作年度报告", "政府信息公开工作年报", "年度政府信息公开工作报告"])
        out: list[Para]
        if shape == "whole":
            out = [Para(f"{t.agency}{self.rng.choice(['', ' '])}{t.year}年{report}", "title")]
        elif shape == "year_first":
            out = [Para(f"{t.year}年{t.agency}{report}", "title")]
        elif shape == "split":
            out = [Para(t.agency, "meta.agency"), Para(f"{t.year}年{report}", "title")]
        else:
            out = []
        if self.style.top_date and out:
            out.append(Para(t.publish_date, "meta.date"))
        return out

    def _prose(self, sid: str) -> list[Para]:
        rng, t = self.rng, self.truth
        facts = {"year": t.year, "agency": t.agency,
                 "req": self.gold.get("t3.new_received.total") or 0,
                 "carried": self.gold.get("t3.carried_over.total") or 0}
        bank = {"overview": prose.OVERVIEW, "problems": prose.PROBLEMS}.get(sid, prose.OTHER)
        quiet = facts["req"] == 0 and not any(self.gold.get(f"t4.{r}.total") for r in
                                               ("review", "suit_direct", "suit_after_review"))
        if sid == "overview" and quiet:
            bank = (*bank, prose.NOTHING_RECEIVED)
        n = rng.randint(1, 4) if sid == "overview" else rng.randint(1, 2)
        out = []
        for i, template in enumerate(rng.sample(bank, min(n, len(bank)))):
            if sid == "overview" and self.style.subheadings and i < len(prose.SUBHEADINGS) and rng.random() < 0.6:
                out.append(Para(prose.SUBHEADINGS[i], "O"))
            out.append(Para(prose.fill(template, rng, **facts), "O"))
        return out

    def _drop_table(self, table: str) -> None:
        for key in self.edition.cell_keys:
            if key.startswith(table + "."):
                self.gold[key] = None

    def _table(self, spec: TableSpec) -> Table:
        build = {"t2": self._table2, "t3": self._table3, "t4": self._table4}.get(spec.id)
        if build is None:
            return self._generic_table(spec)
        return build(spec)

    def _value_row(self, table: str, row: str) -> list[Cell]:
        layout = self.edition.row(table, row)
        assert layout is not None
        cells = [self.value_cell(k) for k in layout.cell_keys]
        if self.style.short_row == row and table == "t3":
            self.gold[layout.cell_keys[-1]] = None
            cells = cells[:-1]
        return cells

    def _table2(self, spec: TableSpec) -> Table:
        width = 1 + max(len(g.cols) for g in spec.groups)
        rows: list[list[Cell]] = []
        for g in spec.groups:
            rows.append([Cell(_damaged(g.label or "", self.style), "header", colspan=width)])
            header = [Cell(_damaged(spec.headers[0] if spec.headers else "信息内容", self.style), "header")]
            header += [Cell(_wording(self.rng, c, self.style), f"col:t2.{c.key}") for c in g.cols]
            rows.append(self._pad(header, width))
            group_rows = list(g.rows)
            if self.style.shuffle_rows:
                self.rng.shuffle(group_rows)
            for r in group_rows:
                if self.style.missing_row == r.key:
                    for k in self.edition.row("t2", r.key).cell_keys:  # type: ignore[union-attr]
                        self.gold[k] = None
                    continue
                data = [Cell(_wording(self.rng, r, self.style), f"row:t2.{r.key}"), *self._value_row("t2", r.key)]
                rows.append(self._pad(data, width))
        return Table("t2", width, rows)

    def _pad(self, cells: list[Cell], width: int) -> list[Cell]:
        used = sum(c.colspan for c in cells)
        if used >= width:
            return cells
        if self.rng.random() < 0.5:
            cells[-1].colspan += width - used
            return cells
        return cells + [Cell("", "value") for _ in range(width - used)]

    def _table3(self, spec: TableSpec) -> Table:
        rng, style = self.rng, self.style
        (group,) = spec.groups
        cols, rows_spec = group.cols, group.rows
        width = 3 + len(cols)
        note = spec.headers[0] if spec.headers else ""
        header: list[list[Cell]] = []
        applicants = [c for c in cols if c.path and c.path[0] == "申请人情况"]
        inner = [c for c in applicants if len(c.path) > 1]
        total_col = [c for c in cols if not c.path]
        span_all = style.applicants_span_total
        top = [Cell(_damaged(note, style), "header", rowspan=3, colspan=3),
               Cell(_damaged("申请人情况", style), "header",
                    colspan=len(applicants) + (len(total_col) if span_all else 0))]
        if not span_all:
            top += [Cell(_wording(rng, c, style), f"col:t3.{c.key}", rowspan=3) for c in total_col]
        header.append(top)
        second: list[Cell] = []
        for c in applicants:
            if len(c.path) == 1:
                second.append(Cell(_wording(rng, c, style), f"col:t3.{c.key}", rowspan=2))
        if inner:
            second.insert(1, Cell(_damaged(inner[0].path[1], style), "header", colspan=len(inner)))
        if span_all:
            second += [Cell(_wording(rng, c, style), f"col:t3.{c.key}", rowspan=2) for c in total_col]
        header.append(second)
        header.append([Cell(_wording(rng, c, style), f"col:t3.{c.key}") for c in inner])
        body: list[list[Cell]] = []
        cut = style.truncate_t3_after
        kept = rows_spec if cut is None else rows_spec[: cut + 1]
        if cut is not None:
            for r in rows_spec[cut + 1:]:
                for k in self.edition.row("t3", r.key).cell_keys:  # type: ignore[union-attr]
                    self.gold[k] = None
        if style.shuffle_rows:
            return Table("t3", width, header + self._shuffled_rows(kept))
        outer_done: set[str] = set()
        inner_done: set[str] = set()
        for r in kept:
            label = _wording(rng, r, style)
            cells: list[Cell] = []
            depth = len(r.path)
            if depth >= 1 and r.path[0] not in outer_done:
                n = sum(1 for x in kept if x.path[:1] == r.path[:1])
                cells.append(Cell(_damaged(r.path[0], style), "row_group", rowspan=n))
                outer_done.add(r.path[0])
            if depth >= 2 and r.path[1] not in inner_done:
                n = sum(1 for x in kept if x.path[:2] == r.path[:2])
                cells.append(Cell(_damaged(r.path[1], style), "row_group", rowspan=n))
                inner_done.add(r.path[1])
            span = 3 - depth
            if depth == 0 and style.split_numbering and label[:2].endswith("、"):
                cells.append(Cell(label[:2], "row_group"))
                cells.append(Cell(label[2:], f"row:t3.{r.key}", colspan=2))
            else:
                cells.append(Cell(label, f"row:t3.{r.key}", colspan=span))
            cells.extend(self._value_row("t3", r.key))
            body.append(cells)
        return Table("t3", width, header + body)

    def _shuffled_rows(self, rows: tuple[FieldSpec, ...] | list[FieldSpec]) -> list[list[Cell]]:
        """Rows out of order: no spanning group cells, each item labelled with its group inline."""
        order = list(rows)
        self.rng.shuffle(order)
        out = []
        for r in order:
            label = _wording(self.rng, r, self.style)
            if len(r.path) > 1:
                label = _damaged(r.path[-1], self.style) + self.rng.choice(["", " "]) + label
            out.append([Cell(label, f"row:t3.{r.key}", colspan=3), *self._value_row("t3", r.key)])
        return out

    def _table4(self, spec: TableSpec) -> Table:
        rng, style = self.rng, self.style
        (group,) = spec.groups
        cols, rows_spec = group.cols, group.rows
        n = len(cols)
        top: list[Cell] = []
        second: list[Cell] = []
        third: list[Cell] = []
        for r in rows_spec:
            if not r.path:
                top.append(Cell(_wording(rng, r, style), f"row:t4.{r.key}", colspan=n))
                second += [Cell(_wording(rng, c, style), f"col:t4.{c.key}", rowspan=2) for c in cols]
            else:
                if not top or top[-1].label != "row_group":
                    top.append(Cell(_damaged(r.path[0], style), "row_group", colspan=0))
                top[-1].colspan += n
                second.append(Cell(_wording(rng, r, style), f"row:t4.{r.key}", colspan=n))
                third += [Cell(_wording(rng, c, style), f"col:t4.{c.key}") for c in cols]
        data = [self.value_cell(k) for r in rows_spec for k in self.edition.row("t4", r.key).cell_keys]  # type: ignore[union-attr]
        return Table("t4", n * len(rows_spec), [top, second, third, data])

    def _generic_table(self, spec: TableSpec) -> Table:
        """Tables of a new edition: a header of its columns, then one labeled row per template row."""
        rows: list[list[Cell]] = []
        width = 1 + max(len(g.cols) for g in spec.groups)
        for g in spec.groups:
            if g.label:
                rows.append([Cell(g.label, "header", colspan=width)])
            rows.append(self._pad([Cell("", "value")] + [Cell(_wording(self.rng, c, self.style),
                                                                f"col:{spec.id}.{c.key}") for c in g.cols], width))
            for r in g.rows:
                rows.append(self._pad([Cell(_wording(self.rng, r, self.style), f"row:{spec.id}.{r.key}"),
                                       *self._value_row(spec.id, r.key)], width))
        return Table(spec.id, width, rows)


def build_layout(edition: Edition, truth: ReportTruth, style: Style, rng: random.Random) -> Layout:
    return LayoutBuilder(edition, truth, style, rng).build()


def out_title(blocks: list[Block]) -> bool:
    return any(isinstance(b, Para) and b.label == "title" for b in blocks)


def place(table: Table) -> list[tuple[int, int, Cell]]:
    """Grid position (row, col) of every origin cell, resolving spans as HTML does."""
    occupied: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in occupied:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    occupied.add((r + dr, c + dc))
            c += cell.colspan
    return out
