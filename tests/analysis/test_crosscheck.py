"""Year against year: carry-forward links, implausible jumps, grouping, and what gets written."""

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xxgk.analysis.crosscheck import (
    JumpSpec,
    agency_key,
    crosscheck,
    is_jump,
    load_config,
    load_reports,
)
from xxgk.analysis.write import AGENCIES_CSV, FINDINGS_CSV, REPORTS_CSV, XLSX, write_outputs
from xxgk.contract import CellOut, CheckOut, Meta, Report
from xxgk.options import load_options
from xxgk.templates import load_editions

REVIEW_BELOW = load_options().review.below

AGENCY = "某某县民政局"


def make_report(doc_id: str, year: int | None, values: dict, agency: str | None = AGENCY,
                edition: str = "2019") -> Report:
    """A report whose table 3 balances: granted = new + over - forward in every column."""
    ed = load_editions()[edition]
    cells = {k: CellOut(value=0, status="read", confidence=0.99, text="0") for k in ed.cell_keys}
    for key, value in values.items():
        cells[key] = CellOut(value=value, status="read", confidence=0.99, text=str(value))
    return Report(doc_id=doc_id, meta=Meta(agency=agency, year=year, edition=edition, input_kind="text"),
                  cells=cells, checks=[CheckOut(rule="t3.balance", column="total", ok=True, detail="ok")])


def t3(new: int, over: int, forward: int) -> dict:
    out = {}
    for col in ("natural_person", "total"):
        out |= {f"t3.new_received.{col}": new, f"t3.carried_over.{col}": over,
                f"t3.carried_forward.{col}": forward, f"t3.granted.{col}": new + over - forward,
                f"t3.total.{col}": new + over - forward}
    return out


@pytest.fixture
def three_years() -> list[Report]:
    """2019 carries 2 forward and 2020 carries 2 over (fine); 2020 carries 1 forward but 2021
    reports 3 carried over (broken), and 2021's applications jump from 6 to 400."""
    return [
        make_report("r2019", 2019, t3(5, 0, 2)),
        make_report("r2020", 2020, t3(6, 2, 1)),
        make_report("r2021", 2021, t3(400, 3, 0), agency="某某县某某县民政局", edition="2021"),
    ]


def test_crosscheck_three_years_with_a_broken_carry_forward(three_years):
    result = crosscheck(three_years, load_config())
    assert [s.agency for s in result.series] == [AGENCY]
    assert result.series[0].years == [2019, 2020, 2021]
    carry = {(f.year, f.cell.rsplit(".", 1)[1]): f for f in result.findings if f.rule == "cross.carry_forward"}
    assert carry[(2019, "total")].ok is True and carry[(2019, "natural_person")].ok is True
    broken = carry[(2020, "total")]
    assert broken.ok is False and (broken.value, broken.next_value) == (1, 3)
    assert (broken.doc_id, broken.next_doc_id) == ("r2020", "r2021")
    assert broken.detail \
        == "2020 年结转下年度 t3.carried_forward.total = 1；2021 年上年结转 t3.carried_over.total = 3：不一致"
    assert carry[(2020, "commercial")].ok is True
    jumps = [f for f in result.findings if f.rule == "cross.jump"]
    assert {f.cell for f in jumps} == {"t3.new_received.total", "t3.granted.total", "t3.total.total"}
    assert all(f.year == 2020 and f.next_year == 2021 for f in jumps)
    failed = result.failed_by_doc()
    assert "cross.carry_forward[t3.carried_forward.total]" in failed["r2021"]
    assert "r2019" not in failed


def test_crosscheck_missing_cell_is_not_a_failure(three_years):
    three_years[1].cells["t3.carried_forward.total"] = CellOut(value=None, status="missing")
    result = crosscheck(three_years, load_config())
    link = next(f for f in result.findings
                if f.rule == "cross.carry_forward" and f.year == 2020 and f.cell.endswith(".total"))
    assert link.ok is None and "缺失" in link.detail


def test_crosscheck_gap_year_is_not_linked():
    reports = [make_report("a", 2019, t3(5, 0, 2)), make_report("b", 2021, t3(5, 7, 0))]
    assert [f for f in crosscheck(reports, load_config()).findings if f.rule == "cross.carry_forward"] == []


def test_crosscheck_duplicate_year_and_unplaced_reports():
    reports = [make_report("a", 2020, t3(5, 0, 2)), make_report("b", 2020, t3(5, 0, 2)),
               make_report("c", 2020, t3(4, 0, 2)), make_report("d", None, t3(1, 0, 0)),
               make_report("e", 2020, t3(1, 0, 0), agency=None)]
    result = crosscheck(reports, load_config())
    dups = {f.next_doc_id: f.ok for f in result.findings if f.rule == "cross.duplicate_year"}
    assert dups == {"b": True, "c": False}
    assert {f.doc_id for f in result.findings if f.rule == "cross.unplaced"} == {"d", "e"}


