"""The review page of one job: what was read where, and what a reviewer should look at.

Left: each page image with an SVG overlay of the boxes of the cells read from it, labelled with
their cell keys, and of the row/column labels the labeler found (PDFs and scans). Text and HTML
inputs have no page images; their segments are shown as text, one physical row per line, coloured
by label. Right: the reconstructed tables of the report's edition, rows × columns with values.

Highlighted everywhere (same colours in the boxes and the tables): cells `inferred`, `corrected`,
`missing`, read with confidence below the review threshold (`low`), and cells of a failed check (`check`); failed
checks, warnings and errors are listed on top. A table cell read from a page links to its box.

One self-contained HTML string: no scripts, no external assets besides the page images, and no
token (page images are fetched with the review session's cookie). `REVIEW_CSP` is its policy:
images from the service, its one stylesheet by hash, nothing else.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from html import escape

from xxgk.contract import CellOut, Report
from xxgk.document import Document
from xxgk.runners.export import check_name
from xxgk.runners.jobs.records import JobRecord
from xxgk.templates import Edition

MAX_TEXT_ROWS = 4000
FLAG_TEXT = {"inferred": "inferred (not in the document, solved from the arithmetic)",
             "corrected": "corrected (the arithmetic chose another reading of the text)",
             "missing": "missing (not in the document)",
             "low": "low confidence (< {below})",
             "check": "in a failed check"}
"""What each flag means; `{below}` is the review threshold."""

CSS = """
body{font:14px/1.4 system-ui,"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;margin:0;color:#222}
header{padding:10px 16px;border-bottom:1px solid #ccc;background:#fafafa}
header h1{font-size:18px;margin:0 0 4px}
.meta span{margin-right:14px}
.legend span{display:inline-block;padding:1px 6px;margin:2px 4px 2px 0;border:2px solid #999;border-radius:3px}
main{display:grid;grid-template-columns:minmax(0,1.15fr) minmax(0,1fr);gap:12px;padding:12px}
#pages{min-width:0}
#tables{min-width:0;position:sticky;top:0;align-self:start;max-height:100vh;overflow:auto}
.page{margin:0 0 16px;border:1px solid #bbb;box-shadow:0 1px 3px #0002}
.page figcaption{font-size:12px;padding:2px 6px;background:#eee}
.sheet{position:relative}
.sheet img{display:block;width:100%;height:auto}
.sheet svg{position:absolute;left:0;top:0;width:100%;height:100%}
svg rect{fill:none;stroke-width:3}
svg rect.cell{stroke:#2e7d32;fill:#2e7d3212}
svg rect.lbl{stroke:#1565c0;stroke-dasharray:8 4;stroke-width:2}
svg text{font:22px sans-serif;fill:#2e7d32;paint-order:stroke;stroke:#fff;stroke-width:4px}
svg text.lbl{fill:#1565c0}
#hide-labels:checked ~ main svg text{display:none}
svg rect.flag{stroke:#ef6c00;fill:#ff980022}
svg rect.check{stroke:#c62828;fill:#c6282822}
svg text.flag{fill:#ef6c00}
svg text.check{fill:#c62828}
table.grid{border-collapse:collapse;margin:4px 0 14px;font-size:12px}
table.grid th,table.grid td{border:1px solid #bbb;padding:2px 5px}
table.grid thead th{background:#f0f0f0;font-weight:600}
table.grid tbody th{text-align:left;font-weight:normal;background:#fafafa}
table.grid td{text-align:right;min-width:2.5em}
td a{color:inherit}
.inferred{background:#e3f2fd}
.corrected{background:#ffe0b2}
.missing{background:#e0e0e0;color:#777}
.low{background:#fff59d}
.check{outline:2px solid #c62828;outline-offset:-2px}
.legend .inferred{border-color:#64b5f6}.legend .corrected{border-color:#ef6c00}
.legend .missing{border-color:#999}.legend .low{border-color:#fbc02d}.legend .check{border-color:#c62828}
ul.problems li{color:#c62828}
ul.warnings li{color:#8d6e00}
.text-view{font:13px/1.6 monospace;white-space:pre-wrap;border:1px solid #bbb;padding:8px;background:#fff}
.text-view .seg{border-radius:2px;padding:0 1px}
.text-view .seg.lab{background:#e3f2fd}
.text-view .seg.val{background:#e8f5e9}
.text-view .seg.low{background:#fff59d}
.sep{color:#bbb}
"""


REVIEW_CSP = ("default-src 'none'; img-src 'self'; "
              f"style-src 'sha256-{base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()}'; "
              "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def cell_flags(cell: CellOut, key: str, failed_keys: frozenset[str], below: float) -> list[str]:
    """Why a reviewer should look at a cell: its status, a confidence under `below` (the review
    threshold), a failed check."""
    flags = [cell.status] if cell.status in ("inferred", "corrected", "missing") else []
    if cell.confidence is not None and cell.confidence < below:
        flags.append("low")
    if key in failed_keys:
        flags.append("check")
    return flags


def failed_check_cells(report: Report, edition: Edition | None) -> frozenset[str]:
    """Cell keys taking part in a failed check (both sides of its identity)."""
    if edition is None:
        return frozenset()
    failed = {(c.rule, c.column or c.row) for c in report.checks if c.ok is False}
    return frozenset(k for eq in edition.equations if (eq.rule, eq.scope_key) in failed for k in (*eq.lhs, *eq.rhs))


def render_review(job: JobRecord, report: Report | None, document: Document | None, edition: Edition | None,
                  below: float) -> str:
    """The page's HTML; page images are linked relative to the page (`pages/N.png`). Cells and labels
    scored under `below` (the review threshold) are marked low."""
    failed_keys = failed_check_cells(report, edition) if report else frozenset()
    parts = [f"<!doctype html><html lang=zh><head><meta charset=utf-8><title>Review: {escape(job.filename)}"
             f"</title><style>{CSS}</style></head><body>", _header(job, report, failed_keys, below),
             '<input type=checkbox id=hide-labels> <label for=hide-labels>hide box labels</label>',
             "<main><section id=pages>", _pages(report, document, failed_keys, below),
             "</section><section id=tables>", _tables(report, edition, failed_keys, below), "</section></main>",
             "</body></html>"]
    return "".join(parts)


def _header(job: JobRecord, report: Report | None, failed_keys: frozenset[str], below: float) -> str:
    out = [f"<header><h1>{escape(job.filename)}</h1><div class=meta>",
           f"<span>job <code>{job.id}</code></span><span>status <b>{job.status}</b></span>"]
    if job.outcome:
        out.append(f"<span>outcome <b>{job.outcome}</b></span>")
    if report is not None:
        m = report.meta
        out.append(f"<span>edition {escape(str(m.edition))}</span><span>agency {escape(str(m.agency or '?'))}"
                   f"</span><span>year {m.year or '?'}</span><span>input {escape(m.input_kind)}</span>")
        counts = Counter(f for k, c in report.cells.items() for f in cell_flags(c, k, failed_keys, below))
        read = sum(1 for c in report.cells.values() if c.status == "read")
        out.append(f"<span>{len(report.cells)} cells, {read} read</span>")
        out.append("</div><div class=legend>" + "".join(
            f'<span class="{f}" title="{escape(FLAG_TEXT[f].format(below=below))}">{f} {counts.get(f, 0)}</span>'
            for f in FLAG_TEXT))
    out.append("</div>")
    problems = [f"{escape(e.stage)}/{escape(e.category)}: {escape(e.message)}" for e in job.errors]
    if report is not None:
        problems += [f"failed check <b>{escape(check_name(c))}</b>: {escape(c.detail)}"
                     for c in report.checks if c.ok is False]
    if problems:
        out.append("<ul class=problems>" + "".join(f"<li>{p}</li>" for p in problems) + "</ul>")
    if report is not None and report.warnings:
        out.append("<ul class=warnings>" + "".join(f"<li>{escape(w)}</li>" for w in report.warnings) + "</ul>")
    out.append("</header>")
    return "".join(out)


def _pages(report: Report | None, document: Document | None, failed_keys: frozenset[str], below: float) -> str:
    if document is None:
        return "<p>No document to show (the file could not be read).</p>"
    if document.input_kind in ("text", "html"):
        return _text_view(document, below)
    cells = report.cells.items() if report else ()
    out = []
    for page in document.pages:
        boxes = []
        for key, cell in cells:
            if cell.page != page.number or not cell.bbox:
                continue
            flags = cell_flags(cell, key, failed_keys, below)
            cls = "check" if "check" in flags else "flag" if flags else "cell"
            x0, y0, x1, y1 = cell.bbox
            tip = f"{key} = {cell.value} ({cell.status}, confidence {cell.confidence})"
            if flags:
                tip += "; " + ", ".join(flags)
            boxes.append(f'<g id="box-{escape(key)}"><rect class="{cls}" x="{x0}" y="{y0}" width="{x1 - x0:.1f}" '
                         f'height="{y1 - y0:.1f}"><title>{escape(tip)}</title></rect>'
                         f'<text class="{cls}" x="{x0 + 2}" y="{y0 + 20}">{escape(key.split(".", 1)[1])}</text></g>')
        for seg in document.segments:
            if seg.page == page.number and seg.label and seg.label.startswith(("row:", "col:")):
                x0, y0, x1, y1 = seg.bbox
                boxes.append(f'<rect class="lbl" x="{x0}" y="{y0}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}">'
                             f'<title>{escape(seg.label)} {escape(seg.text)}</title></rect>')
        src = f"pages/{page.number}.png"
        out.append(f'<figure class=page id="page-{page.number}"><figcaption>page {page.number} · '
                   f'{len([b for b in boxes if b.startswith("<g")])} cells</figcaption><div class=sheet>'
                   f'<img src="{escape(src)}" alt="page {page.number}" loading=lazy '
                   f'width="{page.width:.0f}" height="{page.height:.0f}">'
                   f'<svg viewBox="0 0 {page.width:.1f} {page.height:.1f}" preserveAspectRatio="none">'
                   f'{"".join(boxes)}</svg></div></figure>')
    return "".join(out) or "<p>The document has no pages.</p>"


def _text_view(document: Document, below: float) -> str:
    lines = []
    for row in document.rows()[:MAX_TEXT_ROWS]:
        spans = []
        for seg in row:
            label = seg.label or ""
            cls = "lab" if label.startswith(("row:", "col:")) else "val" if label == "value" else ""
            if seg.label_score is not None and seg.label_score < below:
                cls += " low"
            tip = f"{label} ({seg.label_score:.2f})" if seg.label_score is not None else label
            spans.append(f'<span class="seg {cls}" title="{escape(tip)}">{escape(seg.text) or "&nbsp;"}</span>')
        lines.append('<span class=sep> | </span>'.join(spans))
    more = len(document.rows()) - MAX_TEXT_ROWS
    tail = f"\n… {more} more rows" if more > 0 else ""
    return (f"<p>{escape(document.input_kind)} input: no page images; the segments as read, one row per line "
            f"(blue: row/column labels, green: values, yellow: uncertain labels).</p>"
            f"<div class=text-view>{chr(10).join(lines)}{tail}</div>")


def _tables(report: Report | None, edition: Edition | None, failed_keys: frozenset[str], below: float) -> str:
    if report is None or edition is None:
        return "<p>No report.</p>"
    out = []
    for table in edition.spec.tables:
        out.append(f"<h3>{escape(table.title)}</h3>")
        for group in table.groups:
            head = "".join(f"<th>{escape(c.label)}</th>" for c in group.cols)
            rows = []
            for row in group.rows:
                tds = []
                for col in group.cols:
                    key = f"{table.id}.{row.key}.{col.key}"
                    cell = report.cells.get(key)
                    tds.append(_td(key, cell, failed_keys, below))
                rows.append(f"<tr><th>{escape(row.label)}</th>{''.join(tds)}</tr>")
            out.append(f'<table class=grid data-table="{table.id}"><thead><tr><th>{escape(group.label or "")}</th>'
                       f'{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return "".join(out)


def _td(key: str, cell: CellOut | None, failed_keys: frozenset[str], below: float) -> str:
    if cell is None:
        return f'<td data-key="{key}" class=missing>?</td>'
    flags = cell_flags(cell, key, failed_keys, below)
    value = "" if cell.value is None and cell.status == "missing" else "/" if cell.value is None else str(cell.value)
    tip = [key, cell.status]
    if cell.confidence is not None:
        tip.append(f"confidence {cell.confidence}")
    if cell.text is not None:
        tip.append(f"text {cell.text!r}")
    if cell.rule:
        tip.append(f"rule {cell.rule}")
    if cell.page is not None:
        tip.append(f"page {cell.page}")
    located = cell.page is not None and cell.bbox
    shown = f'<a href="#box-{escape(key)}">{escape(value)}</a>' if located else escape(value)
    cls = f' class="{" ".join(flags)}"' if flags else ""
    return f'<td data-key="{key}"{cls} title="{escape("; ".join(tip))}">{shown}</td>'
