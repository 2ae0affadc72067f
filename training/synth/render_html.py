"""Generated reports as web pages: real `<table>` markup with rowspan/colspan, as agencies publish.

Labels travel as grid positions (doc-wide table index, row, col) for table cells and as the ordered
paragraph texts for everything else; `transfer.py` maps them onto the ingested segments.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field

from xxgk.training.synth.layout import Layout, Para, place


@dataclass
class RenderedHtml:
    html: str
    cells: dict[tuple[int, int, int], str] = field(default_factory=dict)
    """(table index, grid row, grid col) of each origin cell -> label."""
    paragraphs: list[tuple[str, str]] = field(default_factory=list)
    """(text, label) of every paragraph, in order."""


def _cell_html(text: str, vertical: bool) -> str:
    if vertical and len(text) >= 2:
        return "<br>".join(html.escape(ch) for ch in text)
    return html.escape(text)


def render_html(layout: Layout, rng: random.Random) -> RenderedHtml:
    out = RenderedHtml("")
    vertical_t4 = rng.random() < 0.4
    wrap_p = rng.random() < 0.5
    parts = ["<!DOCTYPE html>", '<html><head><meta charset="utf-8"><title>政府信息公开工作年度报告</title>',
             "<style>table{border-collapse:collapse}td{border:1px solid #000}</style></head><body>",
             '<div class="nav">首页 &gt; 政务公开</div>' if rng.random() < 0.3 else ""]
    table_index = 0
    for block in layout.blocks:
        if isinstance(block, Para):
            tag = "h2" if block.label.startswith("sec:") and rng.random() < 0.5 else "p"
            if block.label == "title":
                tag = "h1"
            body = html.escape(block.text)
            parts.append(f"<{tag}>{f'<span>{body}</span>' if wrap_p else body}</{tag}>")
            out.paragraphs.append((block.text, block.label))
            continue
        rows_html: list[list[str]] = [[] for _ in block.rows]
        for r, c, cell in place(block):
            out.cells[(table_index, r, c)] = cell.label
            attrs = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + \
                    (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            vertical = vertical_t4 and cell.label.startswith("col:t4.")
            inner = _cell_html(cell.text, vertical)
            if inner and rng.random() < 0.3:
                inner = f"<p>{inner}</p>"
            rows_html[r].append(f"<td{attrs}>{inner}</td>")
        parts.append('<table border="1">')
        parts.extend(f"<tr>{''.join(cells)}</tr>" for cells in rows_html)
        parts.append("</table>")
        table_index += 1
    parts.append("</body></html>")
    out.html = "\n".join(p for p in parts if p)
    return out
