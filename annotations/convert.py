"""From an annotation back to a document: the annotator's segments, texts and labels.

The task holds the document the pipeline pushed; the annotation's regions say what each segment
really is. A region keeps its segment by its id (`s<segment id>`; Label Studio keeps the ids of
accepted pre-annotations), or, for a region that lost its id, by overlap with a segment nobody
else claimed. Then, per region:

- label: the region's label;
- text: its transcription when it has one, else the segment's own text (for text tasks a span the
  annotator moved takes the text it now covers);
- box: the segment's own box while the rectangle is where it was pushed (up to browser rounding),
  else the drawn one (pixels, via `coords`); a box moved off its physical row joins the row it
  now overlaps most, or a row of its own;
- segments without a region were deleted; regions without a segment are new segments, placed in
  reading order by their row and position.

Segment ids are renumbered in reading order; labels leave the document and go beside it
(`xxgk.training.examples.LabeledDocument`), so the example is what the pipeline would see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xxgk.annotations.config import LABEL, TRANSCRIPTION
from xxgk.annotations.coords import from_percent, same_rect, to_percent
from xxgk.annotations.tasks import EMPTY, MIN_BOX_PX, SEPARATOR, region_id, render_text, task_kind
from xxgk.document import BBox, Document, Segment
from xxgk.training.examples import LabeledDocument

MATCH_OVERLAP = 0.5
"""A region without a known id takes over an unclaimed segment it overlaps at least this much (IoU)."""


@dataclass
class Region:
    id: str
    label: str | None = None
    text: str | None = None
    """The transcription, when the annotation has one for this region."""
    page: int = 1
    rect: dict | None = None
    """Rectangle in percentages (image tasks)."""
    start: int | None = None
    end: int | None = None
    """Span in the task's rendered text (text tasks)."""


@dataclass
class Changes:
    relabelled: int = 0
    retyped: int = 0
    moved: int = 0
    added: int = 0
    deleted: int = 0

    def __str__(self) -> str:
        return (f"{self.relabelled} labels, {self.retyped} texts, {self.moved} boxes changed; "
                f"{self.added} segments added, {self.deleted} deleted")


@dataclass
class Correction:
    example: LabeledDocument
    changes: Changes = field(default_factory=Changes)


def regions(result: list[dict]) -> list[Region]:
    """The annotation's regions, merging the label and transcription results that share an id."""
    out: dict[str, Region] = {}
    for item in result:
        rid = str(item.get("id") or f"_{len(out)}")
        value = item.get("value") or {}
        region = out.setdefault(rid, Region(rid))
        if "x" in value and region.rect is None:
            region.rect = {k: value.get(k, 0.0) for k in ("x", "y", "width", "height", "rotation")}
            region.page = int(item.get("item_index") or 0) + 1
        if "start" in value and region.start is None:
            region.start, region.end = int(value["start"]), int(value["end"])
        if item.get("from_name") == LABEL:
            labels = value.get("rectanglelabels") or value.get("labels") or []
            region.label = labels[0] if labels else None
        elif item.get("from_name") == TRANSCRIPTION:
            texts = value.get("text") or []
            region.text = "\n".join(str(t) for t in texts) if texts else None
    return list(out.values())


def apply_annotation(doc: Document, result: list[dict]) -> Correction:
    """The corrected document and its labels, from the pushed document and an annotation's result."""
    if task_kind(doc) == "image":
        return _ImageCorrection(doc).apply(regions(result))
    return _TextCorrection(doc).apply(regions(result))


# ---------------------------------------------------------------- shared


def _iou(a: BBox, b: BBox) -> float:
    inter = max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


