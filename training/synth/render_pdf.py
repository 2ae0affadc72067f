"""Generated reports as born-digital PDFs, the way agencies export them from Word, with every label's box.

Paragraphs are set on A4 pages with character-level wrapping (Chinese has no word breaks; Latin
runs and numbers stay whole, closing punctuation never starts a line). Tables are ruled grids:
every cell's border is drawn, a merged cell is one box with no rule inside, text wraps inside its
cell and is centred vertically, so table 4's narrow columns print `结果维持` over several lines as
real reports do. Tables flow over pages one whole row at a time; a merged cell cut by a page break
is drawn in both parts with its text in the first, as Word does.

The layout is computed first (pages of drawing operations and label boxes), then written; so the
page count is known for `第 1 页 共 3 页` footers. Every drawn text has a `LabelBox` in the pipeline's
frame, pixels at `RENDER_DPI` with the origin top-left, which is what the PDF ingester's segments
use, so `transfer.labels_from_boxes` can label them by overlap. Everything varies per document
(margins, fonts, column widths, rules) through the given rng and nothing else, and the PDF is
written with reportlab's `invariant` mode: one seed, one file, byte for byte.
"""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Literal

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from xxgk.document import BBox
from xxgk.inference.layout import PX_PER_PT
from xxgk.training.synth import prose
from xxgk.training.synth.layout import Cell, Layout, Para, Table, place

FONT = "WQY"
FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
PAGE_W, PAGE_H = A4

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:%/\-]*|\s+|.")
_NO_LINE_START = frozenset("，。、；：？！）》」』”’】〕,.;:?!)%")
_NO_LINE_END = frozenset("（《「『“‘【〔(")
_PAGE_NUMBER_FORMATS = ("第 {n} 页", "第{n}页", "- {n} -", "— {n} —", "{n}", "第 {n} 页 共 {total} 页", "{n}/{total}")


@dataclass(frozen=True)
class LabelBox:
    page: int
    """1-based page number."""
    bbox: BBox
    """(x0, y0, x1, y1) in pixels at RENDER_DPI, origin top-left."""
    label: str
    text: str
    key: str | None = None
    """The cell key a value cell prints, for checking a rendering against its gold."""


@dataclass
class RenderedPdf:
    pdf: bytes
    boxes: list[LabelBox]


@dataclass(frozen=True)
class PdfStyle:
    """How one document is typeset; drawn once per document so a corpus covers many exports."""

    margin_x: float
    margin_top: float
    margin_bottom: float
    body_size: float
    title_size: float
    heading_size: float
    table_size: float
    leading: float
    """Line height as a multiple of the font size, for body text."""
    table_leading: float
    para_gap: float
    indent: bool
    justify: bool
    bold_headings: bool
    cell_pad_x: float
    cell_pad_y: float
    min_row_height: float
    rule_width: float
    border: Literal["lines", "rects"]
    double_border: bool
    label_align: Literal["left", "center"]
    label_share: float
    """Jitter (about 1 ± 0.15) applied to the width given to a table's label columns."""
    table_width: float
    """Share of the text width a table takes."""
    page_number: str | None
    page_number_top: bool


def sample_pdf_style(rng: random.Random) -> PdfStyle:
    body = rng.choice([10.0, 10.5, 11.0, 12.0])
    margin = rng.uniform(55.0, 70.0)
    return PdfStyle(
        margin_x=margin,
        margin_top=margin + rng.uniform(0.0, 15.0),
        margin_bottom=margin + rng.uniform(0.0, 10.0),
        body_size=body,
        title_size=rng.choice([16.0, 18.0, 20.0, 22.0]),
        heading_size=body + rng.choice([0.0, 0.5, 1.0, 2.0]),
        table_size=rng.choice([9.0, 9.5, 10.0, 10.5]),
        leading=rng.uniform(1.4, 1.8),
        table_leading=rng.uniform(1.15, 1.3),
        para_gap=body * rng.uniform(0.2, 0.8),
        indent=rng.random() < 0.8,
        justify=rng.random() < 0.6,
        bold_headings=rng.random() < 0.5,
        cell_pad_x=rng.uniform(2.0, 5.4),
        cell_pad_y=rng.uniform(1.5, 4.0),
        min_row_height=rng.uniform(15.0, 22.0),
        rule_width=rng.uniform(0.5, 1.0),
        border=rng.choice(["lines", "rects"]),
        double_border=rng.random() < 0.15,
        label_align=rng.choice(["left", "center"]),
        label_share=rng.uniform(0.85, 1.15),
        table_width=rng.uniform(0.92, 1.0),
        page_number=rng.choice(_PAGE_NUMBER_FORMATS) if rng.random() < 0.6 else None,
        page_number_top=rng.random() < 0.15,
    )


