"""Template editions: the tables, labels and arithmetic of each edition, read from `configs/templates`.

Nothing else in the code base knows a row or column of the report template; everything (cell keys,
the classifier's label set, the assembler's row layout, the reconciliation equations) is derived
from these validated config files, so a new edition is a new file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xxgk.settings import get_settings

Unit = Literal["count", "signed", "wan"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Strict):
    """A row or a column of a table: its key, the template wording and wordings seen in reports."""

    key: str
    label: str
    variants: tuple[str, ...] = ()
    unit: Unit = "count"
    path: tuple[str, ...] = ()
    """Merged group cells printed around this row or column, outermost first."""

    @property
    def wordings(self) -> tuple[str, ...]:
        return (self.label, *self.variants)


class GroupSpec(_Strict):
    """A block of rows sharing one column header (table 2 has one per 第二十条 item)."""

    label: str | None = None
    cols: tuple[FieldSpec, ...]
    rows: tuple[FieldSpec, ...]


class TableSpec(_Strict):
    id: str
    title: str
    layout: Literal["rows", "single_row"] = "rows"
    headers: tuple[str, ...] = ()
    groups: tuple[GroupSpec, ...]

    @property
    def row_groups(self) -> tuple[str, ...]:
        """Group cells spanning rows (`（三）不予公开`), from the rows' paths, in order."""
        return tuple(dict.fromkeys(p for g in self.groups for r in g.rows for p in r.path))

    @property
    def col_groups(self) -> tuple[str, ...]:
        """Group cells spanning columns (`法人或其他组织`), from the columns' paths, in order."""
        return tuple(dict.fromkeys(p for g in self.groups for c in g.cols for p in c.path))


class SectionSpec(_Strict):
    """One numbered part of the report (一 to 六, in the order of the config); a part whose id is a
    table's id holds that table."""

    id: str
    name: str
    """How check details cite the part (`正文（依申请公开）`)."""
    heading: str
    variants: tuple[str, ...] = ()
    role: Literal["opening", "body", "closing"] = "body"
    """`opening`: the part the report begins with, where it states its agency and year (prose before
    the first heading is its text when its own heading is missing); `closing`: the part that ends
    with the signature and the date."""

    @property
    def wordings(self) -> tuple[str, ...]:
        return (self.heading, *self.variants)


class RuleSpec(_Strict):
    """A family of linear identities: sum(lhs) == sum(rhs), instantiated per column or per row."""

    id: str
    table: str
    for_each: Literal["col", "row"]
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    description: str = ""


class MergedRowSpec(_Strict):
    """A row another layout prints in place of several rows of this edition (the 2019 template's
    single （六）其他处理 in a 2021 report): each printed value is the sum of those rows' cells."""

    table: str
    key: str
    """Names the printed row's cells (`t3.other.total`); not a cell of this edition."""
    label: str
    variants: tuple[str, ...] = ()
    rows: tuple[str, ...]
    """The rows of this edition the printed row stands for."""

    @property
    def wordings(self) -> tuple[str, ...]:
        return (self.label, *self.variants)


class EditionSpec(_Strict):
    edition: str
    description: str
    report_years: tuple[int, ...] = ()
    sections: tuple[SectionSpec, ...]
    tables: tuple[TableSpec, ...]
    rules: tuple[RuleSpec, ...] = Field(default=())
    merged_rows: tuple[MergedRowSpec, ...] = Field(default=())

    @model_validator(mode="after")
    def _check_sections(self) -> EditionSpec:
        ids = [s.id for s in self.sections]
        if len(set(ids)) != len(ids):
            raise ValueError(f"edition {self.edition}: a section id repeats: {ids}")
        for role in ("opening", "closing"):
            if sum(s.role == role for s in self.sections) > 1:
                raise ValueError(f"edition {self.edition}: more than one {role} section")
        return self


@dataclass(frozen=True)
class RowLayout:
    """One template row as the assembler fills it: the row label's key and its cell keys in order."""

    table: str
    row: str
    cell_keys: tuple[str, ...]
    units: tuple[Unit, ...]


