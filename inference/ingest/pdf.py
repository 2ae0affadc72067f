"""Born-digital PDFs into segments: ruled tables as grid cells, other text as lines of word runs.

The text layer gives exact characters, but not which cell they belong to; the table's ruling lines
do. Each page's lines and thin rectangles go to the grid builder (`xxgk.inference.layout.grid`), every
cell of a grid becomes one segment (empty ones too) with its grid position, one physical row per
grid row, and the page's other characters become lines split into word runs at wide gaps, so a
borderless table still reads as rows of fields. Grids and text lines are emitted top to bottom.

Boxes are pixels at `RENDER_DPI`, origin top-left, the frame of the page images the pipeline
renders, so a cell's box can be drawn on its review page. Pages are read one at a time and closed,
so memory does not grow with the page count.

Files that cannot be read are refused with the reason a user can act on: not a PDF, encrypted,
too long. A page without a usable text layer (a scan) is rendered and read by OCR
(`xxgk.inference.ingest.scan`) in its place in the page order, so scanned and mixed PDFs work; when
OCR is not installed such pages are skipped with a warning, and a PDF with no text page at all
is refused as `needs_ocr`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from pdfminer.pdfdocument import PDFPasswordIncorrect

from xxgk.document import BBox, Document, Page
from xxgk.errors import ExtractionError
from xxgk.inference.ingest.ocr_check import require_ocr
from xxgk.inference.ingest.segments import PageItem, SegmentBuilder, is_page_number
from xxgk.inference.layout import PX_PER_PT
from xxgk.inference.layout.grid import Line, build_grids, rect_lines
from xxgk.inference.layout.reading import Glyph, block_text, group_lines, line_text, split_runs
from xxgk.options import PipelineOptions, ScanOptions, TextOptions
from xxgk.settings import Settings


@dataclass(frozen=True)
class _Char:
    at: Glyph
    """Where the character is on the page."""
    read: Glyph
    """The same box turned so that its text runs left to right (differs for rotated text)."""


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


def _usable(chars: list[_Char], page: Any, min_text_chars: int) -> bool:
    """Whether the page has a real text layer: mostly mapped characters, and not a page image
    carrying only a few words."""
    good = sum(1 for c in chars if _mapped(c.at.text))
    if good == 0 or good < 0.5 * len(chars):
        return False
    area = float(page.width * page.height) or 1.0
    covered = sum(max(0.0, float(im["x1"] - im["x0"])) * max(0.0, float(im["bottom"] - im["top"]))
                  for im in page.images)
    return good >= min_text_chars or covered < 0.5 * area


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


def _page_items(chars: list[_Char], lines: list[Line], height: float, text: TextOptions) -> list[PageItem]:
    """The page's grids (with each cell's text) and text lines (as runs cut at `text.run_gap`), top to
    bottom."""
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
    items = [PageItem(g.bbox[1], g, [block_text(cell) for cell in cells])
             for g, cells in zip(grids, in_cells, strict=True)]
    for line in group_lines(free):
        runs = [(line_text(run), _union(run)) for run in split_runs(line, text.run_gap)]
        box = _union(line)
        if not is_page_number(" ".join(t for t, _ in runs), box, height):
            items.append(PageItem(box[1], runs=runs))
    return sorted(items, key=lambda it: it.top)


def _without_pages(path: Path) -> bool:
    try:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages) == 0
    except Exception:  # unreadable for pdfminer as well: corrupt, not empty
        return False


def _check_openable(path: Path, source: str, max_pages: int) -> None:
    """Open with PDFium first: it tells a wrong password from a broken file, and counts pages
    cheaply (more than `max_pages` are refused), before pdfminer's slower parse."""
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
    if n > max_pages:
        raise ExtractionError("ingest", "too_many_pages",
                              f"{source}: {n} pages is over the {max_pages}-page limit")


