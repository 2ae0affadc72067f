"""Assembled rows to the output contract: readings per row, reconciliation, provenance per cell."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from xxgk.contract import CellOut, CheckOut, Meta, MetaEvidence, Report
from xxgk.document import Document, DumpDamage
from xxgk.inference.assemble import Assembly, RowRead
from xxgk.inference.columns import place_rows
from xxgk.inference.metadata import Meta as FoundMeta
from xxgk.inference.numbers import parse, split_cells
from xxgk.inference.reconcile import Alternative, CellValue, Reconciled, reconcile
from xxgk.inference.row_options import RowOption, Slot, row_options, unconfirmed_joins
from xxgk.options import ConfidenceOptions, PipelineOptions, ReadingOptions
from xxgk.templates import Edition

_UNIT_MARK = re.compile(r"元")
_YUAN_HEADER = re.compile(r"[（(]\s*(?:单位[:：]\s*)?元\s*[）)]|单位[:：]\s*元")


@dataclass
class TableReading:
    """The reconciled cells and, per cell, the slot of the document it was read from."""

    reconciled: Reconciled
    slots: dict[str, Slot]
    warnings: list[str]


def _alternative(row: RowRead, option: RowOption, edition: Edition, prints_zeros: bool,
                 yuan: frozenset[str], confidence: ConfidenceOptions) -> Alternative:
    label_conf = row.label.label_score if row.label is not None and row.label.label_score else 1.0
    readings = {}
    restored = {}
    recognised = set()
    checked = {k for eq in edition.equations for k in (*eq.lhs, *eq.rhs)}
    for key, slot in zip(row.keys, option.slots, strict=False):
        conf = min(label_conf, slot.segment.label_score or 1.0)
        if slot.segment.read_score is not None:
            conf = min(conf, slot.segment.read_score)
        if prints_zeros and slot.segment.source == "ocr" and not slot.text.strip():
            conf = min(conf, confidence.lost_ink)
        if row.placed_by_order:
            conf = min(conf, confidence.by_order)
        if option.unchecked:
            conf = min(conf, confidence.unverifiable)
        if slot.text != slot.segment.text and slot.derivation == "printed":
            conf *= confidence.split_penalty
        if option.guess_from is not None and row.keys.index(key) >= option.guess_from:
            conf = min(conf, confidence.guess)
        if slot.segment.read_score is not None and slot.segment.read_score < confidence.ocr_sure and key not in checked:
            conf = min(conf, confidence.unverifiable)
        text = slot.text
        if key.rsplit(".", 1)[1] in yuan and text.strip() and not _UNIT_MARK.search(text):
            text += "元"
            conf = min(conf, confidence.unverifiable)  # one header's 元 (万 lost?) scales the value 10000×
        readings[key] = (parse(text, edition.units[key]), round(conf, 4))
        if slot.derivation != "printed":
            restored[key] = slot.derivation
        if slot.segment.source == "ocr":
            recognised.add(key)
    printed = " ".join(s.text for s in row.segments)
    return Alternative(readings, option.cost, restored=restored, name=f"{_name(row)} (printed '{printed}')",
                       exhaustive=not option.truncated, recognised=frozenset(recognised))


def yuan_columns(doc: Document, edition: Edition) -> frozenset[str]:
    """Columns of amounts (万元 in the template) whose printed header says 元: their unmarked
    numbers are 元, converted like a number printed with 元 in its cell."""
    wan = {k.rsplit(".", 1)[1] for k, u in edition.units.items() if u == "wan"}
    return frozenset(col for s in doc.segments if s.label and s.label.startswith("col:")
                     and (col := s.label.rsplit(".", 1)[1]) in wan and _YUAN_HEADER.search(s.text)
                     and "万元" not in s.text)


def read_table(edition: Edition, assembly: Assembly, damage: frozenset[DumpDamage] = frozenset(),
               yuan: frozenset[str] = frozenset(), *, options: PipelineOptions) -> TableReading:
    """Every assembled row's readings, reconciled against the whole table's arithmetic.

    Occurrences of the same template row (a label printed or labeled twice) are one choice: their
    readings compete, the less confidently labeled occurrence paying for its doubt. `damage` is
    what the dump did to its rows (`Document.damage`), which the rows' readings undo. `options`
    gives the readings' costs and the cells' confidences.
    """
    reading = options.reading
    warnings = list(assembly.warnings)
    groups: dict[tuple[str, ...], list[tuple[RowRead, RowOption]]] = {}
    for placed in place_rows(assembly.rows, reading):
        row = placed.row
        equations = [eq for eq in edition.equations if {*eq.lhs, *eq.rhs} <= set(row.keys)]
        readings = row_options(row.segments, row.keys, edition.units, equations, damage, reading=reading)
        printed = " ".join(s.text for s in row.segments)
        if any(o.truncated and not o.slots for o in readings):
            warnings.append(f"{_name(row)}: printed '{printed}' has too many readings to weigh; cells left missing")
        if any(o.unrestorable for o in readings):
            warnings.append(f"{_name(row)}: printed '{printed}', fewer cells than its {len(row.keys)} columns, and "
                            "no reading of the dump's damage restores them; cells left missing")
        overfull = not readings and bool(row.segments)
        if overfull:
            readings, note = _overfull(row, printed, edition, reading)
            warnings.append(note)
            if not readings:
                continue
        if not overfull and (unchecked := next((o.unchecked for o in readings if o.unchecked), ())):
            warnings.append(f"{_name(row)}: printed '{printed}' in a dump that collapses runs of identical lines; "
                            f"also reads as a number split in two ({' | '.join(unchecked)}), which no identity "
                            "checks; flagged for review")
        if placed.blank:
            warnings.append(f"{_name(row)}: printed no numbers in a table that leaves blank cells empty; read as "
                            "blanks (0), flagged for review")
            readings = [replace(o, guess_from=0) for o in readings]
        restored = any(s.derivation != "printed" for o in readings for s in o.slots)
        if placed.unplaced and not restored:
            warnings.append(f"{_name(row)}: {len(row.keys)} columns but fewer numbers, and their positions do "
                            "not say which columns; flagged for review")
            readings = [replace(o, guess_from=0) for o in readings]
        elif _short_over_lines(row):
            readings = [o if any(s.derivation != "printed" for s in o.slots) else replace(o, guess_from=0)
                        for o in readings]
        doubt = reading.cost_label_doubt * (1.0 - (row.label.label_score or 1.0)) if row.label is not None else 0.0
        groups.setdefault(row.keys, []).extend(
            (row, replace(o, cost=round(o.cost + doubt, 3))) for o in readings)
    ordered = [sorted(_complete(g), key=lambda ro: ro[1].cost) for g in groups.values()]
    zeros = _prints_zeros(assembly)
    reconciled = reconcile(edition, [[_alternative(row, o, edition, zeros, yuan, options.confidence) for row, o in g]
                                     for g in ordered], options=options)
    warnings += _implausible_amounts(reconciled, edition, yuan, options)
    slots: dict[str, Slot] = {}
    for group, pick in zip(ordered, reconciled.chosen, strict=True):
        if not group:
            continue
        row, chosen = group[pick]
        for key, slot in zip(row.keys, chosen.slots, strict=False):
            slots.setdefault(key, slot)
        if 0 < len(chosen.slots) < len(row.keys):
            warnings.append(f"{_name(row)}: only {len(chosen.slots)} of {len(row.keys)} values present")
    return TableReading(reconciled, slots, [*warnings, *reconciled.warnings])


def _overfull(row: RowRead, printed: str, edition: Edition, reading: ReadingOptions) -> tuple[list[RowOption], str]:
    """The readings of a row that prints more values than it has cells and that no reading fits,
    with the warning saying what was done: where two neighbouring numbers may be one printed in
    two pieces, only the leading cells all such readings agree on (the others missing, the readings
    named); otherwise its first values, each flagged as a guess."""
    n = len(row.keys)
    joined, agreed = unconfirmed_joins(row.segments, row.keys, edition.units, reading)
    if joined:
        left = ", ".join(k.split(".", 1)[1] for k in row.keys[len(agreed.slots) if agreed else 0:])
        return [agreed] if agreed else [], (
            f"{_name(row)}: printed '{printed}', a number more than its {n} columns; a number printed in two "
            f"pieces reads {' | '.join(joined)}, which nothing checks; cells left missing: {left}")
    slots = tuple(Slot(s.text, s) for s in row.segments[:n])
    return [RowOption(slots, 0.0, guess_from=0)], (
        f"{_name(row)}: {len(row.segments)} values for {n} columns; kept the first {n}, flagged for review")


def _implausible_amounts(reconciled: Reconciled, edition: Edition, yuan: frozenset[str],
                         options: PipelineOptions) -> list[str]:
    """Amounts read as 万元 only because nothing printed a unit, and too large to be 万元 of an
    agency's fees (`reading.wan_plausible_max`): most likely 元. Flagged with a warning, the value
    kept as printed."""
    warnings = []
    for key, unit in edition.units.items():
        cell = reconciled.cells.get(key)
        if unit != "wan" or cell is None or cell.value is None or cell.value < options.reading.wan_plausible_max:
            continue
        printed = cell.reading.text if cell.reading is not None else ""
        if key.rsplit(".", 1)[1] in yuan or _UNIT_MARK.search(printed):
            continue
        reconciled.cells[key] = replace(cell, confidence=min(cell.confidence, options.confidence.guess))
        warnings.append(f"{key}: {printed} 万元 with no unit printed is implausibly large for 万元 (元?); "
                        "flagged for review")
    return warnings


def _short_over_lines(row: RowRead) -> bool:
    """A row printing fewer numbers than it has cells, on lines of their own: a dump that drops
    blank cells (one cell per line or paragraph) lost them anywhere in the row, so reading the
    numbers in order is a guess. On one line, a short row is a row cut short at its end."""
    values = [s for s in row.segments if s.text.strip()]
    printed = sum(len(split_cells(s.text) or [s]) for s in values)
    return 0 < printed < len(row.keys) and len({s.row for s in values}) > 1


def _prints_zeros(assembly: Assembly) -> bool:
    """The scanned table cells print more zeros than blanks, so a blank is not how zero is written."""
    texts = [s.text.strip() for r in assembly.rows for s in r.segments if s.source == "ocr"]
    return texts.count("0") > texts.count("")


def _complete(group: list[tuple[RowRead, RowOption]]) -> list[tuple[RowRead, RowOption]]:
    """A row's occurrences that print values, when any does: a label repeated without values
    (a prose heading read as the label, navigation) is no reading of the row."""
    with_values = [(row, o) for row, o in group if any(s.text.strip() for s in row.segments)]
    return with_values or group


def _name(row: RowRead) -> str:
    if row.label is None or not row.label.label:
        return f"{row.table} data line"
    return row.label.label[4:]


def _cell(cv: CellValue, slot: Slot | None, doc: Document) -> CellOut:
    located = slot is not None and doc.input_kind not in ("text", "html")
    page = slot.segment.page if located and slot is not None else None
    bbox = [round(v, 1) for v in slot.segment.bbox] if located and slot is not None else None
    text = slot.text if slot is not None else None
    conf = round(cv.confidence, 3) if cv.status != "missing" else None
    return CellOut(value=cv.value, status=cv.status, confidence=conf, page=page, bbox=bbox, text=text,
                   rule=cv.rule)


def build_report(*, doc: Document, edition: Edition, table: TableReading, meta: FoundMeta,
                 model_version: str, sections: dict[str, str], warnings: list[str]) -> Report:
    rec = table.reconciled
    cells = {key: _cell(rec.cells[key], table.slots.get(key), doc) for key in edition.cell_keys}
    checks = [
        CheckOut(rule=c.rule, column=c.scope_key if c.scope == "col" else None,
                 row=c.scope_key if c.scope == "row" else None, ok=c.ok, detail=c.detail)
        for c in rec.checks
    ]
    return Report(
        doc_id=doc.doc_id,
        meta=Meta(agency=meta.agency, year=meta.year, edition=edition.id, publish_date=meta.publish_date,
                  pages=len(doc.pages) if doc.input_kind not in ("text", "html") else None,
                  input_kind=doc.input_kind, model_version=model_version),
        cells=cells,
        checks=checks,
        sections=sections,
        warnings=warnings,
        meta_evidence={name: MetaEvidence(source=e.source, text=e.text, confidence=e.confidence)
                       for name, e in meta.evidence.items()},
    )