@dataclass(frozen=True)
class MergedRow:
    """A printed row standing for several template rows, with its cells and theirs."""

    layout: RowLayout
    parts: tuple[RowLayout, ...]
    wordings: tuple[str, ...]


@dataclass(frozen=True)
class Equation:
    """One instantiated identity of a rule, e.g. t3.balance in column `total`."""

    rule: str
    scope: Literal["col", "row"]
    scope_key: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    description: str


class Edition:
    """An edition's config with the derived views the pipeline needs."""

    def __init__(self, spec: EditionSpec):
        self.spec = spec
        self.id = spec.edition
        self._validate()

    def _validate(self) -> None:
        known = self.cell_keys_set
        for eq in self.equations:
            for key in (*eq.lhs, *eq.rhs):
                if key not in known:
                    raise ValueError(f"edition {self.id}: rule {eq.rule} names unknown cell {key}")
        for m in self.spec.merged_rows:
            if self.row(m.table, m.key) is not None or any(self.row(m.table, r) is None for r in m.rows):
                raise ValueError(f"edition {self.id}: merged row {m.table}.{m.key} must be a new key "
                                 f"standing for rows of the edition, got {m.rows}")

    def table(self, table_id: str) -> TableSpec:
        for t in self.spec.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    @cached_property
    def rows(self) -> tuple[RowLayout, ...]:
        """Every template row with its cells, in template order."""
        out = []
        for t in self.spec.tables:
            for g in t.groups:
                for r in g.rows:
                    keys = tuple(f"{t.id}.{r.key}.{c.key}" for c in g.cols)
                    out.append(RowLayout(t.id, r.key, keys, tuple(c.unit for c in g.cols)))
        return tuple(out)

    def row(self, table: str, row: str) -> RowLayout | None:
        for r in self.rows:
            if r.table == table and r.row == row:
                return r
        return None

    @cached_property
    def merged_rows(self) -> tuple[MergedRow, ...]:
        """Rows of other layouts printed in place of this edition's rows; their cells are the
        columns of the rows they stand for."""
        out = []
        for m in self.spec.merged_rows:
            parts = tuple(self.row(m.table, r) for r in m.rows)
            first = parts[0]
            assert first is not None  # checked by _validate
            cols = [k.rsplit(".", 1)[1] for k in first.cell_keys]
            layout = RowLayout(m.table, m.key, tuple(f"{m.table}.{m.key}.{c}" for c in cols), first.units)
            out.append(MergedRow(layout, parts, m.wordings))  # type: ignore[arg-type]
        return tuple(out)

    def merged_row(self, table: str, row: str) -> MergedRow | None:
        return next((m for m in self.merged_rows if m.layout.table == table and m.layout.row == row), None)

    @cached_property
    def cell_keys(self) -> tuple[str, ...]:
        return tuple(k for r in self.rows for k in r.cell_keys)

    @cached_property
    def cell_keys_set(self) -> frozenset[str]:
        return frozenset(self.cell_keys)

    @cached_property
    def units(self) -> dict[str, Unit]:
        """Per cell key, its unit; merged rows' printed cells included."""
        layouts = (*self.rows, *(m.layout for m in self.merged_rows))
        return {k: u for r in layouts for k, u in zip(r.cell_keys, r.units, strict=True)}

    @cached_property
    def label_keys(self) -> frozenset[str]:
        """The row and column labels (`row:t3.granted`, `col:t2.new_made`) this edition prints."""
        out = set()
        for t in self.spec.tables:
            for g in t.groups:
                out.update(f"row:{t.id}.{r.key}" for r in g.rows)
                out.update(f"col:{t.id}.{c.key}" for c in g.cols)
        return frozenset(out)

    @cached_property
    def equations(self) -> tuple[Equation, ...]:
        out = []
        for rule in self.spec.rules:
            t = self.table(rule.table)
            if rule.for_each == "col":
                cols = {c.key for g in t.groups for c in g.cols}
                for c in sorted(cols, key=_order_in(t, "cols")):
                    out.append(Equation(rule.id, "col", c,
                                        tuple(f"{t.id}.{r}.{c}" for r in rule.lhs),
                                        tuple(f"{t.id}.{r}.{c}" for r in rule.rhs), rule.description))
            else:
                for g in t.groups:
                    for r in g.rows:
                        out.append(Equation(rule.id, "row", r.key,
                                            tuple(f"{t.id}.{r.key}.{c}" for c in rule.lhs),
                                            tuple(f"{t.id}.{r.key}.{c}" for c in rule.rhs),
                                            rule.description))
        return tuple(out)

    def section_role(self, role: Literal["opening", "closing"]) -> str | None:
        """The id of the section with this role, None when the edition has none."""
        return next((s.id for s in self.spec.sections if s.role == role), None)

    @cached_property
    def section_names(self) -> dict[str, str]:
        return {s.id: s.name for s in self.spec.sections}

    def label_text(self, key: str) -> str:
        """Chinese wording of a cell key's row and column, for human-readable check details."""
        table, row, col = key.split(".")
        t = self.table(table)
        for g in t.groups:
            rows = {r.key: r.label for r in g.rows}
            cols = {c.key: c.label for c in g.cols}
            if row in rows and col in cols:
                return f"{rows[row]}/{cols[col]}"
        return key


