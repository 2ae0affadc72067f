"""Generated PDFs: a real text layer, label boxes where the text is, the same bytes for a seed,
and the pipeline reading them back exactly."""

from __future__ import annotations

import io
import random
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from xxgk.document import Document, Page, Segment
from xxgk.inference.layout import PX_PER_PT
from xxgk.scoring import same
from xxgk.templates import load_editions
from xxgk.training.synth.corpus import GeneratedDoc, generate_doc, write_set
from xxgk.training.synth.layout import Table, place
from xxgk.training.synth.render_pdf import LabelBox, RenderedPdf, wrap
from xxgk.training.synth.transfer import labels_from_boxes

EDITIONS = load_editions()
CASES = [(seed, edition) for seed in (1, 2, 3) for edition in ("2019", "2021")]


def _doc(seed: int, edition: str) -> GeneratedDoc:
    return generate_doc(random.Random(seed), EDITIONS, f"t{seed}", "pdf", edition_id=edition)


def _rendered(doc: GeneratedDoc) -> RenderedPdf:
    assert isinstance(doc.provenance, RenderedPdf)
    return doc.provenance


@pytest.fixture(scope="module", params=CASES, ids=[f"{s}-{e}" for s, e in CASES])
def doc(request) -> GeneratedDoc:
    return _doc(*request.param)


def _pages_text(pdf: bytes) -> tuple[str, list[tuple[float, float]]]:
    with pdfplumber.open(io.BytesIO(pdf)) as f:
        return "\n".join(p.extract_text() or "" for p in f.pages), [(p.width, p.height) for p in f.pages]


def test_text_layer_has_title_and_numbers(doc):
    text, _ = _pages_text(doc.content)
    flat = text.replace(" ", "").replace("\n", "")
    titles = [b.text for b in doc.layout.blocks if not isinstance(b, Table) and b.label == "title"]
    for title in titles:
        assert title.replace(" ", "") in flat
    values = [c.text for b in doc.layout.blocks if isinstance(b, Table) for row in b.rows for c in row
              if c.key and any(ch.isdigit() for ch in c.text)]
    assert values
    printed = Counter(text.split())
    for value, n in Counter(values).items():
        assert printed[value] >= n, value


def test_boxes_within_pages(doc):
    _, sizes = _pages_text(doc.content)
    boxes = _rendered(doc).boxes
    assert {b.page for b in boxes} == set(range(1, len(sizes) + 1))
    for b in boxes:
        w, h = sizes[b.page - 1]
        x0, y0, x1, y1 = b.bbox
        assert 0 <= x0 <= x1 <= w * PX_PER_PT and 0 <= y0 <= y1 <= h * PX_PER_PT, b


def test_every_value_cell_has_its_box(doc):
    boxes = {b.key: b for b in _rendered(doc).boxes if b.key}
    for block in doc.layout.blocks:
        if isinstance(block, Table):
            for _, _, cell in place(block):
                if cell.key:
                    assert boxes[cell.key].text == cell.text and boxes[cell.key].label == "value"
    for key, value in doc.gold["cells"].items():
        if value is not None:
            assert key in boxes, key


def test_empty_cells_and_lines_are_labeled(doc):
    boxes = _rendered(doc).boxes
    paras = [b for b in doc.layout.blocks if not isinstance(b, Table)]
    lines = {b.label for b in boxes if b.key is None and b.text}
    assert {p.label for p in paras} <= lines
    empty = [b for b in boxes if not b.text and b.label != "value"]
    assert not empty


def test_same_seed_same_bytes():
    a, b = _doc(5, "2019"), _doc(5, "2019")
    assert a.content == b.content and _rendered(a).boxes == _rendered(b).boxes
    assert _doc(6, "2019").content != a.content


def test_wrap_keeps_numbers_and_punctuation():
    lines = wrap("本年度共收到申请12345件，同比增长。", 60, 10)
    assert "".join(lines) == "本年度共收到申请12345件，同比增长。"
    assert any("12345" in line for line in lines)
    assert not any(line[0] in "，。" for line in lines)


def test_labels_from_boxes_by_overlap():
    boxes = [LabelBox(1, (0, 0, 100, 20), "title", "T"), LabelBox(1, (0, 30, 50, 50), "value", "7"),
             LabelBox(2, (0, 0, 100, 20), "sec:t2", "S")]
    segs = [Segment(id=0, text="T", page=1, bbox=(10, 5, 90, 25), row=0, source="pdf_text"),
            Segment(id=1, text="7", page=1, bbox=(10, 30, 20, 50), row=1, source="pdf_text"),
            Segment(id=2, text="", page=1, bbox=(60, 30, 90, 50), row=1, source="pdf_text"),
            Segment(id=3, text="x", page=1, bbox=(200, 200, 210, 210), row=2, source="pdf_text"),
            Segment(id=4, text="S", page=2, bbox=(0, 0, 10, 10), row=3, source="pdf_text")]
    doc = Document(doc_id="d", source="d.pdf", input_kind="pdf",
                   pages=[Page(number=1, width=300, height=300), Page(number=2, width=300, height=300)],
                   segments=segs)
    assert labels_from_boxes(doc, boxes) == ["title", "value", "value", "O", "sec:t2"]


def test_ingested_segments_take_their_rendered_labels(doc, tmp_path):
    """Each segment's transferred label is the label of a box printing that text."""
    from xxgk.inference.ingest.pdf import ingest_pdf
    from xxgk.options import load_options
    from xxgk.settings import get_settings

    path = tmp_path / doc.filename
    path.write_bytes(doc.content)
    ingested = ingest_pdf(path, doc_id=doc.doc_id, settings=get_settings(), options=load_options())
    boxes = _rendered(doc).boxes
    for seg, label in zip(ingested.segments, labels_from_boxes(ingested, boxes), strict=True):
        if not seg.text:
            continue
        text = seg.text.replace(" ", "")
        assert any(b.label == label and b.page == seg.page and text in b.text.replace(" ", "")
                   for b in boxes), (seg.text, label)


def test_pipeline_reads_generated_pdfs_exactly(tmp_path: Path):
    """Ten generated PDFs of both editions through the whole pipeline, scored as the scorer does:
    every cell the gold has read right, and nothing read where the gold has none."""
    from xxgk.inference.pipeline import Pipeline

    docs = write_set(tmp_path, 10, seed=7, kinds=("pdf",))
    assert {d.gold["meta"]["edition"] for d in docs} == {"2019", "2021"}
    pipeline = Pipeline()
    errors = []
    scored = correct = 0
    for d in docs:
        outcome = pipeline.extract(tmp_path / d.filename)
        assert outcome.report is not None, (d.doc_id, outcome.errors)
        for key, gold in d.gold["cells"].items():
            cell = outcome.report.cells[key]
            if gold is None:
                if cell.value is not None and cell.status == "read":
                    errors.append((d.doc_id, key, gold, cell.value))
                continue
            scored += 1
            if same(gold, cell.value):
                correct += 1
            else:
                errors.append((d.doc_id, key, gold, cell.value))
    assert correct == scored and not errors, (f"{correct}/{scored}", errors[:10])
