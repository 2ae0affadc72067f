"""HTML report pages into segments: table cells from the real grid, other text block by block.

Reports published as web pages keep their tables as `<table>` markup, which is better evidence than
any text dump: `rowspan`/`colspan` say exactly which cell is merged with which. Each table is
expanded into its grid; every cell that starts a merged area (and every single cell) becomes one
segment carrying its grid position, and each grid row is one physical row, with empty cells kept as
empty segments so the assembler can count columns. Text outside tables becomes one segment per
block (paragraph, heading, list item, `<br>`-separated line), each its own physical row.

Cell text joins its lines (`结<br>果<br>维<br>持`, `<p>` per line in Word's HTML) without breaks
between Chinese characters. A table whose cells hold other tables is page layout (old CMS pages wrap
the whole report in one), so its cells are read as text blocks and the inner tables as tables.
The pseudo-layout is the one of text inputs: column c of physical row r at x = 100·c, y = 10·r.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from xxgk.document import Document, GridCell, Page, Segment
from xxgk.errors import ExtractionError
from xxgk.inference.ingest.text import FIELD_DX, ROW_DY
from xxgk.inference.layout.reading import join_wrapped

_DROP = frozenset({"script", "style", "head", "nav", "noscript", "template", "iframe", "object",
                   "svg", "select", "button", "textarea"})
_BLOCK = frozenset({"address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
                    "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure",
                    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
                    "html", "li", "main", "menu", "ol", "p", "pre", "section", "summary", "table",
                    "tbody", "td", "tfoot", "th", "thead", "tr", "ul"})
_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff\u00ad")
_SPAN = re.compile(r"\d+")
MAX_COLSPAN = 1000


class _Lines:
    """Text accumulated between block boundaries; each boundary closes a line."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._buf: list[str] = []

    def add(self, text: str | None, pre: bool = False) -> None:
        if not text:
            return
        if not pre:
            self._buf.append(text)
            return
        first, *rest = text.split("\n")
        self._buf.append(first)
        for part in rest:
            self.newline()
            self._buf.append(part)

    def newline(self) -> None:
        line = " ".join("".join(self._buf).translate(_INVISIBLE).split())
        self._buf = []
        if line:
            self.lines.append(line)


def _walk(el: etree._Element, out: _Lines, on_table: Callable[[etree._Element], None] | None,
          pre: bool = False) -> None:
    """Flow text of `el` into `out`; tables go to `on_table` (None: read as text)."""
    tag = el.tag.lower() if isinstance(el.tag, str) else None
    if tag is None or tag in _DROP:
        out.add(el.tail, pre)
        return
    if tag == "br":
        out.newline()
        out.add(el.tail, pre)
        return
    block = tag in _BLOCK
    if block:
        out.newline()
    if tag == "table" and on_table is not None and not _is_layout(el):
        on_table(el)
    else:
        inner_pre = pre or tag == "pre"
        out.add(el.text, inner_pre)
        for child in el:
            _walk(child, out, on_table, inner_pre)
    if block:
        out.newline()
    out.add(el.tail, pre)


def _is_layout(table: etree._Element) -> bool:
    return bool(table.xpath(".//table"))


def _cell_text(cell: etree._Element) -> str:
    out = _Lines()
    out.add(cell.text)
    for child in cell:
        _walk(child, out, None)
    out.newline()
    text = ""
    for line in out.lines:
        text = join_wrapped(text, line)
    return text


def _span(value: str | None, default: int = 1) -> int:
    m = _SPAN.search(value or "")
    return int(m.group()) if m else default


@dataclass
class _Cell:
    row: int
    col: int
    row_span: int
    col_span: int
    text: str


