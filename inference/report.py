"""Assembled rows and reconciled values into the output contract, with provenance per cell."""

from __future__ import annotations

from inference.assemble import Assembly, Slot
from inference.metadata import Meta as FoundMeta
from inference.numbers import Reading, parse
from inference.reconcile import CellValue, Reconciled
from xxgk.contract import CellOut, CheckOut, Meta, Report
from xxgk.document import Document
from xxgk.templates import Edition

SPLIT_PENALTY = 0.97
"""Confidence factor for a cell cut out of a segment that held several (`0 0 0`)."""


def readings_of(edition: Edition, assembly: Assembly, row_labels: dict[str, float]) -> dict[str, tuple[Reading, float]]:
    """Each assembled cell's reading, with the confidence of the labels that placed it there.

    `row_labels`: cell key -> label score of the row label that opened its row (1.0 if none).
    """
    out: dict[str, tuple[Reading, float]] = {}
    for key, slot in assembly.cells().items():
        reading = parse(slot.text, edition.units[key])
        conf = min(row_labels.get(key, 1.0), slot.segment.label_score or 1.0)
        if slot.segment.read_score is not None:
            conf = min(conf, slot.segment.read_score)
        if slot.text != slot.segment.text:
            conf *= SPLIT_PENALTY
        out[key] = (reading, round(conf, 4))
    return out


def row_label_scores(assembly: Assembly) -> dict[str, float]:
    out: dict[str, float] = {}
    for row in assembly.rows:
        score = row.label.label_score if row.label is not None and row.label.label_score else 1.0
        for key in row.keys:
            out.setdefault(key, score)
    return out


def _cell(cv: CellValue, slot: Slot | None, doc: Document) -> CellOut:
    located = slot is not None and doc.input_kind not in ("text", "html")
    page = slot.segment.page if located and slot is not None else None
    bbox = [round(v, 1) for v in slot.segment.bbox] if located and slot is not None else None
    text = slot.text if slot is not None else None
    conf = round(cv.confidence, 3) if cv.status != "missing" else None
    return CellOut(value=cv.value, status=cv.status, confidence=conf, page=page, bbox=bbox, text=text,
                   rule=cv.rule)


def build_report(*, doc: Document, edition: Edition, assembly: Assembly, reconciled: Reconciled,
                 meta: FoundMeta, model_version: str, sections: dict[str, str],
                 warnings: list[str]) -> Report:
    slots = assembly.cells()
    cells = {key: _cell(reconciled.cells[key], slots.get(key), doc) for key in edition.cell_keys}
    checks = [
        CheckOut(rule=c.rule, column=c.scope_key if c.scope == "col" else None,
                 row=c.scope_key if c.scope == "row" else None, ok=c.ok, detail=c.detail)
        for c in reconciled.checks
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
    )
