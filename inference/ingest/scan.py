"""Scanned pages (page images) into the same grids and text lines a born-digital page gives.

One page image at a time, in this order (stage names as they appear in `Outcome.timings`):

1. **rasterize**: the page image in the 200-dpi frame every box of the pipeline uses. PDF pages
   are rendered at `RENDER_DPI`; an image of another resolution is resampled to it (a 150-dpi
   scan is upscaled, a 300-dpi one downscaled), so boxes, page sizes and the stored page image
   always agree. A photographed page is flattened to an A4-wide page first (`orient.find_page`).
2. **orientation**: text lines are detected once; from them the page is turned a quarter when
   its lines run vertically, deskewed by their median angle, and turned over when the angle
   classifier reads a sample of its widest lines upside down. Boxes follow every correction.
3. **grid**: ruling lines by morphology (`layout.rules`), tables by the grid builder
   (`layout.grid`), the rules erased from the image the recogniser reads.
4. **layout**: detected lines inside a table are cut at its cell borders (a line never spans
   two cells), and a cell with ink but no detected line (a faint lone `0`) is read from its ink.
5. **ocr**: detection (in step 2) and recognition of every piece, batched.

A grid gives one segment per cell, empty cells included, its text the cell's lines in reading
order and its `read_score` the lowest confidence among them (an inked cell nothing could be
read from scores 0, so a value read as blank is flagged, never silently zero). Other lines are
segments of their own, grouped into physical rows by their vertical overlap. The corrected page
image is stored under `Settings.work_dir` and named in `Page.image`; every box refers to it.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import cv2
import numpy as np

from xxgk.document import BBox, Page
from xxgk.errors import ExtractionError
from xxgk.inference.ingest.segments import PageItem, is_page_number
from xxgk.inference.layout import MAX_PAGE_PIXELS, RENDER_DPI
from xxgk.inference.layout.geometry import (
    Quad,
    crop_box,
    crop_quad,
    order_quad,
    quad_bbox,
    rotate_quarter,
    rotate_small,
    scale_image,
    to_gray,
    transform_quad,
)
from xxgk.inference.layout.grid import Grid
from xxgk.inference.layout.merged_cells import split_merged_cells
from xxgk.inference.layout.orient import estimate_skew, find_page, is_sideways, unwarp_page, widest
from xxgk.inference.layout.paper import flatten_light, mask_borders, separate_seals
from xxgk.inference.layout.reading import Glyph, block_text, group_lines
from xxgk.inference.layout.rules import binarize, erase, find_grids, find_rules
from xxgk.inference.ocr import OcrEngine, get_engine
from xxgk.options import ScanOptions
from xxgk.settings import Settings

A4_WIDTH_PX = round(210 / 25.4 * RENDER_DPI)
_DASHES = frozenset("-一—－–ー_~―")
_UNSIGNED = re.compile(r"^[0-9][0-9,.]*$")
"""A number as the recogniser writes it, without a sign."""
_MEANINGFUL = re.compile(r"[0-9A-Za-z\u4e00-\u9fff%/—-]")


@dataclass
class ScannedPage:
    page: Page
    items: list[PageItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Piece:
    """A part of a detected line, or the ink of a cell, to be recognised."""

    box: BBox
    crop: np.ndarray
    cell: tuple[int, int] | None = None
    """(grid index, cell index), or None for text outside tables."""
    probe: bool = False
    """Cut from a cell's ink because no line was detected there."""
    text: str = ""
    score: float = 0.0


