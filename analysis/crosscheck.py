"""Year against year: one agency's reports checked against each other.

Each report checks itself (its arithmetic, its prose); a series of reports can check more. The
applications an agency carries forward at the end of year N (`t3.carried_forward`) are, by the
template's definition, the ones it carries over into year N+1 (`t3.carried_over`), column by
column; and a count that jumps by orders of magnitude from one year to the next is more often a
misread or mistyped cell than a real change. Both are findings here, next to every report's own
failed checks, in a CSV/XLSX table and one chart per agency.

Reports are read from the JSON files of `xxgk extract` (any other JSON is skipped and reported),
grouped by normalised agency name and ordered by year. What is compared and the jump thresholds
live in `configs/crosscheck.toml`.
"""

from __future__ import annotations

import itertools
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from xxgk.contract import Report
from xxgk.resources import config_path

DEFAULT_CONFIG = config_path("crosscheck.toml")
_DOUBLED_PLACE = re.compile(r"^(.{2,6}?[省市县区旗州])\1")
_DROP = re.compile(r"[\s·・.,，、\"'“”‘’]")
FINDING_COLUMNS = ("agency", "rule", "ok", "year", "next_year", "cell", "next_cell", "value", "next_value",
                   "doc_id", "next_doc_id", "detail")


# ---------------------------------------------------------------- config


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CarrySpec(_Strict):
    to_next: str = "t3.carried_forward"
    from_prev: str = "t3.carried_over"
    columns: tuple[str, ...]


class JumpSpec(_Strict):
    ratio: float = Field(10.0, gt=1.0)
    min_change: float = Field(50, ge=0)
    cells: tuple[str, ...]


class SeriesSpec(_Strict):
    cell: str
    label: str


class ChartSpec(_Strict):
    min_years: int = 2
    font: str | None = None
    series: tuple[SeriesSpec, ...]


class CrosscheckConfig(_Strict):
    version: str
    carry: CarrySpec
    jumps: JumpSpec
    charts: ChartSpec


def load_config(path: Path = DEFAULT_CONFIG) -> CrosscheckConfig:
    with path.open("rb") as fh:
        return CrosscheckConfig.model_validate(tomllib.load(fh))


# ---------------------------------------------------------------- reading


@dataclass
class Loaded:
    reports: list[Report] = field(default_factory=list)
    sources: dict[str, Path] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    """`error: FILE: reason` lines for files that are not extracted reports."""


def find_json(paths: Iterable[Path]) -> list[Path]:
    found: dict[Path, Path] = {}
    for path in paths:
        if path.is_dir():
            for child in path.rglob("*.json"):
                if not any(p.startswith(".") for p in child.relative_to(path).parts):
                    found.setdefault(child.resolve(), child)
        else:
            found.setdefault(path.resolve(), path)
    return sorted(found.values(), key=lambda p: p.as_posix())


def load_reports(paths: Iterable[Path]) -> Loaded:
    """Every extracted report under the paths; a doc id seen twice keeps its first file."""
    out = Loaded()
    for path in find_json(paths):
        try:
            report = Report.from_json(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValidationError, ValueError) as exc:
            reason = "not an extracted report (xxgk extract JSON)" if isinstance(exc, ValidationError) else \
                " ".join(str(exc).split())[:200]
            out.errors.append(f"error: {path}: {reason}")
            continue
        if report.doc_id in out.sources:
            out.errors.append(f"error: {path}: doc id {report.doc_id} already read from {out.sources[report.doc_id]}")
            continue
        out.sources[report.doc_id] = path
        out.reports.append(report)
    return out


def agency_key(name: str | None) -> str | None:
    """The name reports of one agency share: NFKC, no spaces or dots, a doubled place name once."""
    if not name:
        return None
    key = _DROP.sub("", unicodedata.normalize("NFKC", name))
    key = key.replace("(", "（").replace(")", "）")
    return _DOUBLED_PLACE.sub(r"\1", key) or None


# ---------------------------------------------------------------- checking


@dataclass(frozen=True)
class Finding:
    agency: str
    rule: str
    ok: bool | None
    year: int | None
    detail: str
    doc_id: str
    next_year: int | None = None
    next_doc_id: str | None = None
    cell: str | None = None
    next_cell: str | None = None
    value: float | None = None
    next_value: float | None = None

    def row(self) -> list:
        return [getattr(self, c) for c in FINDING_COLUMNS]


@dataclass
class Series:
    """One agency's reports, one per year (the others of a year are in `duplicates`)."""

    agency: str
    by_year: dict[int, Report]
    duplicates: list[Report] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted(self.by_year)


@dataclass
class CrossResult:
    series: list[Series]
    findings: list[Finding]
    unplaced: list[Report]

    def failed_by_doc(self) -> dict[str, list[str]]:
        """Doc id -> names of the failed cross-year findings it takes part in."""
        out: dict[str, list[str]] = {}
        for f in self.findings:
            if f.ok is False:
                name = f"{f.rule}[{f.cell or ''}]" if f.cell else f.rule
                for doc in (f.doc_id, f.next_doc_id):
                    if doc:
                        out.setdefault(doc, []).append(name)
        return out


