"""Training labels for ingested generated documents: each segment takes the label of what it was rendered from.

The classifier learns from what the ingester makes of a generated file, not from the layout, so the
labels have to be carried over from the renderer's provenance onto the ingested segments: text
dumps carry character spans, web pages grid positions and paragraph order, PDFs boxes. Empty
segments are empty cells and always `value`.
"""

from __future__ import annotations

from collections import defaultdict

from xxgk.document import BBox, Document, Segment
from xxgk.training.synth.render_html import RenderedHtml
from xxgk.training.synth.render_pdf import LabelBox
from xxgk.training.synth.render_text import RenderedText, Span


def _area(box: BBox) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _overlap(seg: BBox, box: BBox) -> float:
    """Share of the segment inside the box; a segment without area counts as inside when its centre is."""
    area = _area(seg)
    if area == 0.0:
        cx, cy = (seg[0] + seg[2]) / 2, (seg[1] + seg[3]) / 2
        return 1.0 if box[0] <= cx <= box[2] and box[1] <= cy <= box[3] else 0.0
    inter = _area((max(seg[0], box[0]), max(seg[1], box[1]), min(seg[2], box[2]), min(seg[3], box[3])))
    return inter / area


def _label_of(seg: Segment, boxes: list[LabelBox]) -> str:
    if not seg.text.strip():
        return "value"  # an empty cell is an empty value, whatever spans over it
    best, label = 0.0, "O"
    for box in boxes:
        share = _overlap(seg.bbox, box.bbox)
        if share > best:
            best, label = share, box.label
    return label


def labels_from_boxes(doc: Document, boxes: list[LabelBox]) -> list[str]:
    """Per segment of an ingested PDF, the label of the rendered box it overlaps most (share of the
    segment's area, same page); `O` for text no box covers (page furniture the renderer did not
    label), `value` for empty segments (empty cells)."""
    by_page: dict[int, list[LabelBox]] = defaultdict(list)
    for box in boxes:
        by_page[box.page].append(box)
    return [_label_of(seg, by_page[seg.page]) for seg in doc.segments]


def labels_from_spans(doc: Document, spans: list[Span]) -> list[str]:
    ordered = sorted(spans)
    out = []
    j = 0
    for seg in doc.segments:
        if not seg.text.strip() or seg.span is None:
            out.append("value" if not seg.text.strip() else "O")
            continue
        start, end = seg.span
        while j < len(ordered) and ordered[j][1] <= start:
            j += 1
        best, label = 0, "O"
        k = j
        while k < len(ordered) and ordered[k][0] < end:
            s, e, lab = ordered[k]
            overlap = min(e, end) - max(s, start)
            if overlap > best:
                best, label = overlap, lab
            k += 1
        out.append(label)
    return out


def _norm(text: str) -> str:
    return "".join(text.split())


def labels_from_html(doc: Document, rendered: RenderedHtml) -> list[str]:
    paragraphs = [(_norm(t), lab) for t, lab in rendered.paragraphs]
    p = 0
    out = []
    for seg in doc.segments:
        if not seg.text.strip():
            out.append("value")
        elif seg.cell is not None:
            out.append(rendered.cells.get((seg.cell.table, seg.cell.row, seg.cell.col), "O"))
        else:
            out.append(_paragraph_label(_norm(seg.text), paragraphs, p))
            if out[-1] != "O":
                p = _advance(_norm(seg.text), paragraphs, p)
    return out


def _paragraph_label(text: str, paragraphs: list[tuple[str, str]], start: int) -> str:
    for text_p, label in paragraphs[start: start + 8]:
        if text == text_p:
            return label
    return "O"


def _advance(text: str, paragraphs: list[tuple[str, str]], start: int) -> int:
    for i in range(start, min(len(paragraphs), start + 8)):
        if paragraphs[i][0] == text:
            return i + 1
    return start


def labels_for(gen, doc: Document) -> list[str]:  # gen: xxgk.training.synth.corpus.GeneratedDoc
    """Labels of the segments of `doc`, ingested from the generated document `gen`."""
    prov = gen.provenance
    if isinstance(prov, RenderedText):
        return labels_from_spans(doc, prov.spans)
    if isinstance(prov, RenderedHtml):
        return labels_from_html(doc, prov)
    return labels_from_boxes(doc, prov.boxes)  # type: ignore[attr-defined]


