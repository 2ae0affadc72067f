"""Born-digital PDFs into segments: ruled tables as grid cells, other text as lines of word runs.

The text layer gives exact characters, but not which cell they belong to; the table's ruling lines
do. Each page's lines and thin rectangles go to the grid builder (`inference.layout.grid`), every
cell of a grid becomes one segment (empty ones too) with its grid position, one physical row per
grid row, and the page's other characters become lines split into word runs at wide gaps, so a
borderless table still reads as rows of fields. Grids and text lines are emitted top to bottom.

Boxes are pixels at `RENDER_DPI`, origin top-left, the frame of the page images the pipeline
renders, so a cell's box can be drawn on its review page. Pages are read one at a time and closed,
so memory does not grow with the page count.

Files that cannot be read are refused with the reason a user can act on: not a PDF, encrypted,
too long, or scanned (no page has a text layer: the OCR path is needed). Scanned pages inside a
text PDF are skipped with a warning naming them.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from pdfminer.pdfdocument import PDFPasswordIncorrect

from inference.errors import ExtractionError
from inference.layout import PX_PER_PT
from inference.layout.grid import Grid, Line, build_grids, rect_lines
from inference.layout.reading import Glyph, block_text, group_lines, line_text, split_runs
from xxgk.document import BBox, Document, GridCell, Page, Segment

MAX_PAGES = 500
MIN_TEXT_CHARS = 50
"""A page mostly covered by an image needs this many characters to count as a text page (a
scanned page may carry a stamped page number or a few OCR'd words)."""
_PAGE_NUMBER = re.compile(r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
                          r"|\d+\s*/\s*\d+)$")
_MARGIN = 0.08
"""Page numbers are dropped only inside this share of the page height at the top or bottom."""


@dataclass(frozen=True)
class _Char:
    at: Glyph
    """Where the character is on the page."""
    read: Glyph
    """The same box turned so that its text runs left to right (differs for rotated text)."""


@dataclass
class _Item:
    """A grid or a text line of one page, placed by its top."""

    top: float
    grid: Grid | None = None
    cell_texts: list[str] = field(default_factory=list)
    runs: list[tuple[str, BBox]] = field(default_factory=list)


def _oriented(g: Glyph, matrix: tuple[float, ...]) -> Glyph:
    """The box in a frame where rotated text (vertical headers) reads left to right."""
    a, b = matrix[0], matrix[1]
    if abs(b) > abs(a):
        if b > 0:  # runs up the page
            return Glyph(g.text, -g.bottom, g.x0, -g.top, g.x1)
        return Glyph(g.text, g.top, -g.x1, g.bottom, -g.x0)
    if a < 0:  # upside down
        return Glyph(g.text, -g.x1, -g.bottom, -g.x0, -g.top)
    return g


@dataclass(frozen=True)
class _Frame:
    """Points of pdfplumber's page frame to pixels of the rendered page (its crop box)."""

    left: float
    top: float
    width: float
    height: float

    @classmethod
    def of(cls, page: Any) -> _Frame:
        x0, top, x1, bottom = (float(v) for v in page.cropbox)
        return cls(x0, top, (x1 - x0) * PX_PER_PT, (bottom - top) * PX_PER_PT)

    def x(self, v: float) -> float:
        return (float(v) - self.left) * PX_PER_PT

    def y(self, v: float) -> float:
        return (float(v) - self.top) * PX_PER_PT


def _deduped(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Characters without their fake-bold copies (the same glyph drawn again within about 1 pt);
    a grid lookup instead of pdfplumber's sort-based `dedupe_chars`, which is the slowest step."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for ch in chars:
        text, x, y = ch["text"], round(ch["x0"]), round(ch["top"])
        if not any((text, x + dx, y + dy) in seen for dx in (-1, 0, 1) for dy in (-1, 0, 1)):
            seen.add((text, x, y))
            out.append(ch)
    return out


def _chars(page: Any, f: _Frame) -> list[_Char]:
    out = []
    for ch in _deduped(page.chars):
        text = ch["text"]
        if not text.strip():
            continue
        g = Glyph(text, f.x(ch["x0"]), f.y(ch["top"]), f.x(ch["x1"]), f.y(ch["bottom"]))
        if not (0 <= g.cx <= f.width and 0 <= g.cy <= f.height):
            continue
        out.append(_Char(g, g if ch.get("upright", True) else _oriented(g, ch["matrix"])))
    return out


def _mapped(text: str) -> bool:
    """False for glyphs of fonts without a Unicode map, which pdfminer prints as `(cid:123)`."""
    return not text.startswith("(cid:") and text != "\ufffd"


def _usable(chars: list[_Char], page: Any) -> bool:
    """Whether the page has a real text layer: mostly mapped characters, and not a page image
    carrying only a few words."""
    good = sum(1 for c in chars if _mapped(c.at.text))
    if good == 0 or good < 0.5 * len(chars):
        return False
    area = float(page.width * page.height) or 1.0
    covered = sum(max(0.0, float(im["x1"] - im["x0"])) * max(0.0, float(im["bottom"] - im["top"]))
                  for im in page.images)
    return good >= MIN_TEXT_CHARS or covered < 0.5 * area


def _lines(page: Any, f: _Frame) -> list[Line]:
    """Ruling lines of the page in pixels: stroked lines, path segments, thin or stroked rects."""
    out: list[Line] = []
    for obj in [*page.lines, *page.curves]:
        pts = obj.get("pts") or []
        out.extend(Line(f.x(x0), f.y(y0), f.x(x1), f.y(y1)) for (x0, y0), (x1, y1) in itertools.pairwise(pts))
    for r in page.rects:
        out.extend(rect_lines(f.x(r["x0"]), f.y(r["top"]), f.x(r["x1"]), f.y(r["bottom"]),
                              stroked=bool(r.get("stroke"))))
    return out


def _union(glyphs: list[Glyph]) -> BBox:
    return (min(g.x0 for g in glyphs), min(g.top for g in glyphs),
            max(g.x1 for g in glyphs), max(g.bottom for g in glyphs))


def _is_page_number(text: str, box: BBox, height: float) -> bool:
    in_margin = box[3] < _MARGIN * height or box[1] > (1 - _MARGIN) * height
    return in_margin and bool(_PAGE_NUMBER.match(text))


def _page_items(chars: list[_Char], lines: list[Line], height: float) -> list[_Item]:
    """The page's grids (with each cell's text) and text lines (as runs), top to bottom."""
    grids = build_grids(lines)
    in_cells: list[list[list[Glyph]]] = [[[] for _ in g.cells] for g in grids]
    free: list[Glyph] = []
    for c in chars:
        for gi, grid in enumerate(grids):
            idx = grid.cell_at(c.at.cx, c.at.cy)
            if idx is not None:
                in_cells[gi][idx].append(c.read)
                break
        else:
            if c.read is c.at:  # rotated text outside tables is a watermark or a margin note
                free.append(c.at)
    items = [_Item(g.bbox[1], g, [block_text(cell) for cell in cells])
             for g, cells in zip(grids, in_cells, strict=True)]
    for line in group_lines(free):
        runs = [(line_text(run), _union(run)) for run in split_runs(line)]
        box = _union(line)
        if not _is_page_number(" ".join(t for t, _ in runs), box, height):
            items.append(_Item(box[1], runs=runs))
    return sorted(items, key=lambda it: it.top)


@dataclass
class _Builder:
    """Segments in reading order over the whole document: physical rows and table indexes."""

    segments: list[Segment] = field(default_factory=list)
    next_row: int = 0
    tables: int = 0

    def page(self, number: int, items: list[_Item]) -> None:
        for item in items:
            if item.grid is None:
                for text, box in item.runs:
                    self._add(text, number, box, self.next_row, None)
                self.next_row += 1
                continue
            rows = {r: self.next_row + i
                    for i, r in enumerate(sorted({box.row for box in item.grid.cells}))}
            for box, text in zip(item.grid.cells, item.cell_texts, strict=True):
                cell = GridCell(table=self.tables, row=box.row, col=box.col, row_span=box.row_span,
                                col_span=box.col_span)
                self._add(text, number, box.bbox, rows[box.row], cell)
            self.next_row += len(rows)
            self.tables += 1

    def _add(self, text: str, page: int, bbox: BBox, row: int, cell: GridCell | None) -> None:
        self.segments.append(Segment(id=len(self.segments), text=text, page=page, bbox=bbox, row=row,
                                     source="pdf_text", cell=cell))


def _without_pages(path: Path) -> bool:
    try:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages) == 0
    except Exception:  # unreadable for pdfminer as well: corrupt, not empty
        return False


def _check_openable(path: Path, source: str) -> None:
    """Open with PDFium first: it tells a wrong password from a broken file, and counts pages
    cheaply, before pdfminer's slower parse."""
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in (pdfium_raw.FPDF_ERR_PASSWORD, pdfium_raw.FPDF_ERR_SECURITY):
            raise ExtractionError("ingest", "encrypted",
                                  f"{source}: the PDF is encrypted and needs a password to open; "
                                  "save an unprotected copy") from exc
        if _without_pages(path):  # PDFium refuses these without saying why
            raise ExtractionError("ingest", "corrupt", f"{source}: the PDF has no pages") from exc
        raise ExtractionError("ingest", "corrupt", f"{source}: not a readable PDF ({exc})") from exc
    try:
        n = len(pdf)
    finally:
        pdf.close()
    if n == 0:
        raise ExtractionError("ingest", "corrupt", f"{source}: the PDF has no pages")
    if n > MAX_PAGES:
        raise ExtractionError("ingest", "too_many_pages",
                              f"{source}: {n} pages is over the {MAX_PAGES}-page limit")


def _read_page(page: Any, number: int, doc: Document, builder: _Builder) -> bool:
    """Add one page's segments; False when it has no text layer (a blank page has nothing to read)."""
    frame = _Frame.of(page)
    doc.pages.append(Page(number=number, width=frame.width, height=frame.height))
    chars = _chars(page, frame)
    if not chars and not page.images:
        return True
    if not _usable(chars, page):
        return False
    chars = [c for c in chars if _mapped(c.at.text)]
    builder.page(number, _page_items(chars, _lines(page, frame), frame.height))
    return True


def ingest_pdf(path: Path, *, doc_id: str) -> Document:
    """Read a born-digital PDF into a Document, page by page."""
    source = str(path)
    _check_openable(path, source)
    doc = Document(doc_id=doc_id, source=source, input_kind="pdf")
    builder = _Builder()
    no_text: list[int] = []
    try:
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                try:
                    if not _read_page(page, number, doc, builder):
                        no_text.append(number)
                except Exception as exc:  # pdfminer fails on broken content streams in many ways
                    doc.warnings.append(f"page {number} could not be read ({type(exc).__name__}: {exc})")
                finally:
                    page.close()
    except Exception as exc:  # any parser failure on opening is a file we cannot read
        encrypted = any(isinstance(e, PDFPasswordIncorrect) for e in (exc, *exc.args))
        raise ExtractionError("ingest", "encrypted" if encrypted else "corrupt",
                              f"{source}: the PDF cannot be parsed ({type(exc).__name__}: {exc})") from exc
    if no_text and not builder.segments:
        raise ExtractionError("ingest", "needs_ocr",
                              f"{source}: a scanned PDF (no page has a usable text layer); it needs the "
                              "OCR path")
    if no_text:
        doc.warnings.append(f"pages {', '.join(map(str, no_text))} have no text layer (scanned?) and "
                            "were skipped; the OCR path reads them")
    doc.segments = builder.segments
    return doc