class _Correction:
    def __init__(self, doc: Document):
        self.doc = doc
        self.by_region = {region_id(s): s for s in doc.segments}
        self.claimed: set[int] = set()
        self.changes = Changes()
        self.next_row = max((s.row for s in doc.segments), default=-1) + 1

    def _match(self, region: Region) -> Segment | None:
        seg = self.by_region.get(region.id)
        if seg is not None and seg.id not in self.claimed:
            return seg
        best, found = MATCH_OVERLAP, None
        for cand in self.doc.segments:
            if cand.id in self.claimed:
                continue
            score = self._overlap(region, cand)
            if score >= best:
                best, found = score, cand
        return found

    def _overlap(self, region: Region, seg: Segment) -> float:
        raise NotImplementedError

    def _place(self, region: Region, seg: Segment | None) -> tuple[Segment, bool]:
        """The segment the region describes (a copy; original order key kept), and whether it is new."""
        raise NotImplementedError

    def apply(self, found: list[Region]) -> Correction:
        kept: list[tuple[Segment, str]] = []
        added: list[tuple[Segment, str]] = []
        for region in found:
            seg = self._match(region)
            if seg is not None:
                self.claimed.add(seg.id)
            new_seg, is_new = self._place(region, seg)
            label = region.label or "O"
            if seg is not None and label != (seg.label or "O"):
                self.changes.relabelled += 1
            if seg is not None and new_seg.text != seg.text:
                self.changes.retyped += 1
            (added if is_new else kept).append((new_seg, label))
        self.changes.deleted = len(self.doc.segments) - len(self.claimed)
        self.changes.added = sum(1 for s, _ in added if s.id < 0)
        ordered = sorted(kept, key=lambda p: p[0].id)
        for seg, label in added:
            ordered.insert(self._position(seg, [s for s, _ in ordered]), (seg, label))
        segments = [s.model_copy(update={"id": i, "label": None, "label_score": None})
                    for i, (s, _) in enumerate(ordered)]
        doc = self.doc.model_copy(update={"segments": segments}, deep=True)
        return Correction(LabeledDocument(doc, [lab for _, lab in ordered]), self.changes)

    def _position(self, seg: Segment, ordered: list[Segment]) -> int:
        raise NotImplementedError


# ---------------------------------------------------------------- image tasks


class _ImageCorrection(_Correction):
    def __init__(self, doc: Document):
        super().__init__(doc)
        self.pages = {p.number: p for p in doc.pages}
        self.bands: dict[tuple[int, int], tuple[float, float]] = {}
        for s in doc.segments:
            lo, hi = self.bands.get((s.page, s.row), (s.bbox[1], s.bbox[3]))
            self.bands[(s.page, s.row)] = (min(lo, s.bbox[1]), max(hi, s.bbox[3]))

    def _bbox(self, region: Region) -> BBox | None:
        page = self.pages.get(region.page)
        if region.rect is None or page is None:
            return None
        return from_percent(region.rect, page.width, page.height)

    def _overlap(self, region: Region, seg: Segment) -> float:
        box = self._bbox(region)
        return _iou(box, seg.bbox) if box is not None and seg.page == region.page else 0.0

    def _row_at(self, page: int, box: BBox) -> int:
        """The physical row whose vertical band holds the box's centre, overlapping it most; else a new row."""
        cy = (box[1] + box[3]) / 2
        best, row = 0.0, None
        for (p, r), (lo, hi) in self.bands.items():
            if p != page or not lo <= cy <= hi:
                continue
            overlap = min(hi, box[3]) - max(lo, box[1])
            if overlap > best:
                best, row = overlap, r
        if row is None:
            row = self.next_row
            self.next_row += 1
            self.bands[(page, row)] = (box[1], box[3])
        return row

    def _place(self, region: Region, seg: Segment | None) -> tuple[Segment, bool]:
        if region.page not in self.pages:
            raise ValueError(f"{self.doc.doc_id}: region {region.id} on page {region.page}, which the document lacks")
        page = self.pages[region.page]
        box = self._bbox(region)
        if seg is None:
            if box is None:
                raise ValueError(f"{self.doc.doc_id}: new region {region.id} has no rectangle")
            source = "pdf_text" if self.doc.input_kind == "pdf" else "ocr"
            new = Segment(id=-1, text=region.text or "", page=region.page, bbox=box,
                          row=self._row_at(region.page, box), source=source)
            return new, True
        text = region.text if region.text is not None else seg.text
        pushed = to_percent(seg.bbox, page.width, page.height, min_size=MIN_BOX_PX)
        if box is None or (region.page == seg.page and same_rect(region.rect or {}, dict(pushed))):
            return seg.model_copy(update={"text": text}), False
        self.changes.moved += 1
        lo, hi = self.bands.get((seg.page, seg.row), (seg.bbox[1], seg.bbox[3]))
        cy = (box[1] + box[3]) / 2
        same_row = region.page == seg.page and lo <= cy <= hi
        row = seg.row if same_row else self._row_at(region.page, box)
        moved = seg.model_copy(update={"text": text, "bbox": box, "page": region.page, "row": row,
                                       "cell": seg.cell if same_row else None})
        return moved, not same_row

    def _position(self, seg: Segment, ordered: list[Segment]) -> int:
        same = [i for i, s in enumerate(ordered) if s.page == seg.page and s.row == seg.row]
        if same:
            before = [i for i in same if ordered[i].bbox[0] <= seg.bbox[0]]
            return (before[-1] + 1) if before else same[0]
        cy = (seg.bbox[1] + seg.bbox[3]) / 2
        for i, s in enumerate(ordered):
            if s.page > seg.page or (s.page == seg.page and (s.bbox[1] + s.bbox[3]) / 2 > cy):
                return i
        return len(ordered)


