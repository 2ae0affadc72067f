"""Documents as Label Studio tasks: data (page images or rendered text) and the pipeline's labels as
pre-annotations.

A task carries everything the way back needs, so pulling works from Label Studio alone (no shared
disk, no state on the pushing machine): the page images as data URLs, the document itself
(`document`: the pipeline's `Document`, gzip + base64), and one prediction whose regions are the
segments (region id `s<segment id>`) with the labels and label scores the pipeline gave them.
"""

from __future__ import annotations

import base64
import gzip
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from xxgk.annotations.config import IMAGE, LABEL, TEXT, TRANSCRIPTION, TaskKind
from xxgk.annotations.coords import to_percent
from xxgk.contract import Report
from xxgk.document import Document, Segment

RENDER_DPI = 200
"""Pages are rendered at the resolution the pipeline's boxes are measured in."""
MIN_BOX_PX = 4.0
"""Boxes thinner than this are shown this wide (a zero-width box cannot be seen or grabbed)."""
SEPARATOR = " │ "
"""Between the segments of one physical row in a text task."""
EMPTY = "∅"
"""Stands for an empty segment (an empty cell) in a text task, so it can be seen and labelled."""
IMAGE_KINDS = ("pdf", "scanned_pdf", "image")


def task_kind(doc: Document) -> TaskKind:
    return "image" if doc.input_kind in IMAGE_KINDS else "text"


def region_id(seg: Segment) -> str:
    return f"s{seg.id}"


def encode_document(doc: Document) -> str:
    return base64.b64encode(gzip.compress(doc.model_dump_json().encode("utf-8"), compresslevel=6)).decode("ascii")


def decode_document(data: str) -> Document:
    return Document.model_validate_json(gzip.decompress(base64.b64decode(data)))


# ---------------------------------------------------------------- page images


def image_data_url(image, photographic: bool) -> str:
    """A data URL: rendered text pages as grey PNG (small, sharp), photographed pages as JPEG."""
    buf = io.BytesIO()
    if photographic:
        image.convert("RGB").save(buf, format="JPEG", quality=85)
        mime = "image/jpeg"
    else:
        image.convert("L").save(buf, format="PNG", optimize=True)
        mime = "image/png"
    return f"data:{mime};base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def page_images(doc: Document, source: Path | None = None) -> list[str]:
    """Data URLs of the document's pages, in the frame of its boxes.

    Scans and photos use the page images the pipeline stored (`Page.image`, corrected for skew and
    turns); born-digital PDFs are rendered at 200 dpi from `source` (default: the document's source).
    """
    from PIL import Image

    out: list[str] = []
    pdf = None
    try:
        for page in doc.pages:
            if page.image and Path(page.image).is_file():
                with Image.open(page.image) as im:
                    out.append(image_data_url(im, photographic=True))
                continue
            if doc.input_kind != "pdf":
                raise FileNotFoundError(f"{doc.doc_id}: page {page.number} has no stored page image "
                                        f"({page.image or 'none'}); read the file again to make one")
            if pdf is None:
                import pypdfium2 as pdfium

                pdf = pdfium.PdfDocument(str(source or doc.source))
            rendered = pdf[page.number - 1].render(scale=RENDER_DPI / 72).to_pil()
            out.append(image_data_url(rendered, photographic=False))
    finally:
        if pdf is not None:
            pdf.close()
    return out


# ---------------------------------------------------------------- text rendering


@dataclass(frozen=True)
class RenderedText:
    text: str
    spans: dict[int, tuple[int, int]]
    """Segment id -> (start, end) in `text`."""
    lines: list[tuple[int, int, int]]
    """(start, end, physical row) of every line."""


def shown(text: str) -> str:
    """A segment's text as a text task shows it: on one line, `∅` when empty."""
    flat = " ".join(text.split())
    return flat if flat else EMPTY


def render_text(doc: Document) -> RenderedText:
    """The document as text: one line per physical row, its segments separated by ` │ `."""
    parts: list[str] = []
    spans: dict[int, tuple[int, int]] = {}
    lines: list[tuple[int, int, int]] = []
    pos = 0
    for row in doc.rows():
        start = pos
        for i, seg in enumerate(row):
            if i:
                parts.append(SEPARATOR)
                pos += len(SEPARATOR)
            piece = shown(seg.text)
            spans[seg.id] = (pos, pos + len(piece))
            parts.append(piece)
            pos += len(piece)
        lines.append((start, pos, row[0].row))
        parts.append("\n")
        pos += 1
    return RenderedText("".join(parts), spans, lines)