@pytest.mark.parametrize("a, b, flagged", [(3, 480, True), (480, 3, True), (0, 8, False), (0, 51, True),
                                           (300, 420, False), (10, 90, False), (5, 56, True)])
def test_crosscheck_jump_thresholds(a, b, flagged):
    assert is_jump(a, b, JumpSpec(ratio=10, min_change=50, cells=())) is flagged


def test_crosscheck_jump_thresholds_come_from_the_config(three_years, tmp_path):
    text = (Path(__file__).resolve().parents[2] / "configs" / "crosscheck.toml").read_text(encoding="utf-8")
    path = tmp_path / "strict.toml"
    path.write_text(text.replace("ratio = 10.0", "ratio = 1000.0"), encoding="utf-8")
    result = crosscheck(three_years, load_config(path))
    assert [f for f in result.findings if f.rule == "cross.jump"] == []


@pytest.mark.parametrize("name, key", [("慈溪市慈溪市退役军人事务局", "慈溪市退役军人事务局"),
                                       ("某某县 民政局", "某某县民政局"),
                                       ("某某县民政局(本级)", "某某县民政局（本级）"),
                                       (None, None), ("", None)])
def test_crosscheck_agency_key(name, key):
    assert agency_key(name) == key


def test_crosscheck_reads_extract_json_and_skips_others(three_years, tmp_path):
    for r in three_years:
        (tmp_path / f"{r.doc_id}.json").write_text(r.to_json(), encoding="utf-8")
    (tmp_path / "notes.json").write_text(json.dumps({"a": 1}), encoding="utf-8")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    loaded = load_reports([tmp_path])
    assert sorted(r.doc_id for r in loaded.reports) == ["r2019", "r2020", "r2021"]
    assert len(loaded.errors) == 2 and all(e.startswith("error: ") for e in loaded.errors)


def test_crosscheck_writes_tables_and_one_chart_per_agency(three_years, tmp_path):
    reports = [*three_years, make_report("other", 2020, t3(1, 0, 0), agency="另一县民政局")]
    config = load_config()
    result = crosscheck(reports, config)
    written = write_outputs(reports, result, tmp_path, load_editions(), config, review_below=REVIEW_BELOW)
    assert len(written.charts) == 1 and written.charts[0].suffix == ".png"
    assert written.charts[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with (tmp_path / REPORTS_CSV).open(encoding="utf-8-sig") as fh:
        rows = {r["doc_id"]: r for r in csv.DictReader(fh)}
    assert set(rows) == {"r2019", "r2020", "r2021", "other"}
    assert "cross.carry_forward[t3.carried_forward.total]" in rows["r2021"]["cross_year_failed"]
    assert rows["r2019"]["cross_year_failed"] == "" and rows["r2021"]["agency_key"] == AGENCY
    assert rows["r2020"]["t3.carried_forward.total"] == "1"
    with (tmp_path / FINDINGS_CSV).open(encoding="utf-8-sig") as fh:
        findings = list(csv.DictReader(fh))
    assert any(f["rule"] == "cross.carry_forward" and f["ok"] == "False" and f["year"] == "2020" for f in findings)
    with (tmp_path / AGENCIES_CSV).open(encoding="utf-8-sig") as fh:
        agencies = {r["agency"]: r for r in csv.DictReader(fh)}
    assert agencies[AGENCY]["years"] == "2019,2020,2021" and agencies[AGENCY]["carry_failed"] == "2"
    assert agencies[AGENCY]["chart"].startswith("charts/") and agencies["另一县民政局"]["chart"] == ""
    wb = load_workbook(tmp_path / XLSX, read_only=True)
    assert wb.sheetnames == ["reports", "cells", "checks", "crosscheck", "agencies"]
    checks = list(wb["checks"].iter_rows(values_only=True))
    assert len(checks) == 1, "the checks sheet keeps failed checks only (these reports have none)"
    cross = list(wb["crosscheck"].iter_rows(values_only=True))
    assert cross[0][:3] == ("agency", "rule", "ok") and any(r[2] is False for r in cross[1:])


def test_crosscheck_without_charts(three_years, tmp_path):
    config = load_config()
    written = write_outputs(three_years, crosscheck(three_years, config), tmp_path, load_editions(), config,
                            review_below=REVIEW_BELOW, charts=False)
    assert written.charts == [] and not (tmp_path / "charts").exists()