@contextmanager
def _timed(timings: dict[str, float] | None, stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def page_image_dir(work_dir: Path, doc_id: str, source: str) -> Path:
    """Where one document's corrected page images go: stable per source file, so a rerun overwrites."""
    try:
        st = Path(source).stat()
        stamp = f"{Path(source).resolve()}|{st.st_size}|{st.st_mtime_ns}"
    except OSError:
        stamp = source
    digest = hashlib.sha1(stamp.encode("utf-8")).hexdigest()[:10]
    safe = re.sub(r"[^\w.-]+", "_", doc_id)[:60] or "doc"
    return work_dir / "pages" / f"{safe}-{digest}"


def open_reader(doc_id: str, source: str, settings: Settings, scan: ScanOptions,
                timings: dict[str, float] | None = None, engine: OcrEngine | None = None) -> PageReader:
    """A page reader for one document, with the configured engine (built once per process) and the
    thresholds `scan`.

    Raises `ExtractionError("needs_ocr")` when the engine cannot be loaded (not installed)."""
    if engine is None:
        try:
            engine = get_engine(settings.ocr_engine, threads=settings.ocr_threads)
        except ImportError as exc:
            raise ExtractionError("ingest", "needs_ocr", f"{source}: scanned pages need OCR, which is not "
                                  f"available here: {exc}") from exc
    return PageReader(engine, page_image_dir(settings.work_dir, doc_id, source), scan, timings)


class PdfPages:
    """Scanned pages of a PDF, rendered with PDFium one at a time at `RENDER_DPI` and read."""

    def __init__(self, path: Path, reader: PageReader):
        import pypdfium2 as pdfium

        self.reader = reader
        self._pdf = pdfium.PdfDocument(path)

    def read(self, number: int) -> ScannedPage:
        with self.reader._timed("rasterize"):
            page = self._pdf[number - 1]
            try:
                w_pt, h_pt = page.get_size()
                dpi = float(RENDER_DPI)
                if (w_pt * h_pt) * (dpi / 72) ** 2 > MAX_PAGE_PIXELS:  # a poster: render no bigger than the cap
                    dpi = 72 * (MAX_PAGE_PIXELS / (w_pt * h_pt)) ** 0.5
                bitmap = page.render(scale=dpi / 72, rev_byteorder=True)  # RGB: seals are told by colour
                image = np.array(bitmap.to_numpy(), copy=True)
                bitmap.close()
            finally:
                page.close()
        try:
            return self.reader.read(image, number, dpi)
        finally:
            del image

    def close(self) -> None:
        self._pdf.close()


class PageReader:
    """Reads page images with one OCR engine and the thresholds `scan`; `timings` collects seconds per stage."""

    def __init__(self, engine: OcrEngine, image_dir: Path | None, scan: ScanOptions,
                 timings: dict[str, float] | None = None):
        self.engine = engine
        self.image_dir = image_dir
        self.scan = scan
        self.timings = timings

    def _timed(self, stage: str):
        return _timed(self.timings, stage)

    # ------------------------------------------------------------------ the page
    def read(self, image: np.ndarray, number: int, dpi: float = RENDER_DPI) -> ScannedPage:
        """One page image (greyscale, or RGB so that a seal can be told from print) read into items."""
        warnings: list[str] = []
        with self._timed("rasterize"):
            gray, seals = self._normalised(image, dpi, number, warnings)
        with self._timed("orientation"):
            page_quad = find_page(gray)
            if page_quad is not None:
                gray, h = unwarp_page(gray, page_quad, A4_WIDTH_PX)
                seals = [_warp_quad(h, q) for q in seals]
                warnings.append(f"page {number}: the sheet cut out of a darker background (a photographed page, or a "
                                "copy in its copier frame) and flattened (best effort)")
            gray, sheet = mask_borders(gray)
            if sheet is not None:
                warnings.append(f"page {number}: dark borders around the sheet (a copier frame, a scanner lid) masked")
            gray = flatten_light(gray, self.scan.even_light)
            blank = _is_blank(gray, self.scan.blank_ink)
        if blank:
            warnings.append(f"page {number} is blank")
            return ScannedPage(self._page(gray, number), [], warnings)
        with self._timed("ocr_detect"):
            quads = self.engine.detect(gray)
        turns = 0
        with self._timed("orientation"):
            if is_sideways(quads):
                gray, m = rotate_quarter(gray, 1)
                seals = [transform_quad(m, q) for q in seals]
                turns = 1
                with self._timed("ocr_detect"):
                    quads = self.engine.detect(gray)
            angle = estimate_skew(quads, self.scan.max_skew)
            if abs(angle) >= self.scan.min_skew:
                gray, m = rotate_small(gray, angle, fill=int(np.median(gray[::8, ::8])))
                quads = [transform_quad(m, q) for q in quads]
                seals = [transform_quad(m, q) for q in seals]
            sample = widest(quads)
            if sample and self.engine.upside_down([crop_quad(gray, q) for q in sample]) > 0.5:
                gray, m = rotate_quarter(gray, 2)
                quads = [transform_quad(m, q) for q in quads]
                seals = [transform_quad(m, q) for q in seals]
                turns += 2
        if turns:
            warnings.append(f"page {number} was turned {90 * turns}° to read upright")
        if abs(angle) >= 1.0:
            warnings.append(f"page {number} was skewed {angle:+.1f}°; straightened")
        if not quads:
            warnings.append(f"page {number}: no text found")
            return ScannedPage(self._page(gray, number), [], warnings)
        page = self._page_written_meanwhile(gray, number)
        with self._timed("grid"):
            ink = binarize(gray)
            boxes = [quad_bbox(q) for q in quads]
            lines, rule_mask = find_rules(ink, boxes, scan=self.scan)
            grids = find_grids(lines, gray.shape[1])
            clean = erase(gray, rule_mask)
            ink &= ~cv2.dilate(rule_mask, np.ones((5, 5), np.uint8))
            marks = _Ink.of(clean, ink, self.scan.dark)
        with self._timed("layout"):
            pieces = _pieces(clean, marks, quads, grids)
            pieces += _probes(clean, marks, grids, pieces)
            pieces += _loose_probes(clean, marks, quads, grids)
        with self._timed("ocr_read"):
            todo = [p for p in pieces if not p.text]  # a dash found by its shape needs no reading
            for piece, (text, score) in zip(todo, self.engine.recognize([p.crop for p in todo]), strict=True):
                piece.text, piece.score = text, score
                _settle(piece, marks, grids, self.scan)
        with self._timed("layout"):
            items = _items(grids, pieces, gray.shape[0], [quad_bbox(q) for q in seals], self.scan)
        covered = sum(c == "seal" for it in items for c in (it.cell_covers or ()))
        if covered:
            warnings.append(f"page {number}: {covered} table cells lie under a seal; its ink was taken out "
                            "before they were read")
        return ScannedPage(page.result(), items, warnings)

    def _normalised(self, image: np.ndarray, dpi: float, number: int,
                    warnings: list[str]) -> tuple[np.ndarray, list[Quad]]:
        """The page in grey at `RENDER_DPI`, seals' ink taken out, and the seals' corners."""
        if image.dtype != np.uint8 or (image.ndim == 3 and image.shape[2] not in (3, 4)):
            image = to_gray(image)
        gray, seals = separate_seals(image, self.scan)
        factor = RENDER_DPI / dpi if dpi > 0 else 1.0
        h, w = gray.shape[:2]
        if h * w * factor * factor > MAX_PAGE_PIXELS:
            factor = (MAX_PAGE_PIXELS / (h * w)) ** 0.5
            warnings.append(f"page {number}: a very large image, scaled down to {MAX_PAGE_PIXELS // 10**6} MP")
        gray, m = scale_image(gray, factor)
        return gray, [transform_quad(m, _box_quad(seal.box)) for seal in seals]

    def _page(self, gray: np.ndarray, number: int) -> Page:
        with self._timed("rasterize"):
            return self._write_page(gray, number)

    def _page_written_meanwhile(self, gray: np.ndarray, number: int) -> Future[Page]:
        """`_page`, its image compressed and written on a thread of its own while the page is read
        (OpenCV lets go of the GIL; a page's PNG costs about 0.08 s), and so not timed. `gray` must
        not change meanwhile. A thread per page, not a pool: a pool's thread does not survive a fork."""
        future: Future[Page] = Future()

        def write() -> None:
            try:
                future.set_result(self._write_page(gray, number))
            except BaseException as exc:  # handed to the reader, which raises it where it waits
                future.set_exception(exc)

        threading.Thread(target=write, name=f"xxgk-page-{number}", daemon=True).start()
        return future

    def _write_page(self, gray: np.ndarray, number: int) -> Page:
        h, w = gray.shape[:2]
        path = None
        if self.image_dir is not None:
            self.image_dir.mkdir(parents=True, exist_ok=True)
            target = self.image_dir / f"page-{number:03d}.png"
            cv2.imwrite(str(target), gray, [cv2.IMWRITE_PNG_COMPRESSION, 1])
            path = str(target)
        return Page(number=number, width=float(w), height=float(h), image=path)


def _box_quad(box: BBox) -> Quad:
    return ((box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3]))


