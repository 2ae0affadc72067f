"""The many-reports tables: column order, CSV encoding and values, XLSX sheets and highlighting."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from xxgk.contract import CellOut, CheckOut, Meta, Report
from xxgk.inference.pipeline import Pipeline
from xxgk.options import load_options
from xxgk.runners.export import CELL_SHEET_COLUMNS, META_COLUMNS, cell_columns, write_csv, write_xlsx
from xxgk.templates import load_editions

REVIEW_BELOW = load_options().review.below

SEED_004 = "004_03aa3c703994b485"


@pytest.fixture(scope="module")
def seed_reports(seeds_dir: Path) -> tuple[list[Report], dict[str, str]]:
    pipeline = Pipeline()
    outcomes = [pipeline.extract(p) for p in sorted(seeds_dir.glob("*.txt"))]
    assert all(o.report is not None for o in outcomes)
    return [o.report for o in outcomes if o.report], {o.doc_id: o.status for o in outcomes}


def _handmade_report() -> Report:
    """A 2019 report with one cell of each review state and one failed check."""
    cells = {
        "t3.total.total": CellOut(value=4, status="read", confidence=0.99, text="4"),
        "t3.total.natural_person": CellOut(value=3, status="read", confidence=0.5, text="3"),
        "t3.total.commercial": CellOut(value=1, status="inferred", confidence=0.9, rule="t3.balance"),
        "t3.total.other_org": CellOut(value=None, status="missing"),
    }
    checks = [CheckOut(rule="t3.balance", column="total", ok=False, detail="3+1 == 5+0"),
              CheckOut(rule="t3.balance", column="commercial", ok=True, detail="1 == 1")]
    return Report(doc_id="hand", meta=Meta(agency="某某局", year=2020, edition="2019", input_kind="text"),
                  cells=cells, checks=checks, warnings=["t3 truncated"])


def test_export_cell_columns_2019_order_then_later_only_keys() -> None:
    editions = load_editions()
    columns = cell_columns(editions)
    first = editions["2019"].cell_keys
    assert columns[: len(first)] == first
    assert set(columns) == set(first) | set(editions["2021"].cell_keys)
    assert len(columns) == len(set(columns))


def test_export_csv_has_bom_header_and_seed_values(seed_reports, tmp_path: Path) -> None:
    reports, statuses = seed_reports
    path = tmp_path / "reports.csv"
    write_csv(path, reports, statuses, load_editions())

    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["doc_id"]: r for r in csv.DictReader(fh)}
    assert len(rows) == 5
    row = rows[SEED_004]
    assert row["t3.total.total"] == "4"
    assert float(row["t2.procurement.amount_wan"]) == pytest.approx(20.917)
    assert row["agency"] == "慈溪市退役军人事务局"
    assert row["edition"] == "2019" and row["status"] == statuses[SEED_004]
    assert row["t2.rules.issued"] == ""  # a 2021-only key in a 2019 report


def test_export_csv_reports_missing_cells_empty_and_failed_checks(tmp_path: Path) -> None:
    path = tmp_path / "reports.csv"
    write_csv(path, [_handmade_report()], {"hand": "partial_success"}, load_editions())
    with path.open(encoding="utf-8-sig", newline="") as fh:
        (row,) = csv.DictReader(fh)
    assert row["t3.total.other_org"] == ""
    assert row["n_warnings"] == "1"
    assert row["failed_checks"] == "t3.balance[total]"


def test_export_xlsx_sheets_values_and_frozen_header(seed_reports, tmp_path: Path) -> None:
    reports, statuses = seed_reports
    path = tmp_path / "reports.xlsx"
    write_xlsx(path, reports, statuses, load_editions(), review_below=REVIEW_BELOW)

    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["reports", "cells", "checks"]
    ws = wb["reports"]
    assert ws.freeze_panes == "B2"
    header = [c.value for c in ws[1]]
    assert tuple(header[: len(META_COLUMNS)]) == META_COLUMNS
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == SEED_004)
    assert row[header.index("t3.total.total")] == 4
    assert row[header.index("t2.procurement.amount_wan")] == pytest.approx(20.917)
    assert wb["cells"].max_row == 1 + sum(len(r.cells) for r in reports)
    assert wb["checks"].max_row == 1 + sum(len(r.checks) for r in reports)


def test_export_xlsx_highlights_cells_to_review_and_failed_checks(tmp_path: Path) -> None:
    path = tmp_path / "reports.xlsx"
    write_xlsx(path, [_handmade_report()], {"hand": "partial_success"}, load_editions(), review_below=REVIEW_BELOW)
    wb = openpyxl.load_workbook(path)

    def filled(cell) -> bool:
        return cell.fill.fill_type == "solid"

    ws = wb["reports"]
    header = [c.value for c in ws[1]]
    row = ws[2]
    assert not filled(row[header.index("t3.total.total")])
    assert filled(row[header.index("t3.total.natural_person")])  # read, confidence 0.5
    assert filled(row[header.index("t3.total.commercial")])  # inferred
    assert filled(row[header.index("t3.total.other_org")])  # missing
    assert filled(row[header.index("failed_checks")])

    cells = {r[CELL_SHEET_COLUMNS.index("key")].value: r for r in wb["cells"].iter_rows(min_row=2)}
    assert not filled(cells["t3.total.total"][0])
    assert filled(cells["t3.total.natural_person"][0])
    assert [c.value for c in cells["t3.total.total"]][2:5] == ["t3", "total", "total"]

    checks = list(wb["checks"].iter_rows(min_row=2))
    assert [(c[4].value, filled(c[0])) for c in checks] == [(False, True), (True, False)]


def test_export_no_text_becomes_a_formula(tmp_path: Path) -> None:
    """A doc id from a file name, an agency, a cell's text and a check's detail that start like formulas are
    written as text in both formats; plain numbers and dashes are left as they are."""
    report = _handmade_report().model_copy(update={"doc_id": "=1+2*3"})
    report.meta.agency = "@SUM(A1:A9)"
    report.cells["t3.total.total"] = CellOut(value=4, status="read", confidence=0.99, text="+4+cmd|' /C calc'!A0")
    report.cells["t3.total.natural_person"] = CellOut(value=None, status="read", confidence=0.99, text="-")
    report.checks[0] = CheckOut(rule="t3.balance", column="total", ok=False, detail="\t=HYPERLINK(\"x\")")
    editions = load_editions()
    write_csv(tmp_path / "r.csv", [report], {"=1+2*3": "partial_success"}, editions)
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as fh:
        row = next(csv.DictReader(fh))
    assert row["doc_id"] == "'=1+2*3" and row["agency"] == "'@SUM(A1:A9)"
    write_xlsx(tmp_path / "r.xlsx", [report], {"=1+2*3": "partial_success"}, editions, review_below=REVIEW_BELOW)
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    formulas = [c.coordinate for ws in wb for r in ws.iter_rows() for c in r if c.data_type == "f"]
    assert not formulas
    texts = {c.value for ws in wb for r in ws.iter_rows() for c in r if isinstance(c.value, str)}
    assert {"'=1+2*3", "'@SUM(A1:A9)", "'+4+cmd|' /C calc'!A0", "'\t=HYPERLINK(\"x\")", "-"} <= texts
    risky = [t for t in texts if t.startswith(("=", "+", "@", "\t", "\r")) or (t.startswith("-") and t.strip("-"))]
    assert not risky


def test_export_inert_leaves_numbers_and_dashes() -> None:
    from xxgk.formulas import inert

    assert [inert(v) for v in ("-", "--", "-3", "+1.5", 7, None, "abc", "=A1", "-A1", "\rx")] == \
        ["-", "--", "-3", "+1.5", 7, None, "abc", "'=A1", "'-A1", "'\rx"]