# ---------------------------------------------------------------- drawing operations (points, top-down)
@dataclass(frozen=True)
class _Text:
    x: float
    baseline: float
    text: str
    size: float
    char_space: float = 0.0
    bold: bool = False


@dataclass(frozen=True)
class _Rule:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float


@dataclass(frozen=True)
class _Rect:
    x0: float
    top: float
    x1: float
    bottom: float
    width: float


_Op = _Text | _Rule | _Rect


def register_font() -> None:
    """Register the CJK font once per process (parsing the collection is the slow part)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, FONT_PATH, subfontIndex=0))


def text_width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def _descent(size: float) -> float:
    """The font's descent at `size` (negative), which places glyph boxes as PDF readers do."""
    return pdfmetrics.getAscentDescent(FONT, size)[1]


def _glyph_box(x: float, baseline: float, width: float, size: float) -> BBox:
    """Box of a drawn line as pdfminer reports its characters: one font size tall, from the descent."""
    d = _descent(size)
    return (x, baseline - size - d, x + width, baseline - d)


# ---------------------------------------------------------------- wrapping
def _tokens(text: str) -> list[str]:
    """Unbreakable pieces: single CJK characters, whole Latin runs and numbers, punctuation glued
    to the character it must stay with."""
    out: list[str] = []
    glue = False
    for tok in _TOKEN.findall(text):
        if out and (glue or tok[0] in _NO_LINE_START):
            out[-1] += tok
        else:
            out.append(tok)
        glue = tok[-1] in _NO_LINE_END
    return out


def _hard_split(token: str, width: float, size: float) -> list[str]:
    """A piece wider than the line, cut character by character (what Word does in narrow cells)."""
    pieces, current = [], ""
    for ch in token:
        if current and text_width(current + ch, size) > width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    return [*pieces, current]


def wrap(text: str, width: float, size: float, indent: float = 0.0) -> list[str]:
    """Greedy wrap of `text` into lines no wider than `width`, the first `indent` narrower (a lone
    token wider than a line is cut; closing punctuation may overhang by one character)."""
    lines: list[str] = []
    current, used = "", 0.0
    for tok in _tokens(text):
        limit = width - indent if not lines else width
        w = text_width(tok, size)
        if current and used + w > limit:
            lines.append(current.rstrip())
            limit = width
            tok = tok.lstrip()
            current, used = "", 0.0
            w = text_width(tok, size)
        if not current and w > limit and len(tok) > 1:
            *full, tok = _hard_split(tok, limit, size)
            lines.extend(full)
            w = text_width(tok, size)
        current += tok
        used += w
    if current.strip():
        lines.append(current.rstrip())
    return lines


# ---------------------------------------------------------------- page flow
@dataclass
class _Flow:
    """The cursor over the pages: drawing operations and label boxes per page, top-down points."""

    style: PdfStyle
    pages: list[list[_Op]] = field(default_factory=lambda: [[]])
    boxes: list[LabelBox] = field(default_factory=list)
    y: float = 0.0

    def __post_init__(self) -> None:
        self.y = self.style.margin_top

    @property
    def bottom(self) -> float:
        return PAGE_H - self.style.margin_bottom

    @property
    def fresh(self) -> bool:
        return self.y <= self.style.margin_top

    def new_page(self) -> None:
        self.pages.append([])
        self.y = self.style.margin_top

    def draw(self, op: _Op) -> None:
        self.pages[-1].append(op)

    def label(self, box: BBox, label: str, text: str, key: str | None = None, page: int | None = None) -> None:
        x0, y0, x1, y1 = (round(v * PX_PER_PT, 2) for v in box)
        self.boxes.append(LabelBox(page or len(self.pages), (x0, y0, x1, y1), label, text, key))

    def text_line(self, x: float, baseline: float, text: str, size: float, label: str,
                  char_space: float = 0.0, bold: bool = False) -> None:
        self.draw(_Text(x, baseline, text, size, char_space, bold))
        width = text_width(text, size) + char_space * max(len(text) - 1, 0)
        self.label(_glyph_box(x, baseline, width, size), label, text)