@dataclass(frozen=True)
class SectionLayout:
    """The report's parts as all editions agree on them: what splitting a report needs before its
    edition is known."""

    order: tuple[str, ...]
    """Section ids in the order the parts are numbered (一 is the first)."""
    tables: frozenset[str]
    """Sections that hold a table (their id is a table's)."""
    opening: str | None
    """The opening section (see `SectionSpec.role`)."""

    @classmethod
    def of(cls, editions: Iterable[Edition]) -> SectionLayout:
        editions = list(editions)
        order = tuple(dict.fromkeys(s.id for e in editions for s in e.spec.sections))
        for e in editions:
            ids = [s.id for s in e.spec.sections]
            if ids != sorted(ids, key=order.index):
                raise ValueError(f"edition {e.id} orders its sections {ids}, another edition {list(order)}")
        openings = {o for e in editions if (o := e.section_role("opening")) is not None}
        if len(openings) > 1:
            raise ValueError(f"editions open with different sections: {sorted(openings)}")
        tables = {t.id for e in editions for t in e.spec.tables}
        return cls(order, frozenset(s for s in order if s in tables), next(iter(openings), None))


def _order_in(table: TableSpec, what: Literal["cols", "rows"]):
    order: dict[str, int] = {}
    for g in table.groups:
        for f in getattr(g, what):
            order.setdefault(f.key, len(order))
    return lambda k: order[k]


def load_edition(path: Path) -> Edition:
    with path.open("rb") as fh:
        return Edition(EditionSpec.model_validate(tomllib.load(fh)))


@lru_cache(maxsize=8)
def load_editions(templates_dir: Path | None = None) -> dict[str, Edition]:
    """All editions of the templates folder, keyed by edition id, oldest first."""
    folder = templates_dir or get_settings().templates_dir
    editions = [load_edition(p) for p in sorted(folder.glob("*.toml"))]
    if not editions:
        raise FileNotFoundError(f"no template editions in {folder}")
    return {e.id: e for e in editions}


def label_set(editions: dict[str, Edition]) -> tuple[str, ...]:
    """The classifier's label inventory: structural labels plus every row, column and section label.

    Sorted and stable so a checkpoint's label map can be compared with the configs it serves.
    """
    structural = ("O", "title", "meta.agency", "meta.date", "header", "row_group", "value")
    sections = sorted({f"sec:{s.id}" for e in editions.values() for s in e.spec.sections})
    fields = sorted(set().union(*(e.label_keys for e in editions.values())))
    return (*structural, *sections, *fields)
