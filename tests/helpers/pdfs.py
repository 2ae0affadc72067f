"""Test PDFs drawn with reportlab: ruled tables with merged cells, prose, and files that must fail.

Tables are drawn the ways real generators draw them (a line per cell edge, a stroked rectangle per
cell, thin filled rectangles as rules), with optional vertical headers stacked one character per line
or rotated, so the PDF ingester meets each kind of input it must handle.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT = "WQY"
FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
Border = Literal["lines", "rects", "filled"]
Vertical = Literal["stacked", "rotated"]


def register_font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, FONT_PATH, subfontIndex=0))
    return FONT


@dataclass
class Cell:
    row: int
    col: int
    text: str
    row_span: int = 1
    col_span: int = 1
    vertical: Vertical | None = None


@dataclass
class Table:
    col_widths: list[float]
    cells: list[Cell]
    size: float = 9.0
    min_row_height: float = 16.0
    row_heights: list[float] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return max(c.row + c.row_span for c in self.cells)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy character wrap (Chinese text has no word breaks)."""
    lines, current = [], ""
    for ch in text:
        if current and pdfmetrics.stringWidth(current + ch, FONT, size) > width:
            lines.append(current)
            current = ch
        else:
            current += ch
    return [*lines, current] if current else lines


_PAD = 3.0


def _cell_lines(cell: Cell, width: float, size: float) -> list[str]:
    if cell.vertical == "stacked":
        return list(cell.text)
    if cell.vertical == "rotated":
        return [cell.text]
    return wrap(cell.text, width - 2 * _PAD, size)


def layout_rows(table: Table) -> list[float]:
    """Row heights that fit every cell's text (spanning cells stretch their last row)."""
    leading = table.size * 1.25
    heights = [table.min_row_height] * table.n_rows
    for cell in sorted(table.cells, key=lambda c: c.row_span):
        width = sum(table.col_widths[cell.col:cell.col + cell.col_span])
        lines = _cell_lines(cell, width, table.size)
        need = (pdfmetrics.stringWidth(cell.text, FONT, table.size) if cell.vertical == "rotated"
                else len(lines) * leading) + 2 * _PAD
        have = sum(heights[cell.row:cell.row + cell.row_span])
        if need > have:
            heights[cell.row + cell.row_span - 1] += need - have
    return heights


class PdfWriter:
    """Flows text lines and tables down A4 pages, top to bottom."""

    def __init__(self, path: Path, *, encrypt: StandardEncryption | None = None, margin: float = 56.0):
        register_font()
        self.canvas = Canvas(str(path), pagesize=A4, encrypt=encrypt)
        self.width, self.height = A4
        self.margin = margin
        self.y = self.height - margin
        self._fresh = True

    def _need(self, height: float) -> None:
        if self.y - height < self.margin and not self._fresh:
            self.page_break()

    def page_break(self) -> None:
        self.canvas.showPage()
        self.y = self.height - self.margin
        self._fresh = True

    def text(self, text: str, *, size: float = 11.0, align: Literal["left", "center", "right"] = "left",
             indent: float = 0.0) -> None:
        """A paragraph, wrapped to the text width."""
        avail = self.width - 2 * self.margin - indent
        for line in wrap(text, avail, size) or [""]:
            self._need(size * 1.6)
            self.y -= size * 1.6
            c = self.canvas
            c.setFont(FONT, size)
            if align == "center":
                c.drawCentredString(self.width / 2, self.y, line)
            elif align == "right":
                c.drawRightString(self.width - self.margin, self.y, line)
            else:
                c.drawString(self.margin + indent, self.y, line)
            self._fresh = False

    def table(self, table: Table, *, border: Border = "lines") -> tuple[float, float, float, float]:
        """Draw a ruled table at the cursor; returns its box in points, origin top-left."""
        heights = table.row_heights or layout_rows(table)
        total = sum(heights)
        self._need(total + 8)
        self.y -= 8
        x0, top = self.margin, self.y
        xs = [x0 + sum(table.col_widths[:i]) for i in range(len(table.col_widths) + 1)]
        ys = [top - sum(heights[:i]) for i in range(len(heights) + 1)]
        for cell in table.cells:
            box = (xs[cell.col], ys[cell.row + cell.row_span], xs[cell.col + cell.col_span], ys[cell.row])
            self._border(box, border)
            self._cell_text(cell, box, table.size)
        self.y = ys[-1]
        self._fresh = False
        return (xs[0], self.height - ys[0], xs[-1], self.height - ys[-1])

    def _border(self, box: tuple[float, float, float, float], border: Border) -> None:
        c = self.canvas
        left, bottom, right, top = box
        c.setLineWidth(0.75)
        if border == "rects":
            c.rect(left, bottom, right - left, top - bottom, stroke=1, fill=0)
        elif border == "filled":
            t = 0.6
            for x, y, w, h in ((left, top - t / 2, right - left, t), (left, bottom - t / 2, right - left, t),
                               (left - t / 2, bottom, t, top - bottom), (right - t / 2, bottom, t, top - bottom)):
                c.rect(x, y, w, h, stroke=0, fill=1)
        else:
            for x_a, y_a, x_b, y_b in ((left, top, right, top), (left, bottom, right, bottom),
                                       (left, bottom, left, top), (right, bottom, right, top)):
                c.line(x_a, y_a, x_b, y_b)

    def _cell_text(self, cell: Cell, box: tuple[float, float, float, float], size: float) -> None:
        c = self.canvas
        left, bottom, right, top = box
        c.setFont(FONT, size)
        if cell.vertical == "rotated":
            c.saveState()
            c.translate((left + right) / 2 + size / 3, (bottom + top) / 2)
            c.rotate(90)
            c.drawCentredString(0, 0, cell.text)
            c.restoreState()
            return
        lines = _cell_lines(cell, right - left, size)
        leading = size * 1.25
        y = (top + bottom) / 2 + len(lines) * leading / 2 - size
        for line in lines:
            c.drawCentredString((left + right) / 2, y, line)
            y -= leading

    def image(self, width: float, height: float) -> None:
        """A grey picture with no text layer, like a scanned page."""
        buf = io.BytesIO()
        Image.new("RGB", (200, 280), (235, 235, 235)).save(buf, format="PNG")
        buf.seek(0)
        self.canvas.drawImage(ImageReader(buf), self.margin, self.margin, width, height)
        self._fresh = False

    def save(self) -> None:
        self.canvas.save()