# ---------------------------------------------------------------- paragraphs
Role = Literal["title", "heading", "date_top", "signature", "crumb", "body"]


def _is_breadcrumb(para: Para) -> bool:
    """Web pages printed to PDF keep their navigation line; it is set small above the title."""
    return para.label == "O" and para.text in prose.BREADCRUMBS


def _roles(blocks: list[Para | Table]) -> list[Role | None]:
    """How each paragraph is set: what it is, and whether it is above or below the report body."""
    roles: list[Role | None] = []
    seen_section = False
    for block in blocks:
        if isinstance(block, Table):
            roles.append(None)
            continue
        label = block.label
        seen_section = seen_section or label.startswith("sec:")
        if label == "title" or (label == "meta.agency" and not seen_section):
            roles.append("title")
        elif label.startswith("sec:"):
            roles.append("heading")
        elif label.startswith("meta."):
            roles.append("signature" if seen_section else "date_top")
        elif _is_breadcrumb(block):
            roles.append("crumb")
        else:
            roles.append("body")
    return roles


def _set_para(flow: _Flow, para: Para, role: Role) -> None:
    s = flow.style
    size = {"title": s.title_size, "heading": s.heading_size, "crumb": s.body_size - 1.5}.get(role, s.body_size)
    left, avail = s.margin_x, PAGE_W - 2 * s.margin_x
    indent = 2 * size if role in ("body", "heading") and s.indent else 0.0
    lines = wrap(para.text, avail, size, indent) or [""]
    lead = size * (s.leading if role != "title" else 1.5)
    if role == "title":
        flow.y += size * 0.5
    for i, line in enumerate(lines):
        if flow.y + lead > flow.bottom:
            flow.new_page()
        baseline = flow.y + (lead + size) / 2 + _descent(size)
        width = text_width(line, size)
        x, space = left + (indent if i == 0 else 0.0), 0.0
        if role in ("title", "date_top"):
            x = (PAGE_W - width) / 2
        elif role == "signature":
            x = PAGE_W - s.margin_x - width - size * 2
        elif role == "body" and s.justify and i < len(lines) - 1 and len(line) > 1:
            space = max(0.0, (avail - (x - left) - width) / (len(line) - 1))
        flow.text_line(x, baseline, line, size, para.label, space, role in ("title", "heading") and s.bold_headings)
        flow.y += lead
    flow.y += s.para_gap + (size * 0.6 if role == "title" else 0.0)


# ---------------------------------------------------------------- tables
@dataclass
class _Placed:
    row: int
    col: int
    cell: Cell
    lines: list[str]
    size: float
    left: bool
    """Set flush left: a row label, when the document sets them so; everything else is centred."""

    @property
    def end_row(self) -> int:
        return self.row + self.cell.rowspan


@dataclass
class _Geometry:
    xs: list[float]
    heights: list[float]
    cells: list[_Placed]


def _value_columns(table: Table) -> set[int]:
    """Columns holding a printed value (cells with a key); the others hold labels."""
    return {col + k for _, col, cell in place(table) if cell.key for k in range(cell.colspan)}


def _col_widths(table: Table, values: set[int], total: float, style: PdfStyle,
                rng: random.Random) -> list[float]:
    """Label columns wide, value columns equal: one label column takes about a third, three take
    two narrow group columns and a wide label column (table 3); table 4 has none."""
    labels = [c for c in range(table.n_cols) if c not in values]
    if not labels or not values:
        return [total / table.n_cols] * table.n_cols
    share = (0.32 if len(labels) == 1 else 0.45) * style.label_share
    widths = [0.0] * table.n_cols
    outer = [style.table_size * rng.uniform(2.2, 3.4) + 2 * style.cell_pad_x for _ in labels[:-1]]
    for c, w in zip(labels[:-1], outer, strict=True):
        widths[c] = w
    widths[labels[-1]] = max(share * total - sum(outer), 4 * style.table_size)
    rest = (total - sum(widths)) / len(values)
    for c in values:
        widths[c] = rest
    return widths