def _warp_quad(h: np.ndarray, q: Quad) -> Quad:
    """A quad carried through a 3 x 3 homography (a photographed page flattened)."""
    pts = cv2.perspectiveTransform(np.asarray(q, dtype=np.float64).reshape(-1, 1, 2), h).reshape(-1, 2)
    return order_quad([(float(x), float(y)) for x, y in pts])


def _is_blank(gray: np.ndarray, blank_ink: float) -> bool:
    """Less than `blank_ink` of the page is ink (`ScanOptions.blank_ink`)."""
    small = gray[::2, ::2]
    ink = binarize(small)
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    return float(np.count_nonzero(ink)) < blank_ink * ink.size


# ---------------------------------------------------------------------- pieces to read
_PAD = 3.0
_INSET = 3.0


def _cell_interior(box: BBox) -> BBox:
    return (box[0] + _INSET, box[1] + _INSET, box[2] - _INSET, box[3] - _INSET)


def _clip(a: BBox, b: BBox) -> BBox | None:
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return (x0, y0, x1, y1) if x1 - x0 >= 2 and y1 - y0 >= 2 else None


def _grid_of(grids: list[Grid], x: float, y: float) -> tuple[int, int] | None:
    for gi, g in enumerate(grids):
        idx = g.cell_at(x, y)
        if idx is not None:
            return gi, idx
    return None


