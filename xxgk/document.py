"""The document model every stage reads and writes.

Every input kind (text dump, HTML, born-digital PDF, scan) becomes the same `Document`: pages, and
*segments* in reading order. A segment is the smallest unit the labeler classifies: a table cell,
a tab- or pipe-separated field of a text line, a word run of a PDF line, an OCR line. Each carries
its box on its page and its physical row (`row`), the line or table row it sits in, which is what
lets the assembler tell the cells of one row from the next. A segment that holds two cells (`0 0`)
or a label split over two segments (`本年新` / `制作数量`) is resolved downstream, not here.

Stages fill their own slots: ingest fills pages and segments, the labeler `label`/`label_score`,
the assembler and rule layer the `Extraction`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FileFormat = Literal["pdf", "image", "html", "text"]
"""A report file's format, sniffed from its bytes: what an upload is (a job's `kind`) and which ingest
backend reads it. Known before anything is read, so it cannot say whether a PDF's pages are scanned."""
InputKind = Literal["text", "html", "pdf", "scanned_pdf", "image"]
"""What the pipeline read a document as (`meta.input_kind` of the output): the file's format, except
that a PDF whose pages had to be read by OCR is a `scanned_pdf`."""
SegmentSource = Literal["text", "html", "pdf_text", "ocr"]
BBox = tuple[float, float, float, float]
"""A box (x0, y0, x1, y1), top-left origin: pixels of the page image in documents and layout, PDF points
where a PDF is drawn (training/synth/render_pdf.py). The one definition every stage imports."""
DumpDamage = Literal["collapsed_runs", "glued_cells"]
"""What a crawler did to a text dump's table, seen in the text as a whole (see inference/ingest/text.py):
`collapsed_runs`, runs of identical consecutive lines written once (a row `0 0 0` printed `0`);
`glued_cells`, cells written without separators (`640020470` for 64, 0, 0, 2, 0, 4, 70)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(_Model):
    number: int
    """1-based page number."""
    width: float
    height: float
    """Page size in the units of the segments' boxes: pixels of the page image the pipeline used,
    or characters × lines for text inputs (a pseudo-layout)."""
    image: str | None = None
    """Path of the rendered page image, when the pipeline made one (scans, review pages)."""


class GridCell(_Model):
    table: int
    """Index of the grid (ruled table) on its page, counted over the document."""
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1


class Segment(_Model):
    id: int
    """Position in reading order (segments are kept sorted by id)."""
    text: str
    """Text as read (NFKC-normalised for OCR); empty for an empty cell or field."""
    page: int = 1
    bbox: BBox
    row: int
    """Physical row: segments with the same value sit on one text line or table row."""
    source: SegmentSource
    span: tuple[int, int] | None = None
    """Character offsets in the source text, for text and HTML inputs."""
    cell: GridCell | None = None
    """Grid position, when the segment is a cell of a recovered table grid."""
    columns: tuple[int, int] | None = None
    """Display columns (start, end) of the text on its line, for dumps that lay tables out with
    spaces: where a number sits says which column it is when blank cells left no trace."""
    read_score: float | None = None
    """Recogniser confidence for OCR text; None when the text came from a text layer."""
    covered_by: Literal["seal"] | None = None
    """What lay over the segment's print on the page: `seal` when a stamp's ink was taken out from
    under it before it was read (the text is the print seen through the seal)."""
    label: str | None = None
    label_score: float | None = None


class Document(_Model):
    doc_id: str
    source: str
    input_kind: InputKind
    pages: list[Page] = Field(default_factory=list)
    segments: list[Segment] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    damage: list[DumpDamage] = Field(default_factory=list)
    """Damage the dump shows, which lets the reconciler read short rows as expanded runs or cut digits."""
    properties: dict[str, str] = Field(default_factory=dict)
    """What the file says about itself outside the report's text, where people and sites put a
    report's title, source and date: an HTML page's `<title>` (key `title`) and its
    `<meta name|property=… content=…>` tags (key `meta:<name>`, the name lower-cased)."""

    def rows(self) -> list[list[Segment]]:
        """Segments grouped by physical row, rows in reading order of their first segment."""
        groups: dict[int, list[Segment]] = {}
        for seg in self.segments:
            groups.setdefault(seg.row, []).append(seg)
        return list(groups.values())

    @property
    def labeled(self) -> bool:
        return bool(self.segments) and all(s.label is not None for s in self.segments)