def _failed(report: Report) -> int:
    return sum(1 for c in report.checks if c.ok is False)


def group_series(reports: Sequence[Report]) -> tuple[list[Series], list[Report]]:
    """Series by agency key; reports without agency or year are returned apart.

    Of several reports for one agency and year, the one with fewest failed checks (then the
    smallest doc id) is the year's; the others are kept as duplicates.
    """
    groups: dict[str, dict[int, list[Report]]] = {}
    unplaced = []
    for r in reports:
        key = agency_key(r.meta.agency)
        if key is None or r.meta.year is None:
            unplaced.append(r)
            continue
        groups.setdefault(key, {}).setdefault(r.meta.year, []).append(r)
    series = []
    for key in sorted(groups):
        by_year, dups = {}, []
        for year, rs in sorted(groups[key].items()):
            rs = sorted(rs, key=lambda r: (_failed(r), r.doc_id))
            by_year[year] = rs[0]
            dups.extend(rs[1:])
        series.append(Series(key, by_year, dups))
    return series, unplaced


def _value(report: Report, key: str) -> float | None:
    cell = report.cells.get(key)
    return cell.value if cell is not None else None


def _fmt(v: float | None) -> str:
    if v is None:
        return "缺失"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def check_series(s: Series, config: CrosscheckConfig) -> list[Finding]:
    out: list[Finding] = []
    for dup in s.duplicates:
        kept = s.by_year[dup.meta.year or 0]
        differ = sorted(k for k in set(kept.cells) & set(dup.cells) if _value(kept, k) != _value(dup, k))
        out.append(Finding(
            s.agency, "cross.duplicate_year", not differ, dup.meta.year, doc_id=kept.doc_id, next_doc_id=dup.doc_id,
            detail=(f"{dup.meta.year} 年有两份报告 {kept.doc_id}、{dup.doc_id}："
                    + ("数值相同" if not differ else f"{len(differ)} 个单元格不同（{', '.join(differ[:5])}…），"
                       f"采用 {kept.doc_id}"))))
    years = s.years
    for year, nxt in itertools.pairwise(years):
        if nxt != year + 1:
            continue
        a, b = s.by_year[year], s.by_year[nxt]
        out.extend(_carry(s.agency, a, b, config.carry))
        out.extend(_jumps(s.agency, a, b, config.jumps))
    return out


def _carry(agency: str, a: Report, b: Report, spec: CarrySpec) -> list[Finding]:
    out = []
    for col in spec.columns:
        ka, kb = f"{spec.to_next}.{col}", f"{spec.from_prev}.{col}"
        va, vb = _value(a, ka), _value(b, kb)
        ok = None if va is None or vb is None else va == vb
        verdict = {True: "一致", False: "不一致", None: "无法核对（缺失）"}[ok]
        out.append(Finding(
            agency, "cross.carry_forward", ok, a.meta.year, doc_id=a.doc_id, next_year=b.meta.year,
            next_doc_id=b.doc_id, cell=ka, next_cell=kb, value=va, next_value=vb,
            detail=(f"{a.meta.year} 年结转下年度 {ka} = {_fmt(va)}；"
                    f"{b.meta.year} 年上年结转 {kb} = {_fmt(vb)}：{verdict}")))
    return out


def is_jump(a: float, b: float, spec: JumpSpec) -> bool:
    lo, hi = sorted((abs(a), abs(b)))
    return hi > spec.ratio * max(lo, 1.0) and abs(b - a) > spec.min_change


def _jumps(agency: str, a: Report, b: Report, spec: JumpSpec) -> list[Finding]:
    out = []
    for key in spec.cells:
        va, vb = _value(a, key), _value(b, key)
        if va is None or vb is None or not is_jump(va, vb, spec):
            continue
        out.append(Finding(
            agency, "cross.jump", False, a.meta.year, doc_id=a.doc_id, next_year=b.meta.year, next_doc_id=b.doc_id,
            cell=key, next_cell=key, value=va, next_value=vb,
            detail=(f"{key} 从 {a.meta.year} 年的 {_fmt(va)} 变为 {b.meta.year} 年的 {_fmt(vb)}："
                    f"相差超过 {spec.ratio:g} 倍且超过 {spec.min_change:g}，请核对")))
    return out


def crosscheck(reports: Sequence[Report], config: CrosscheckConfig | None = None) -> CrossResult:
    config = config or load_config()
    series, unplaced = group_series(reports)
    findings = [f for s in series for f in check_series(s, config)]
    for r in unplaced:
        missing = " and ".join(n for n, v in (("agency", r.meta.agency), ("year", r.meta.year)) if v is None)
        findings.append(Finding(agency_key(r.meta.agency) or "", "cross.unplaced", None, r.meta.year,
                                doc_id=r.doc_id, detail=f"{r.doc_id}: no {missing}; not in any series"))
    return CrossResult(series, findings, unplaced)


def run_status(report: Report) -> str:
    """The status `xxgk extract` gave the report, recomputed from the JSON."""
    failed = any(c.ok is False for c in report.checks)
    return "partial_success" if (report.warnings or failed) else "success"