def _pieces(clean: np.ndarray, ink: _Ink, quads: list[Quad], grids: list[Grid]) -> list[_Piece]:
    """Detected lines to read: lines in tables cut at the borders of the cells they cross."""
    out: list[_Piece] = []
    for q in quads:
        box = quad_bbox(q)
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        at = _grid_of(grids, cx, cy)
        if at is None:
            out.append(_Piece(box, crop_quad(clean, q)))
            continue
        gi, _ = at
        grid = grids[gi]
        height = box[3] - box[1]
        # the cells this line crosses, left to right, at its middle height
        cuts = [x for x in grid.xs if box[0] + 0.3 * height < x < box[2] - 0.3 * height]
        edges = [box[0], *cuts, box[2]]
        spans: list[tuple[int, float, float]] = []  # (cell, x0, x1), runs in one cell merged
        for x0, x1 in itertools.pairwise(edges):
            idx = grid.cell_at((x0 + x1) / 2, cy)
            if idx is None:
                continue
            if spans and spans[-1][0] == idx:
                spans[-1] = (idx, spans[-1][1], x1)
            else:
                spans.append((idx, x0, x1))
        for idx, x0, x1 in spans:
            cell_box = _cell_interior(grid.cells[idx].bbox)
            part = _clip((x0, box[1], x1, box[3]), cell_box)
            if part is None:
                continue
            marks = ink.marks(_clip((part[0] - 2, part[1] - 2, part[2] + 2, part[3] + 2), cell_box) or part)
            if not marks:
                continue  # a worn copy's grey blot, found as text
            if part[2] - part[0] <= 4 * (part[3] - part[1]):
                # a short piece (a number) is cut around its ink, not the detector's box: the same
                # margins at any detector scale, and the recogniser is surer of a centred number
                tight = (min(m[0] for m in marks), min(m[1] for m in marks), max(m[0] + m[2] for m in marks),
                         max(m[1] + m[3] for m in marks))
                pad = max(_PAD, 0.25 * (tight[3] - tight[1]))
                crop_area = _clip((tight[0] - pad, tight[1] - pad, tight[2] + pad, tight[3] + pad), cell_box) or part
            else:  # a line of text keeps the detector's ends: a faint last character may hold no dark pixel
                crop_area = _clip((part[0] - _PAD, part[1] - _PAD, part[2] + _PAD, part[3] + _PAD), cell_box) or part
            out.append(_Piece(part, crop_box(clean, crop_area), (gi, idx)))
    return out


def ink_levels(gray: np.ndarray) -> tuple[float, float]:
    """(paper, ink) grey levels of a page: its median and its darkest percent."""
    sample = gray[::4, ::4]
    return float(np.median(sample)), float(np.percentile(sample, 1))