def _read_page(page: Any, number: int, doc: Document, builder: SegmentBuilder, text: TextOptions) -> bool:
    """Add one page's segments; False when it has no text layer (a blank page has nothing to read)."""
    frame = _Frame.of(page)
    doc.pages.append(Page(number=number, width=frame.width, height=frame.height))
    chars = _chars(page, frame)
    if not chars and not page.images:
        return True
    if not _usable(chars, page, text.min_text_chars):
        return False
    chars = [c for c in chars if _mapped(c.at.text)]
    builder.page(number, _page_items(chars, _lines(page, frame), frame.height, text))
    return True


def ingest_pdf(path: Path, *, doc_id: str, settings: Settings, options: PipelineOptions,
               timings: dict[str, float] | None = None) -> Document:
    """Read a PDF into a Document, page by page: text pages from their text layer, scanned ones by OCR
    (page limits from `settings`, thresholds from `options.text` and `options.scan`)."""
    source = str(path)
    _check_openable(path, source, settings.max_pdf_pages)
    doc = Document(doc_id=doc_id, source=source, input_kind="pdf")
    builder = SegmentBuilder()
    scans = _Scans(path, doc_id, settings, options.scan, timings)
    try:
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                try:
                    if not _read_page(page, number, doc, builder, options.text):
                        scans.read(number, doc, builder)
                except ExtractionError:
                    raise
                except Exception as exc:  # pdfminer fails on broken content streams in many ways
                    doc.warnings.append(f"page {number} could not be read ({type(exc).__name__}: {exc})")
                finally:
                    page.close()
    except ExtractionError:
        raise
    except Exception as exc:  # any parser failure on opening is a file we cannot read
        encrypted = any(isinstance(e, PDFPasswordIncorrect) for e in (exc, *exc.args))
        raise ExtractionError("ingest", "encrypted" if encrypted else "corrupt",
                              f"{source}: the PDF cannot be parsed ({type(exc).__name__}: {exc})") from exc
    finally:
        scans.close()
    if scans.skipped and not builder.segments and scans.unavailable is not None:
        raise scans.unavailable
    if scans.skipped:
        doc.warnings.append(f"pages {', '.join(map(str, scans.skipped))} have no text layer (scanned?) and "
                            f"were skipped: {scans.why}")
    if scans.read_pages:
        doc.input_kind = "scanned_pdf"
    doc.segments = builder.segments
    return doc


class _Scans:
    """The scanned pages of one PDF, read by OCR as they come (the engine loaded at the first)."""

    def __init__(self, path: Path, doc_id: str, settings: Settings, scan: ScanOptions,
                 timings: dict[str, float] | None):
        self.path, self.doc_id, self.settings, self.scan, self.timings = path, doc_id, settings, scan, timings
        self.pages: Any = None
        self.read_pages: list[int] = []
        self.skipped: list[int] = []
        self.why = ""
        self.unavailable: ExtractionError | None = None

    def read(self, number: int, doc: Document, builder: SegmentBuilder) -> None:
        if self.unavailable is not None or len(self.read_pages) >= self.settings.ocr_max_pages:
            self.why = self.why or f"over the limit of {self.settings.ocr_max_pages} OCR pages per document"
            self.skipped.append(number)
            return
        if self.pages is None:
            try:
                require_ocr(str(self.path))
                from xxgk.inference.ingest.scan import PdfPages, open_reader

                reader = open_reader(self.doc_id, str(self.path), self.settings, self.scan, self.timings)
            except ExtractionError as exc:
                self.unavailable, self.why = exc, exc.error.message
                self.skipped.append(number)
                return
            self.pages = PdfPages(self.path, reader)
        scanned = self.pages.read(number)
        doc.pages[-1] = scanned.page
        doc.warnings.extend(scanned.warnings)
        builder.page(number, scanned.items, source="ocr")
        self.read_pages.append(number)

    def close(self) -> None:
        if self.pages is not None:
            self.pages.close()
