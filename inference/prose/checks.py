"""Each statement of the prose against the cells it must equal: one `prose.<fact>` check, quoting
the sentence; ok true when they agree, false when not, null when the edition has no such cell or
it is missing (a truncated table). Cells are never changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from xxgk.contract import CheckOut, Report
from xxgk.inference.prose.config import FactSpec
from xxgk.inference.prose.facts import ProseFact
from xxgk.inference.sections import PREAMBLE
from xxgk.templates import Edition

WAN_TOLERANCE = 0.01
"""Amounts in 万元 agree when they differ by at most this (tables round to two decimals)."""
PREAMBLE_NAME = "引言"
"""How check details cite the prose before the first part (the parts' names are the editions')."""


def check_facts(facts: Sequence[ProseFact], specs: Sequence[FactSpec], report: Report,
                edition: Edition) -> list[CheckOut]:
    """One check per distinct (fact, value), quoting the first sentence that states it."""
    by_id = {s.id: s for s in specs}
    seen: set[tuple[str, float]] = set()
    out = []
    for fact in facts:
        key = (fact.fact, float(fact.value))
        if key in seen:
            continue
        seen.add(key)
        out.append(_check(by_id[fact.fact], fact, report, edition))
    return out


def _check(spec: FactSpec, fact: ProseFact, report: Report, edition: Edition) -> CheckOut:
    said = "无（0）" if fact.absent else f"{_fmt(fact.value)}{'万元' if spec.kind == 'money' else fact.unit}"
    if spec.kind == "money" and fact.unit == "元" and not fact.absent:
        said = f"{_fmt(round(fact.value * 10000, 2))}元 = {_fmt(fact.value)}万元"
    parts = {PREAMBLE: PREAMBLE_NAME, **edition.section_names}
    quote = f"正文（{parts.get(fact.where, fact.where)}）「{fact.sentence}」：{spec.label} {said}"
    keys = spec.cells_for(edition)
    if not keys:
        return CheckOut(rule=spec.rule, ok=None,
                        detail=f"{quote}；{edition.id} 版表格没有对应的单元格，未核对")
    values = [report.cells[k].value if k in report.cells else None for k in keys]
    names = " + ".join(f"{k}（{edition.label_text(k)}）" for k in keys)
    if any(v is None for v in values):
        gone = [k for k, v in zip(keys, values, strict=True) if v is None]
        return CheckOut(rule=spec.rule, ok=None,
                        detail=f"{quote}；表格 {names} 缺失（{', '.join(gone)} 无值），未核对")
    table = sum(v for v in values if v is not None)
    shown = " + ".join(_fmt(v) for v in values if v is not None)
    table_text = f"{shown} = {_fmt(table)}" if len(values) > 1 else _fmt(table)
    if _same(fact.value, table, spec.kind):
        return CheckOut(rule=spec.rule, ok=True, detail=f"{quote}；表格 {names} = {table_text}，一致")
    for alt in spec.also:
        alt_keys = [k for k in alt if k in report.cells]
        alt_values = [report.cells[k].value for k in alt_keys]
        if len(alt_keys) == len(alt) and all(v is not None for v in alt_values) and \
                _same(fact.value, sum(v for v in alt_values if v is not None), spec.kind):
            return CheckOut(rule=spec.rule, ok=True,
                            detail=f"{quote}；表格 {' + '.join(alt)} = "
                                   f"{' + '.join(_fmt(v) for v in alt_values if v is not None)}，"
                                   f"一致（正文数含 {' + '.join(alt[1:])}）")
    return CheckOut(rule=spec.rule, ok=False, detail=f"{quote}；表格 {names} = {table_text}，不一致")


def _same(a: float, b: float, kind: str) -> bool:
    if kind == "money":
        return abs(a - b) <= WAN_TOLERANCE + 1e-9
    return a == b


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"