@dataclass(frozen=True)
class _Ink:
    """A page's ink (local threshold, rules removed) and the part of it as dark as print."""

    ink: np.ndarray
    dark: np.ndarray
    gray: np.ndarray
    paper: float
    text: float

    @classmethod
    def of(cls, clean: np.ndarray, ink: np.ndarray, dark_share: float) -> _Ink:
        """The ink, and the part of it at least `dark_share` of the way from the paper's grey to the
        text's (`ScanOptions.dark`)."""
        paper, text = ink_levels(clean)
        dark = ink & np.where(clean < paper - dark_share * (paper - text), 255, 0).astype(np.uint8)
        return cls(ink, dark, clean, paper, text)

    def marks(self, box: BBox, min_area: int = 8) -> list[tuple[int, int, int, int]]:
        """Marks (x, y, w, h, page pixels) inside the box: ink components of at least `min_area`
        pixels that hold a few pixels as dark as print (a hysteresis threshold: the grey blots of a
        worn copy drop out), or that are a short solid bar (a thin dash blurred to grey)."""
        x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
        x1, y1 = int(np.ceil(box[2])), int(np.ceil(box[3]))
        dark = self.dark[y0:y1, x0:x1]
        n, labels, stats, _ = cv2.connectedComponentsWithStats(self.ink[y0:y1, x0:x1], connectivity=8)
        strong = np.bincount(labels[dark > 0], minlength=n)
        return [(int(x) + x0, int(y) + y0, int(w), int(h)) for i, (x, y, w, h, area) in enumerate(stats)
                if i and area >= min_area and (strong[i] >= 2 or _bar(w, h, area))]


def _bar(w: int, h: int, area: int) -> bool:
    """A short, thin, solid horizontal bar: how a dash looks, however grey."""
    return w >= 3 * h and h <= 8 and area >= 12 and area >= 0.6 * w * h


def _probes(clean: np.ndarray, ink: _Ink, grids: list[Grid], pieces: list[_Piece]) -> list[_Piece]:
    """Cells with dark ink but no detected line (a faint `0`, a small `-`): their ink, to read directly."""
    seen = {p.cell for p in pieces if p.cell is not None}
    out = []
    for gi, grid in enumerate(grids):
        for idx, cell in enumerate(grid.cells):
            if (gi, idx) in seen:
                continue
            inner = _cell_interior(cell.bbox)
            inner = (inner[0] + 2, inner[1] + 2, inner[2] - 2, inner[3] - 2)
            if inner[2] - inner[0] < 6 or inner[3] - inner[1] < 6:
                continue
            marks = ink.marks(inner)
            if not marks:
                if _dash(ink, cell.bbox):
                    out.append(_Piece(inner, np.zeros((1, 1), np.uint8), (gi, idx), probe=True, text="-", score=0.6))
                continue
            box = (float(min(m[0] for m in marks)), float(min(m[1] for m in marks)),
                   float(max(m[0] + m[2] for m in marks)), float(max(m[1] + m[3] for m in marks)))
            # at least a text line's height of context, so a dash is seen at its size
            cy, half = (box[1] + box[3]) / 2, max(16.0, (box[3] - box[1]) / 2 + 6)
            area = _clip((box[0] - 8, cy - half, box[2] + 8, cy + half), _cell_interior(cell.bbox)) or box
            out.append(_Piece(box, crop_box(clean, area), (gi, idx), probe=True))
    return out