def _table_grid(table: etree._Element) -> tuple[list[_Cell], int]:
    """The table's cells placed on its grid (row-major), and the number of grid rows.

    Spans are clipped to the table (a `rowspan` past the last row, or 0, ends at the last row).
    """
    rows = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
    n_rows = len(rows)
    taken: set[tuple[int, int]] = set()
    cells: list[_Cell] = []
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.xpath("./td | ./th"):
            while (r, c) in taken:
                c += 1
            row_span = _span(td.get("rowspan"))
            row_span = n_rows - r if row_span == 0 else min(max(row_span, 1), n_rows - r)
            col_span = min(max(_span(td.get("colspan")), 1), MAX_COLSPAN)
            taken.update((r + dr, c + dc) for dr in range(row_span) for dc in range(col_span))
            cells.append(_Cell(r, c, row_span, col_span, _cell_text(td)))
            c += col_span
    return cells, n_rows


@dataclass
class _Piece:
    text: str
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    cell: GridCell | None = None


@dataclass
class _Builder:
    """Pieces in reading order, with doc-wide physical rows and table indexes."""

    pieces: list[_Piece] = field(default_factory=list)
    next_row: int = 0
    tables: int = 0

    def text_lines(self, out: _Lines) -> None:
        out.newline()
        for line in out.lines:
            self.pieces.append(_Piece(line, self.next_row, 0))
            self.next_row += 1
        out.lines.clear()

    def table(self, table: etree._Element, out: _Lines) -> None:
        self.text_lines(out)
        for caption in table.xpath("./caption"):
            out.add(_cell_text(caption))
            self.text_lines(out)
        cells, n_rows = _table_grid(table)
        if not cells:
            return
        for c in cells:
            grid = GridCell(table=self.tables, row=c.row, col=c.col, row_span=c.row_span,
                            col_span=c.col_span)
            self.pieces.append(_Piece(c.text, self.next_row + c.row, c.col, c.row_span, c.col_span, grid))
        self.tables += 1
        self.next_row += n_rows

    def segments(self) -> list[Segment]:
        """Segments with physical rows renumbered 0..n-1 (grid rows covered by spans leave gaps)."""
        rows = {r: i for i, r in enumerate(dict.fromkeys(p.row for p in self.pieces))}
        out = []
        for i, p in enumerate(self.pieces):
            row = rows[p.row]
            bbox = (FIELD_DX * p.col, ROW_DY * row, FIELD_DX * (p.col + p.col_span) - FIELD_DX * 0.1,
                    ROW_DY * (row + p.row_span) - ROW_DY * 0.1)
            out.append(Segment(id=i, text=p.text, page=1, bbox=bbox, row=row, source="html",
                               cell=p.cell))
        return out


def ingest_html(text: str, *, doc_id: str, source: str) -> Document:
    """Read an HTML page (already decoded) into a Document with one page."""
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError("ingest", "corrupt", f"{source}: not readable as HTML ({exc})") from exc
    builder = _Builder()
    out = _Lines()
    properties = _head_properties(root)
    _walk(root, out, lambda table: builder.table(table, out))
    builder.text_lines(out)
    segments = builder.segments()
    width = max((p.col + p.col_span for p in builder.pieces), default=1)
    n_rows = len({s.row for s in segments})
    page = Page(number=1, width=FIELD_DX * width, height=ROW_DY * max(n_rows, 1))
    return Document(doc_id=doc_id, source=source, input_kind="html", pages=[page], segments=segments,
                    properties=properties)


def _head_properties(root: etree._Element) -> dict[str, str]:
    """The page's `<title>` and named `<meta>` tags: the title and source a site gives the report."""
    out: dict[str, str] = {}
    for title in root.xpath("//title"):
        text = " ".join((title.text_content() or "").translate(_INVISIBLE).split())
        if text:
            out.setdefault("title", text)
    for tag in root.xpath("//meta[(@name or @property) and @content]"):
        name = (tag.get("name") or tag.get("property") or "").strip().lower()
        content = " ".join(tag.get("content", "").translate(_INVISIBLE).split())
        if name and content:
            out.setdefault(f"meta:{name}", content)
    return out
