"""Pages of grids and text lines into segments: one builder for every input with a page layout.

A page is read (from a PDF's text layer or by OCR) into items placed by their top: grids, each
cell with its text, and text lines, each a list of runs. The builder numbers the segments in
reading order over the whole document, gives every grid row and every text line its own physical
row, and counts tables over the document, so born-digital and scanned pages of one PDF interleave.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xxgk.document import BBox, GridCell, Segment, SegmentSource
from xxgk.inference.layout.grid import Grid

_PAGE_NUMBER = re.compile(r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
                          r"|\d+\s*/\s*\d+)$")
_MARGIN = 0.08
"""Page numbers are dropped only inside this share of the page height at the top or bottom."""


def is_page_number(text: str, box: BBox, height: float) -> bool:
    in_margin = box[3] < _MARGIN * height or box[1] > (1 - _MARGIN) * height
    return in_margin and bool(_PAGE_NUMBER.match(text))


@dataclass
class PageItem:
    """A grid or a text line of one page, placed by its top."""

    top: float
    grid: Grid | None = None
    cell_texts: list[str] = field(default_factory=list)
    cell_scores: list[float | None] | None = None
    """Recogniser confidence per cell (OCR), None for a text layer or an empty cell."""
    runs: list[tuple[str, BBox]] = field(default_factory=list)
    run_scores: list[float | None] | None = None
    cell_covers: list[str | None] | None = None
    """Per cell, what lay over its print (`seal`), for OCR; see `Segment.covered_by`."""


@dataclass
class SegmentBuilder:
    """Segments in reading order over the whole document: physical rows and table indexes."""

    segments: list[Segment] = field(default_factory=list)
    next_row: int = 0
    tables: int = 0

    def page(self, number: int, items: list[PageItem], source: SegmentSource = "pdf_text") -> None:
        for item in items:
            if item.grid is None:
                scores = item.run_scores or [None] * len(item.runs)
                for (text, box), score in zip(item.runs, scores, strict=True):
                    self._add(text, number, box, self.next_row, None, source, score)
                self.next_row += 1
                continue
            rows = {r: self.next_row + i
                    for i, r in enumerate(sorted({box.row for box in item.grid.cells}))}
            scores = item.cell_scores or [None] * len(item.grid.cells)
            covers = item.cell_covers or [None] * len(item.grid.cells)
            for box, text, score, cover in zip(item.grid.cells, item.cell_texts, scores, covers, strict=True):
                cell = GridCell(table=self.tables, row=box.row, col=box.col, row_span=box.row_span,
                                col_span=box.col_span)
                self._add(text, number, box.bbox, rows[box.row], cell, source, score, cover)
            self.next_row += len(rows)
            self.tables += 1

    def _add(self, text: str, page: int, bbox: BBox, row: int, cell: GridCell | None, source: SegmentSource,
             score: float | None, cover: str | None = None) -> None:
        self.segments.append(Segment(id=len(self.segments), text=text, page=page, bbox=bbox, row=row,
                                     source=source, cell=cell, read_score=score, covered_by=cover))
