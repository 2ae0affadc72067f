"""Training labels for ingested generated documents: each segment takes the label of what it was rendered from.

The classifier learns from what the ingester makes of a generated file, not from the layout, so the
labels have to be carried over from the renderer's provenance onto the ingested segments.
"""

from __future__ import annotations

from collections import defaultdict

from training.synth.render_pdf import LabelBox
from xxgk.document import BBox, Document, Segment


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
