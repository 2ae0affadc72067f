"""Many reports side by side, as one CSV or XLSX file a reviewer can sort, filter and compare.

Both writers take their rows from `wide_table`, so the CSV and the XLSX "reports" sheet always
agree. The columns are the union of every edition's cell keys in a fixed order (2019 template order,
then keys only later editions print), so files from different batches line up column for column.
A cell the output contract would flag for review (`CellOut.needs_review` at the review threshold) is
filled in colour in the XLSX, so a reviewer sees at a glance which numbers to check. Every text
written to either format goes through `xxgk.formulas.inert`, so no text becomes a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from xxgk.contract import CellOut, CheckOut, Report
from xxgk.formulas import inert
from xxgk.templates import Edition

META_COLUMNS = ("doc_id", "agency", "year", "edition", "publish_date", "input_kind", "status",
                "n_warnings", "failed_checks")
CELL_SHEET_COLUMNS = ("doc_id", "key", "table", "row", "col", "value", "status", "confidence", "text",
                      "rule")
CHECK_SHEET_COLUMNS = ("doc_id", "rule", "column", "row", "ok", "detail")

Value = str | int | float | None

_HEADER_FONT = Font(bold=True)
_REVIEW_FILL = PatternFill("solid", start_color="FFF2CC")
_MISSING_FILL = PatternFill("solid", start_color="E7E6E6")
_FAILED_FILL = PatternFill("solid", start_color="F8CBAD")


@dataclass(frozen=True)
class WideTable:
    """One row per report, in the order of the reports given."""

    header: tuple[str, ...]
    rows: list[list[Value]]
    n_fixed: int = len(META_COLUMNS)
    """Columns before the cell columns (the meta columns plus any extra columns)."""


@dataclass(frozen=True)
class Sheet:
    """A further sheet of plain rows (e.g. cross-year findings); rows whose `ok` column is False are
    filled like failed checks."""

    name: str
    header: tuple[str, ...]
    rows: Sequence[Sequence[Value]]


def cell_columns(editions: Mapping[str, Edition]) -> tuple[str, ...]:
    """Every edition's cell keys, oldest edition first, each key once, in template order."""
    return tuple(dict.fromkeys(key for edition in editions.values() for key in edition.cell_keys))


def check_name(check: CheckOut) -> str:
    """`t3.balance[total]`: the rule and where it was applied, since one rule runs per column/row."""
    scope = check.column or check.row
    return f"{check.rule}[{scope}]" if scope else check.rule


def wide_table(reports: Sequence[Report], statuses: Mapping[str, str],
               editions: Mapping[str, Edition], extra: Mapping[str, Mapping[str, Value]] | None = None) -> WideTable:
    """The side-by-side table; `statuses` maps doc_id to the run's status (success, partial_success).

    `extra` adds columns after the meta columns: column name -> doc_id -> value.
    """
    keys = cell_columns(editions)
    extra = extra or {}
    rows: list[list[Value]] = []
    for report in reports:
        meta = report.meta
        failed = [check_name(c) for c in report.checks if c.ok is False]
        row: list[Value] = [report.doc_id, meta.agency, meta.year, meta.edition, meta.publish_date,
                            meta.input_kind, statuses.get(report.doc_id), len(report.warnings),
                            "; ".join(failed)]
        row.extend(extra[name].get(report.doc_id) for name in extra)
        row.extend(report.cells[k].value if k in report.cells else None for k in keys)
        rows.append(row)
    return WideTable((*META_COLUMNS, *extra, *keys), rows, len(META_COLUMNS) + len(extra))


def write_csv(path: Path, reports: Sequence[Report], statuses: Mapping[str, str],
              editions: Mapping[str, Edition], extra: Mapping[str, Mapping[str, Value]] | None = None) -> None:
    """The wide table in UTF-8 with a BOM, so Excel shows the Chinese agency names, not mojibake."""
    table = wide_table(reports, statuses, editions, extra)
    write_rows_csv(path, table.header, table.rows)


