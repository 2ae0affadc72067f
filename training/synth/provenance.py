"""Training labels of an ingested generated document, by where its renderer put each label.

Text dumps carry character spans, web pages grid positions and paragraph order, PDFs boxes; the
segments the production ingester makes take the label of the rendered piece they overlap most.
Empty segments are empty cells and always `value`.
"""

from __future__ import annotations

from training.synth.render_html import RenderedHtml
from training.synth.render_text import RenderedText, Span
from xxgk.document import Document


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


def labels_for(gen, doc: Document) -> list[str]:  # gen: training.synth.corpus.GeneratedDoc
    """Labels of the segments of `doc`, ingested from the generated document `gen`."""
    prov = gen.provenance
    if isinstance(prov, RenderedText):
        return labels_from_spans(doc, prov.spans)
    if isinstance(prov, RenderedHtml):
        return labels_from_html(doc, prov)
    from training.synth.transfer import labels_from_boxes

    return labels_from_boxes(doc, prov.boxes)  # type: ignore[attr-defined]


