"""What `xxgk crosscheck` writes: the reports side by side with their failed checks, the cross-year
findings, a summary per agency, and one chart per agency.

    OUT/crosscheck_reports.csv   every report, one row each (the `xxgk extract` wide table plus
                                 `agency_key` and `cross_year_failed`)
    OUT/crosscheck_findings.csv  every cross-year finding (carry-forward per column, jumps,
                                 duplicate years, reports in no series)
    OUT/crosscheck_agencies.csv  one row per agency: years, failures, chart file
    OUT/crosscheck.xlsx          the same as sheets `reports`, `cells`, `checks` (failed only),
                                 `crosscheck`, `agencies`; failures filled in colour
    OUT/charts/NNN_<agency>.png  one chart per agency with at least `charts.min_years` reports
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xxgk.analysis.crosscheck import FINDING_COLUMNS, CrosscheckConfig, CrossResult, Finding, agency_key, run_status
from xxgk.contract import Report
from xxgk.runners.export import Sheet, Value, write_csv, write_rows_csv, write_xlsx
from xxgk.templates import Edition

REPORTS_CSV = "crosscheck_reports.csv"
FINDINGS_CSV = "crosscheck_findings.csv"
AGENCIES_CSV = "crosscheck_agencies.csv"
XLSX = "crosscheck.xlsx"
CHARTS_DIR = "charts"
AGENCY_COLUMNS = ("agency", "years", "n_reports", "doc_ids", "carry_checked", "carry_failed", "jumps", "chart")


@dataclass
class Written:
    files: list[Path] = field(default_factory=list)
    charts: list[Path] = field(default_factory=list)


def agency_rows(result: CrossResult, charts: Mapping[str, Path]) -> list[list[Value]]:
    by_agency: dict[str, list[Finding]] = {}
    for f in result.findings:
        by_agency.setdefault(f.agency, []).append(f)
    rows: list[list[Value]] = []
    for s in result.series:
        fs = by_agency.get(s.agency, [])
        carry = [f for f in fs if f.rule == "cross.carry_forward"]
        chart = charts.get(s.agency)
        rows.append([s.agency, ",".join(map(str, s.years)), len(s.by_year) + len(s.duplicates),
                     ",".join(r.doc_id for r in [*s.by_year.values(), *s.duplicates]),
                     sum(1 for f in carry if f.ok is not None), sum(1 for f in carry if f.ok is False),
                     sum(1 for f in fs if f.rule == "cross.jump"),
                     f"{CHARTS_DIR}/{chart.name}" if chart else None])
    return rows


def write_outputs(reports: Sequence[Report], result: CrossResult, out_dir: Path,
                  editions: Mapping[str, Edition], config: CrosscheckConfig, *, review_below: float,
                  charts: bool = True) -> Written:
    """The tables (CSV and XLSX, cells under `review_below` coloured), the findings and the charts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = Written()
    chart_paths: dict[str, Path] = {}
    if charts:
        from xxgk.analysis.charts import chart_name, draw_series

        findings_of: dict[str, list[Finding]] = {}
        for f in result.findings:
            findings_of.setdefault(f.agency, []).append(f)
        for i, s in enumerate(result.series, start=1):
            if len(s.by_year) >= config.charts.min_years:
                path = out_dir / CHARTS_DIR / chart_name(i, s.agency)
                chart_paths[s.agency] = draw_series(s, findings_of.get(s.agency, []), config.charts, path)
        written.charts = list(chart_paths.values())
    statuses = {r.doc_id: run_status(r) for r in reports}
    failed = result.failed_by_doc()
    extra: dict[str, dict[str, Value]] = {
        "agency_key": {r.doc_id: agency_key(r.meta.agency) for r in reports},
        "cross_year_failed": {doc: "; ".join(dict.fromkeys(names)) for doc, names in failed.items()},
    }
    findings = [f.row() for f in result.findings]
    agencies = agency_rows(result, chart_paths)
    paths = (out_dir / REPORTS_CSV, out_dir / FINDINGS_CSV, out_dir / AGENCIES_CSV, out_dir / XLSX)
    write_csv(paths[0], reports, statuses, editions, extra)
    write_rows_csv(paths[1], FINDING_COLUMNS, findings)
    write_rows_csv(paths[2], AGENCY_COLUMNS, agencies)
    write_xlsx(paths[3], reports, statuses, editions, extra,
               sheets=[Sheet("crosscheck", FINDING_COLUMNS, findings), Sheet("agencies", AGENCY_COLUMNS, agencies)],
               only_failed_checks=True, review_below=review_below)
    written.files = list(paths)
    return written