def _loose_probes(clean: np.ndarray, ink: _Ink, quads: list[Quad], grids: list[Grid]) -> list[_Piece]:
    """Ink of a text line's height that no detected line covers, on a page without ruled tables: the
    lone `0`s of a table printed without rules, which the detector passes over as it does in ruled
    cells. Only ink level with a detected line to its left (a row's label) counts, so specks in a
    margin do not; marks side by side are one word; what it reads is kept only if it is a confident
    value (see `_items`)."""
    boxes = [quad_bbox(q) for q in quads]
    heights = sorted(b[3] - b[1] for b in boxes)
    if grids or not heights:
        return []
    line = heights[len(heights) // 2]
    h, w = ink.ink.shape[:2]
    marks = [m for m in ink.marks((0, 0, w, h), min_area=12) if 0.35 * line <= m[3] <= 1.2 * line]
    loose = [m for m in marks if not any(_overlaps((m[0], m[1], m[0] + m[2], m[1] + m[3]), b) for b in boxes)
             and any(b[2] < m[0] and min(b[3], m[1] + m[3]) - max(b[1], m[1]) > 0.5 * m[3] for b in boxes)]
    words: list[list[float]] = []
    for x, y, mw, mh in sorted(loose):
        near = next((wd for wd in words if x - wd[2] < 0.6 * line and min(wd[3], y + mh) - max(wd[1], y)
                     > 0.5 * min(wd[3] - wd[1], mh)), None)
        if near is None:
            words.append([x, y, x + mw, y + mh])
        else:
            near[:] = [min(near[0], x), min(near[1], y), max(near[2], x + mw), max(near[3], y + mh)]
    out = []
    for x0, y0, x1, y1 in words:
        cy, half = (y0 + y1) / 2, max(0.5 * line, (y1 - y0) / 2 + 6)
        area = (x0 - 8, cy - half, x1 + 8, cy + half)
        out.append(_Piece((x0, y0, x1, y1), crop_box(clean, area), probe=True))
    return out


def _overlaps(a: BBox, b: BBox) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _dash(ink: _Ink, cell: BBox) -> bool:
    """The cell holds a dash: one mark that stands out from the paper around it (a dozen times its
    grain: print, not a worn copy's texture), flat or a dot no taller than wide (what is left of
    a dash on a poor copy), near the middle of the cell."""
    x0, y0, x1, y1 = (round(v) for v in _cell_interior(cell))
    x0, y0, x1, y1 = x0 + 2, y0 + 2, x1 - 2, y1 - 2
    if x1 - x0 < 8 or y1 - y0 < 8:
        return False
    grey = ink.gray[y0:y1, x0:x1].astype(np.float32)
    paper = float(np.median(grey))
    grain = max(2.0, 1.4826 * float(np.median(np.abs(grey - paper))))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.ink[y0:y1, x0:x1], connectivity=8)
    standing = []
    for i in range(1, n):
        darkest = float(grey[labels == i].min())
        if (paper - darkest) / grain >= 12 and paper - darkest >= 0.5 * (ink.paper - ink.text):
            standing.append(stats[i])
    if len(standing) != 1:
        return False
    x, y, w, h, area = standing[0]
    cw, ch = x1 - x0, y1 - y0
    return bool(w >= h and h <= 8 and area >= 4 and w <= 0.6 * cw and abs(x + w / 2 - cw / 2) < 0.15 * cw
                and abs(y + h / 2 - ch / 2) < 0.2 * ch)


def _slanted(crop: np.ndarray) -> bool:
    """True when the crop's ink leans like `/` rather than standing like `1`: the middle of its top
    fifth lies right of the middle of its bottom fifth by over a quarter of its height (a `1`'s flag
    pulls its top left, if anything)."""
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ys, xs = np.nonzero(ink)
    if len(ys) < 10:
        return False
    top, bottom = ys.min(), ys.max()
    h = bottom - top + 1
    if h < 8:
        return False
    upper = xs[ys < top + 0.2 * h].mean()
    lower = xs[ys > bottom - 0.2 * h].mean()
    return (upper - lower) / (0.8 * h) > 0.25


def _leading_mark(ink: _Ink, box: BBox, cell: BBox) -> Literal["minus", "blot"] | None:
    """Left of the number's marks, close to them, a small mark at their middle height and about as
    dark: a minus sign when wider than tall (an underline sits at the bottom, a speck of dirt is
    round or pale); a `blot` when about as wide as tall, as a short minus blurred by a camera is (a
    speck looks the same, so the number is only doubted). A blurred minus is too small and grey to
    count as a mark of its own, so the raw ink is used."""
    area = _clip((box[0] - 8, box[1] - 2, box[2] + 2, box[3] + 2), _cell_interior(cell))
    if area is None:
        return None
    marks = ink.marks(area)
    if not marks:
        return None
    tallest = max(m[3] for m in marks)
    digits = [m for m in marks if m[3] >= 0.5 * tallest]
    left = min(m[0] for m in digits)
    top, bottom = min(m[1] for m in digits), max(m[1] + m[3] for m in digits)
    height = bottom - top
    x0, y0, x1, y1 = round(area[0]), round(area[1]), round(area[2]), round(area[3])
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.ink[y0:y1, x0:x1], connectivity=8)
    grey = ink.gray[y0:y1, x0:x1]
    print_depth = ink.paper - float(grey[(labels > 0)].min()) if n > 1 else 0.0
    found: Literal["minus", "blot"] | None = None
    for i in range(1, n):
        x, y, w, h, size = (int(v) for v in stats[i])
        x, y = x + x0, y + y0
        if not (x + w < left and left - (x + w) < 0.6 * height and size >= 6):
            continue
        middle = y + h / 2
        depth = ink.paper - float(grey[labels == i].min())
        if not (h < 0.3 * height and top + 0.3 * height < middle < top + 0.75 * height and depth >= 0.5 * print_depth):
            continue
        if w >= 1.3 * h:
            return "minus"
        if w >= 0.8 * h and size >= 0.6 * w * h:
            found = "blot"
    return found