def _cell_lines(cell: Cell, width: float, size: float) -> tuple[list[str], float]:
    """A cell's lines and font size: text wraps, but a number that does not fit is set smaller
    (authors shrink a figure rather than break it)."""
    if not cell.text:
        return [], size
    if cell.label == "value" and any(ch.isdigit() for ch in cell.text):
        need = text_width(cell.text, size)
        return [cell.text], size if need <= width else max(4.0, size * width / need)
    return wrap(cell.text, width, size), size


def _geometry(table: Table, x0: float, width: float, style: PdfStyle, rng: random.Random) -> _Geometry:
    values = _value_columns(table)
    xs = [x0 + w for w in accumulate(_col_widths(table, values, width, style, rng), initial=0.0)]
    cells = []
    for r, c, cell in place(table):
        inner = xs[c + cell.colspan] - xs[c] - 2 * style.cell_pad_x
        lines, size = _cell_lines(cell, inner, style.table_size)
        left = (style.label_align == "left" and cell.label.startswith("row:")
                and values.isdisjoint(range(c, c + cell.colspan)))  # table 4's row labels head columns
        cells.append(_Placed(r, c, cell, lines, size, left))
    n_rows = max(p.end_row for p in cells)
    return _Geometry(xs, _row_heights(cells, n_rows, style), cells)


def _text_height(p: _Placed, style: PdfStyle) -> float:
    return len(p.lines) * p.size * style.table_leading + 2 * style.cell_pad_y


def _row_heights(cells: list[_Placed], n_rows: int, style: PdfStyle) -> list[float]:
    """Rows as tall as their tallest cell; a merged cell short of room widens its rows evenly."""
    base = max(style.min_row_height, style.table_size * style.table_leading + 2 * style.cell_pad_y)
    heights = [base] * n_rows
    for p in sorted(cells, key=lambda p: p.cell.rowspan):
        extra = _text_height(p, style) - sum(heights[p.row:p.end_row])
        if extra > 0:
            for r in range(p.row, p.end_row):
                heights[r] += extra / p.cell.rowspan
    return heights


def _keep_merged_text(a: int, b: int, geom: _Geometry, style: PdfStyle) -> int:
    """Move a break at row b up until every merged cell it cuts has room for its text above it."""
    moved = True
    while moved and b > a:
        moved = False
        for p in geom.cells:
            if a <= p.row < b < p.end_row and sum(geom.heights[p.row:b]) < _text_height(p, style):
                b, moved = p.row, True
    return b


def _split_rows(geom: _Geometry, style: PdfStyle, first_room: float, first_fresh: bool) -> list[tuple[int, int]]:
    """Row ranges per page, whole rows only; an empty first range means the table starts on the
    next page (its first rows do not fit, or a merged cell's text would not)."""
    page_room = PAGE_H - style.margin_top - style.margin_bottom
    parts: list[tuple[int, int]] = []
    n = len(geom.heights)
    a, room, fresh = 0, first_room, first_fresh
    while a < n:
        greedy, used = a, 0.0
        while greedy < n and used + geom.heights[greedy] <= room:
            used += geom.heights[greedy]
            greedy += 1
        b = _keep_merged_text(a, greedy, geom, style) if greedy < n else greedy
        if b == a and not fresh:
            parts.append((a, a))
        else:
            b = b if b > a else max(greedy, a + 1)  # nothing better on a fresh page: overflow
            parts.append((a, b))
            a = b
        room, fresh = page_room, True
    return parts


def _cell_text(flow: _Flow, p: _Placed, box: BBox) -> None:
    """The cell's lines centred vertically in its box; numbers and headers centred across it."""
    s = flow.style
    x0, top, x1, bottom = box
    lead = p.size * s.table_leading
    y = top + (bottom - top - len(p.lines) * lead) / 2
    for line in p.lines:
        width = text_width(line, p.size)
        x = x0 + s.cell_pad_x if p.left else (x0 + x1 - width) / 2
        flow.draw(_Text(x, y + (lead + p.size) / 2 + _descent(p.size), line, p.size))
        y += lead


def _borders(flow: _Flow, boxes: list[BBox]) -> None:
    """Every cell's own border: a stroked rectangle per cell, or its four edges as lines (shared
    edges drawn once)."""
    w = flow.style.rule_width
    if flow.style.border == "rects":
        for x0, top, x1, bottom in boxes:
            flow.draw(_Rect(x0, top, x1, bottom, w))
        return
    edges: dict[tuple[float, ...], None] = {}
    for x0, top, x1, bottom in boxes:
        for edge in ((x0, top, x1, top), (x0, bottom, x1, bottom), (x0, top, x0, bottom), (x1, top, x1, bottom)):
            edges[tuple(round(v, 2) for v in edge)] = None
    for x0, y0, x1, y1 in edges:
        flow.draw(_Rule(x0, y0, x1, y1, w))