# ---------------------------------------------------------------- text tasks


def covered_text(shown: str) -> str:
    """The text a span of a text task covers, without the row separators and empty-cell marks."""
    parts = [p.strip() for p in shown.split(SEPARATOR.strip())]
    return " ".join(p for p in parts if p and p != EMPTY)


class _TextCorrection(_Correction):
    def __init__(self, doc: Document):
        super().__init__(doc)
        self.rendered = render_text(doc)

    def _overlap(self, region: Region, seg: Segment) -> float:
        if region.start is None or region.end is None:
            return 0.0
        s, e = self.rendered.spans[seg.id]
        inter = max(0, min(e, region.end) - max(s, region.start))
        union = max(e, region.end) - min(s, region.start)
        return inter / union if union > 0 else 0.0

    def _line(self, offset: int) -> tuple[int, int, int]:
        for line in self.rendered.lines:
            if line[0] <= offset <= line[1]:
                return line
        return self.rendered.lines[-1]

    def _place(self, region: Region, seg: Segment | None) -> tuple[Segment, bool]:
        if region.start is None or region.end is None:
            if seg is None:
                raise ValueError(f"{self.doc.doc_id}: new region {region.id} has no span")
            return seg.model_copy(update={"text": region.text if region.text is not None else seg.text}), False
        if seg is not None and self.rendered.spans[seg.id] == (region.start, region.end):
            return seg.model_copy(update={"text": region.text if region.text is not None else seg.text}), False
        text = region.text if region.text is not None else covered_text(self.rendered.text[region.start:region.end])
        line_start, _, row = self._line(region.start)
        like = next((s for s in self.doc.segments if s.row == row), None)
        y0, y1 = (like.bbox[1], like.bbox[3]) if like else (0.0, 1.0)
        box = (float(region.start - line_start), y0, float(region.end - line_start), y1)
        if seg is not None:
            self.changes.moved += 1
            same_row = seg.row == row
            moved = seg.model_copy(update={"text": text, "bbox": box, "row": row, "span": None,
                                           "cell": seg.cell if same_row else None})
            return moved, not same_row
        page = like.page if like else 1
        return Segment(id=-1, text=text, page=page, bbox=box, row=row, source=self._source()), True

    def _source(self):
        return "html" if self.doc.input_kind == "html" else "text"

    def _position(self, seg: Segment, ordered: list[Segment]) -> int:
        same = [i for i, s in enumerate(ordered) if s.row == seg.row]
        if same:
            before = [i for i in same if ordered[i].bbox[0] <= seg.bbox[0]]
            return (before[-1] + 1) if before else same[0]
        rows = [line[2] for line in self.rendered.lines]
        rank = {r: i for i, r in enumerate(rows)}
        mine = rank.get(seg.row, len(rows))
        for i, s in enumerate(ordered):
            if rank.get(s.row, len(rows)) > mine:
                return i
        return len(ordered)