def _settle(piece: _Piece, ink: _Ink, grids: list[Grid], scan: ScanOptions) -> None:
    """Corrections a recogniser cannot make from the line image alone: a `/` read as `1`, a dash
    read as nothing, and text guessed from a cell's bare ink."""
    # the recogniser reads a `/` as a `1`, though without its usual certainty
    if piece.text in ("1", "l", "I", "|", "7") and piece.score < 0.9 and _slanted(piece.crop):
        piece.text = "/"
    if piece.cell is None:
        return
    if piece.text and all(ch in _DASHES for ch in piece.text):
        piece.text = "-" * min(len(piece.text), 2)  # a dash read as 一 (the recogniser's favourite)
    mark = _leading_mark(ink, piece.box, grids[piece.cell[0]].cells[piece.cell[1]].bbox) \
        if _UNSIGNED.match(piece.text) else None
    if mark is not None:
        # the recogniser drops a thin minus before a number; the ink keeps it. Shown (or, blurred
        # past telling from a speck, only suspected), and doubted.
        piece.text = "-" + piece.text if mark == "minus" else piece.text
        piece.score = min(piece.score, scan.lost_sign_score)
    unsure = piece.score < (scan.probe_score if piece.probe else scan.min_cell_score)
    if (not piece.text or unsure) and _dash(ink, grids[piece.cell[0]].cells[piece.cell[1]].bbox):
        piece.text, piece.score = "-", 0.6
    elif piece.probe and unsure:
        piece.text = ""


# ---------------------------------------------------------------------- items
def _covered(cell: BBox, seals: list[BBox]) -> bool:
    """A fifth of the cell or more lies inside a seal's box."""
    area = max(1.0, (cell[2] - cell[0]) * (cell[3] - cell[1]))
    for s in seals:
        part = _clip(cell, s)
        if part is not None and (part[2] - part[0]) * (part[3] - part[1]) >= 0.2 * area:
            return True
    return False


def _items(grids: list[Grid], pieces: list[_Piece], height: float, seals: list[BBox],
           scan: ScanOptions) -> list[PageItem]:
    by_cell: dict[tuple[int, int], list[_Piece]] = {}
    free: list[_Piece] = []
    for p in pieces:
        if p.cell is None:
            digits = p.text[1:] if p.text.startswith(("+", "-")) else p.text
            if p.probe and (p.score < scan.probe_score or not _UNSIGNED.match(digits)):
                continue  # loose ink that is no confident value: a speck, a seal, a stroke
            if p.text and p.score >= scan.min_free_score:
                free.append(p)
        else:
            by_cell.setdefault(p.cell, []).append(p)
    items: list[PageItem] = []
    for gi, found in enumerate(grids):
        grid, pieces_of = split_merged_cells(found, {i: by_cell.get((gi, i), []) for i in range(len(found.cells))})
        texts: list[str] = []
        scores: list[float | None] = []
        for idx in range(len(grid.cells)):
            cell_pieces = pieces_of.get(idx, [])
            read = [p for p in cell_pieces
                    if p.text and p.score >= scan.min_cell_score and _MEANINGFUL.search(p.text)]
            # ink nothing could be read from lowers the cell's score: flagged, not a silent blank
            scores.append(round(min(p.score if p.text else 0.0 for p in cell_pieces), 4) if cell_pieces else None)
            texts.append(block_text([Glyph(p.text, *p.box) for p in read]) if read else "")
        covers: list[str | None] = [("seal" if _covered(c.bbox, seals) else None) for c in grid.cells]
        items.append(PageItem(grid.bbox[1], grid, texts, scores, cell_covers=covers if any(covers) else None))
    glyphs = [Glyph(p.text, *p.box) for p in free]
    score_of = {id(g): p.score for g, p in zip(glyphs, free, strict=True)}
    for line in group_lines(glyphs, scan.tall_line):
        runs = [(g.text, (g.x0, g.top, g.x1, g.bottom)) for g in line]
        box = (min(g.x0 for g in line), min(g.top for g in line), max(g.x1 for g in line),
               max(g.bottom for g in line))
        if is_page_number(" ".join(t for t, _ in runs), box, height):
            continue
        items.append(PageItem(box[1], runs=runs, run_scores=[round(score_of[id(g)], 4) for g in line]))
    return sorted(items, key=lambda it: it.top)