def _draw_part(flow: _Flow, geom: _Geometry, a: int, b: int) -> None:
    """Rows [a, b) at the cursor: the part of every cell that reaches them, text where it starts."""
    ys = [flow.y + h for h in accumulate(geom.heights[a:b], initial=0.0)]
    xs = geom.xs
    boxes: list[BBox] = []
    for p in geom.cells:
        r0, r1 = max(p.row, a), min(p.end_row, b)
        if r0 >= r1:
            continue
        box = (xs[p.col], ys[r0 - a], xs[p.col + p.cell.colspan], ys[r1 - a])
        boxes.append(box)
        if p.row >= a:
            _cell_text(flow, p, box)
            flow.label(box, p.cell.label, p.cell.text, p.cell.key)
        else:  # the continuation of a merged cell: an empty cell on this page
            flow.label(box, "value", "")
    _borders(flow, boxes)
    if flow.style.double_border:
        gap = 1.5
        flow.draw(_Rect(xs[0] - gap, ys[0] - gap, xs[-1] + gap, ys[-1] + gap, min(0.5, flow.style.rule_width)))
    flow.y = ys[-1]


def _set_table(flow: _Flow, table: Table, rng: random.Random) -> None:
    s = flow.style
    avail = PAGE_W - 2 * s.margin_x
    width = avail * s.table_width
    x0 = s.margin_x + (avail - width) * rng.choice([0.0, 0.5])
    geom = _geometry(table, x0, width, s, rng)
    flow.y += s.body_size * 0.4
    for i, (a, b) in enumerate(_split_rows(geom, s, flow.bottom - flow.y, flow.fresh)):
        if i:
            flow.new_page()
        if b > a:
            _draw_part(flow, geom, a, b)
    flow.y += s.para_gap + s.body_size * 0.6


# ---------------------------------------------------------------- pages and output
def _page_numbers(flow: _Flow) -> None:
    """Page numbers in the top or bottom margin, once the page count is known (label `O`)."""
    s = flow.style
    if s.page_number is None:
        return
    total = len(flow.pages)
    size = s.body_size - 1.5
    baseline = s.margin_top * 0.55 if s.page_number_top else PAGE_H - s.margin_bottom * 0.45
    for n, ops in enumerate(flow.pages, 1):
        text = s.page_number.format(n=n, total=total)
        x = (PAGE_W - text_width(text, size)) / 2
        ops.append(_Text(x, baseline, text, size))
        flow.label(_glyph_box(x, baseline, text_width(text, size), size), "O", text, page=n)


def _write(pages: list[list[_Op]]) -> bytes:
    """The PDF: text as real text (embedded font subset), rules as strokes; invariant for a seed."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    for ops in pages:
        for op in ops:
            if isinstance(op, _Text):
                canvas.setFont(FONT, op.size)
                if op.bold:  # Word's bold for a font without a bold face: fill and stroke
                    canvas.setLineWidth(op.size * 0.03)
                canvas.drawString(op.x, PAGE_H - op.baseline, op.text, mode=2 if op.bold else None,
                                  charSpace=op.char_space)
            elif isinstance(op, _Rule):
                canvas.setLineWidth(op.width)
                canvas.line(op.x0, PAGE_H - op.y0, op.x1, PAGE_H - op.y1)
            else:
                canvas.setLineWidth(op.width)
                canvas.rect(op.x0, PAGE_H - op.bottom, op.x1 - op.x0, op.bottom - op.top, stroke=1, fill=0)
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def render_pdf(layout: Layout, rng: random.Random, style: PdfStyle | None = None) -> RenderedPdf:
    """The layout as an A4 PDF, with the box and label of every line of text and every table cell."""
    register_font()
    flow = _Flow(style or sample_pdf_style(rng))
    for block, role in zip(layout.blocks, _roles(layout.blocks), strict=True):
        if isinstance(block, Table):
            _set_table(flow, block, rng)
        else:
            assert role is not None
            _set_para(flow, block, role)
    _page_numbers(flow)
    return RenderedPdf(_write(flow.pages), flow.boxes)