# ---------------------------------------------------------------- regions


def image_regions(doc: Document) -> list[dict]:
    """Two results per segment sharing the region id: its rectangle with the label, its transcription."""
    pages = {p.number: p for p in doc.pages}
    out = []
    for seg in doc.segments:
        page = pages[seg.page]
        rect = to_percent(seg.bbox, page.width, page.height, min_size=MIN_BOX_PX)
        common = {"id": region_id(seg), "to_name": IMAGE, "original_width": round(page.width),
                  "original_height": round(page.height), "image_rotation": 0, "item_index": seg.page - 1}
        label = {**common, "from_name": LABEL, "type": "rectanglelabels",
                 "value": {**rect, "rectanglelabels": [seg.label or "O"]}}
        if seg.label_score is not None:
            label["score"] = seg.label_score
        out.append(label)
        if seg.text:
            out.append({**common, "from_name": TRANSCRIPTION, "type": "textarea",
                        "value": {**rect, "text": [seg.text]}})
    return out


def text_regions(doc: Document, rendered: RenderedText) -> list[dict]:
    out = []
    for seg in doc.segments:
        start, end = rendered.spans[seg.id]
        common = {"id": region_id(seg), "to_name": TEXT}
        value = {"start": start, "end": end, "text": rendered.text[start:end]}
        label = {**common, "from_name": LABEL, "type": "labels", "value": {**value, "labels": [seg.label or "O"]}}
        if seg.label_score is not None:
            label["score"] = seg.label_score
        out.append(label)
        if seg.text:
            out.append({**common, "from_name": TRANSCRIPTION, "type": "textarea",
                        "value": {"start": start, "end": end, "text": [seg.text]}})
    return out


# ---------------------------------------------------------------- tasks


def confidence(doc: Document, report: Report | None, review_below: float) -> float:
    """How much a document needs review (lower: more): the share of its cells not flagged (at the
    review threshold `review_below`), times the mean label score; 0 when no report came out."""
    if report is None or not report.cells:
        return 0.0
    cells = list(report.cells.values())
    unflagged = sum(1 for c in cells if not c.needs_review(review_below))
    scores = [s.label_score for s in doc.segments if s.label_score is not None]
    mean_score = sum(scores) / len(scores) if scores else 1.0
    return round(unflagged / len(cells) * mean_score, 4)


@dataclass
class Prepared:
    """A document ready to push: the pipeline's labelled document and what it made of it."""

    document: Document
    report: Report | None
    model_version: str
    pages: list[str] | None = None
    """Data URLs of the page images (image tasks)."""
    status: str = "success"
    review_below: float = field(kw_only=True)
    """The review threshold (`PipelineOptions.review.below`) its cells are flagged at."""

    @property
    def kind(self) -> TaskKind:
        return task_kind(self.document)

    @property
    def confidence(self) -> float:
        return confidence(self.document, self.report, self.review_below)


def build_task(item: Prepared) -> dict:
    """The Label Studio task (data and one prediction) of a prepared document."""
    doc, report = item.document, item.report
    data: dict = {
        "doc_id": doc.doc_id,
        "source": Path(doc.source).name,
        "input_kind": doc.input_kind,
        "edition": report.meta.edition if report else None,
        "confidence": item.confidence,
        "flagged_cells": (sum(1 for c in report.cells.values() if c.needs_review(item.review_below))
                          if report else None),
        "warnings": " | ".join(report.warnings if report else doc.warnings)[:500],
        "status": item.status,
        "document": encode_document(doc),
    }
    if item.kind == "image":
        if item.pages is None or len(item.pages) != len(doc.pages):
            raise ValueError(f"{doc.doc_id}: {len(doc.pages)} pages but {len(item.pages or [])} page images")
        data["pages"] = item.pages
        result = image_regions(doc)
    else:
        rendered = render_text(doc)
        data["text"] = rendered.text
        result = text_regions(doc, rendered)
    return {"data": data,
            "predictions": [{"model_version": item.model_version, "score": item.confidence, "result": result}]}


def order_for_review(items: Iterable[Prepared]) -> list[Prepared]:
    """Lowest confidence first (ties by doc id): the documents that most need a person come first."""
    return sorted(items, key=lambda p: (p.confidence, p.document.doc_id))