def write_rows_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Value]]) -> None:
    """Any table as CSV the way the wide table is written (UTF-8 with BOM, None as empty)."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([inert(v) for v in header])
        writer.writerows([["" if v is None else inert(v) for v in row] for row in rows])


def write_xlsx(path: Path, reports: Sequence[Report], statuses: Mapping[str, str],
               editions: Mapping[str, Edition], extra: Mapping[str, Mapping[str, Value]] | None = None,
               sheets: Sequence[Sheet] = (), only_failed_checks: bool = False, *, review_below: float) -> None:
    """Sheets `reports` (the wide table), `cells` (one row per cell) and `checks` (one per check),
    then any further `sheets`; `only_failed_checks` keeps the checks sheet to the failed ones.
    Cells under `review_below` (the review threshold) are filled in colour.

    Written in openpyxl's write-only mode so a batch of thousands of reports stays in bounded memory.
    """
    wb = Workbook(write_only=True)
    _reports_sheet(wb.create_sheet("reports"), wide_table(reports, statuses, editions, extra), reports,
                   review_below)
    _cells_sheet(wb.create_sheet("cells"), reports, review_below)
    _checks_sheet(wb.create_sheet("checks"), reports, only_failed_checks)
    for sheet in sheets:
        _plain_sheet(wb.create_sheet(sheet.name), sheet)
    wb.save(path)


def _reports_sheet(ws: WriteOnlyWorksheet, table: WideTable, reports: Sequence[Report], review_below: float) -> None:
    ws.freeze_panes = "B2"
    ws.column_dimensions["A"].width = 28
    ws.append(_header(ws, table.header))
    n_meta = table.n_fixed
    failed_col = META_COLUMNS.index("failed_checks")
    for row, report in zip(table.rows, reports, strict=True):
        styled: list[WriteOnlyCell | Value] = list(row[:n_meta])
        if row[failed_col]:
            styled[failed_col] = _filled(ws, row[failed_col], _FAILED_FILL)
        for key, value in zip(table.header[n_meta:], row[n_meta:], strict=True):
            cell = report.cells.get(key)
            styled.append(_filled(ws, value, _fill_for(cell)) if cell and cell.needs_review(review_below) else value)
        _append(ws, styled)


def _cells_sheet(ws: WriteOnlyWorksheet, reports: Sequence[Report], review_below: float) -> None:
    ws.freeze_panes = "A2"
    ws.append(_header(ws, CELL_SHEET_COLUMNS))
    for report in reports:
        for key, cell in report.cells.items():
            table, row, col = key.split(".")
            values: list[Value] = [report.doc_id, key, table, row, col, cell.value, cell.status,
                                   cell.confidence, cell.text, cell.rule]
            if cell.needs_review(review_below):
                fill = _fill_for(cell)
                _append(ws, [_filled(ws, v, fill) for v in values])
            else:
                _append(ws, values)


def _checks_sheet(ws: WriteOnlyWorksheet, reports: Sequence[Report], only_failed: bool = False) -> None:
    ws.freeze_panes = "A2"
    ws.append(_header(ws, CHECK_SHEET_COLUMNS))
    for report in reports:
        for check in report.checks:
            if only_failed and check.ok is not False:
                continue
            values = [report.doc_id, check.rule, check.column, check.row, check.ok, check.detail]
            _append(ws, [_filled(ws, v, _FAILED_FILL) for v in values] if check.ok is False else values)


def _plain_sheet(ws: WriteOnlyWorksheet, sheet: Sheet) -> None:
    ws.freeze_panes = "A2"
    ws.append(_header(ws, sheet.header))
    ok_col = sheet.header.index("ok") if "ok" in sheet.header else None
    for row in sheet.rows:
        failed = ok_col is not None and row[ok_col] is False
        _append(ws, [_filled(ws, v, _FAILED_FILL) for v in row] if failed else list(row))


def _append(ws: WriteOnlyWorksheet, values: Sequence[WriteOnlyCell | Value]) -> None:
    """One row, its texts made inert (`xxgk.formulas`): openpyxl would store a text starting with `=` as a formula."""
    ws.append([inert(v) for v in values])  # cells made by `_filled` are inert already


def _header(ws: WriteOnlyWorksheet, names: Sequence[str]) -> list[WriteOnlyCell]:
    out = []
    for name in names:
        cell = WriteOnlyCell(ws, value=inert(name))
        cell.font = _HEADER_FONT
        out.append(cell)
    return out


def _fill_for(cell: CellOut) -> PatternFill:
    return _MISSING_FILL if cell.status == "missing" else _REVIEW_FILL


def _filled(ws: WriteOnlyWorksheet, value: Value, fill: PatternFill) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=inert(value))
    cell.fill = fill
    return cell
