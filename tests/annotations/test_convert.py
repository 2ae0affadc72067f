"""Tasks and annotations without a server: a document pushed and the annotator's result pulled back."""

import copy

import pytest

from xxgk.annotations.config import LABEL, TRANSCRIPTION
from xxgk.annotations.convert import apply_annotation, covered_text, regions
from xxgk.annotations.tasks import (
    Prepared,
    build_task,
    decode_document,
    encode_document,
    order_for_review,
    page_images,
    render_text,
)
from xxgk.contract import CellOut, Meta, Report
from xxgk.document import Document, Page, Segment
from xxgk.options import load_options

W, H = 1000.0, 2000.0
REVIEW_BELOW = load_options().review.below


def _pdf_doc() -> Document:
    segs = [
        Segment(id=0, text="三、收到和处理政府信息公开申请情况", page=1, bbox=(100, 100, 600, 140), row=0,
                source="pdf_text", label="sec:t3", label_score=0.99),
        Segment(id=1, text="（一）予以公开", page=1, bbox=(100, 200, 300, 240), row=1, source="pdf_text",
                label="row:t3.granted", label_score=0.97),
        Segment(id=2, text="3", page=1, bbox=(400, 200, 450, 240), row=1, source="pdf_text", label="value",
                label_score=0.99),
        Segment(id=3, text="", page=1, bbox=(500, 200, 550, 240), row=1, source="pdf_text", label="value",
                label_score=0.98),
        Segment(id=4, text="页脚", page=2, bbox=(100, 1900, 200, 1950), row=2, source="pdf_text", label="title",
                label_score=0.41),
    ]
    return Document(doc_id="d1", source="/tmp/d1.pdf", input_kind="pdf",
                    pages=[Page(number=1, width=W, height=H), Page(number=2, width=W, height=H)], segments=segs)


def _task(doc: Document) -> dict:
    return build_task(Prepared(doc, None, "seg-1", pages=["data:image/png;base64,AA==", "data:image/png;base64,AA=="],
                               review_below=REVIEW_BELOW))


def _by(result: list[dict], rid: str, name: str) -> dict:
    return next(r for r in result if r["id"] == rid and r["from_name"] == name)


def test_task_holds_pages_document_and_prediction():
    doc = _pdf_doc()
    task = _task(doc)
    assert task["data"]["pages"] == ["data:image/png;base64,AA=="] * 2
    assert decode_document(task["data"]["document"]) == doc
    (pred,) = task["predictions"]
    assert pred["model_version"] == "seg-1"
    rect = _by(pred["result"], "s2", LABEL)
    assert rect["value"]["rectanglelabels"] == ["value"] and rect["score"] == 0.99
    assert rect["value"]["x"] == pytest.approx(40.0) and rect["value"]["height"] == pytest.approx(2.0)
    assert _by(pred["result"], "s4", LABEL)["item_index"] == 1
    assert _by(pred["result"], "s2", TRANSCRIPTION)["value"]["text"] == ["3"]
    assert not [r for r in pred["result"] if r["id"] == "s3" and r["from_name"] == TRANSCRIPTION]  # empty cell


def test_convert_unchanged_annotation_gives_the_document_back():
    doc = _pdf_doc()
    result = _task(doc)["predictions"][0]["result"]
    fixed = apply_annotation(doc, copy.deepcopy(result))
    assert fixed.example.labels == [s.label for s in doc.segments]
    assert [s.model_copy(update={"label": None, "label_score": None}) for s in doc.segments] == \
        fixed.example.document.segments
    assert str(fixed.changes) == "0 labels, 0 texts, 0 boxes changed; 0 segments added, 0 deleted"


def test_convert_number_label_box_added_and_deleted_regions():
    doc = _pdf_doc()
    result = copy.deepcopy(_task(doc)["predictions"][0]["result"])
    _by(result, "s2", TRANSCRIPTION)["value"]["text"] = ["8"]             # a misread number
    _by(result, "s4", LABEL)["value"]["rectanglelabels"] = ["O"]           # a wrong label
    for name in (LABEL, TRANSCRIPTION):                                    # the number's box was too narrow
        _by(result, "s2", name)["value"].update(x=38.0, width=9.0)
    result = [r for r in result if r["id"] != "s0"]                        # a segment that is not there
    result.append({"id": "newOne", "from_name": LABEL, "to_name": "page", "type": "rectanglelabels",
                   "item_index": 0, "value": {"x": 60.0, "y": 10.2, "width": 4.0, "height": 1.6, "rotation": 0,
                                              "rectanglelabels": ["value"]}})  # a cell the reader missed
    result.append({"id": "newOne", "from_name": TRANSCRIPTION, "to_name": "page", "type": "textarea",
                   "item_index": 0, "value": {"x": 60.0, "y": 10.2, "width": 4.0, "height": 1.6, "rotation": 0,
                                              "text": ["12"]}})
    fixed = apply_annotation(doc, result)
    out, labels = fixed.example.document, fixed.example.labels
    assert [s.text for s in out.segments] == ["（一）予以公开", "8", "", "12", "页脚"]
    assert labels == ["row:t3.granted", "value", "value", "value", "O"]
    assert [s.id for s in out.segments] == [0, 1, 2, 3, 4]
    assert out.segments[1].bbox == pytest.approx((380, 200, 470, 240))      # moved box, same row
    assert out.segments[1].row == 1 and out.segments[3].row == 1           # the new cell joins its row
    assert out.segments[3].bbox == pytest.approx((600, 204, 640, 236))
    assert out.segments[0].bbox == doc.segments[1].bbox                    # untouched boxes stay exact
    assert all(s.label is None for s in out.segments)
    c = fixed.changes
    assert (c.relabelled, c.retyped, c.moved, c.added, c.deleted) == (1, 1, 1, 1, 1)


def test_convert_region_that_lost_its_id_keeps_its_segment_by_overlap():
    doc = _pdf_doc()
    result = copy.deepcopy(_task(doc)["predictions"][0]["result"])
    for r in result:
        if r["id"] == "s1":
            r["id"] = "xyz"
    fixed = apply_annotation(doc, result)
    assert fixed.changes.added == 0 and fixed.changes.deleted == 0
    assert fixed.example.document.segments[1].row == 1


def test_convert_box_moved_to_another_row_joins_it():
    doc = _pdf_doc()
    result = copy.deepcopy(_task(doc)["predictions"][0]["result"])
    _by(result, "s2", LABEL)["value"].update(y=5.0)   # up to the heading's line (y 100..140 px)
    fixed = apply_annotation(doc, result)
    segs = fixed.example.document.segments
    moved = next(s for s in segs if s.text == "3")
    assert moved.row == 0 and moved.cell is None
    assert [s.text for s in segs][:2] == ["三、收到和处理政府信息公开申请情况", "3"]


def _text_doc() -> Document:
    segs = [Segment(id=0, text="（一）予以公开", bbox=(0, 0, 7, 1), row=0, source="text", span=(0, 7),
                    label="row:t3.granted", label_score=0.9),
            Segment(id=1, text="3", bbox=(8, 0, 9, 1), row=0, source="text", span=(8, 9), label="value",
                    label_score=0.9),
            Segment(id=2, text="", bbox=(10, 0, 10, 1), row=0, source="text", span=(10, 10), label="value",
                    label_score=0.9),
            Segment(id=3, text="结转下年度 继续办理", bbox=(0, 1, 10, 2), row=1, source="text", span=(11, 21),
                    label="O", label_score=0.5)]
    return Document(doc_id="t1", source="t1.txt", input_kind="text", pages=[Page(number=1, width=40, height=2)],
                    segments=segs)


def test_text_task_renders_rows_with_separators_and_empty_marks():
    rendered = render_text(_text_doc())
    assert rendered.text == "（一）予以公开 │ 3 │ ∅\n结转下年度 继续办理\n"
    s, e = rendered.spans[2]
    assert rendered.text[s:e] == "∅"
    task = build_task(Prepared(_text_doc(), None, "seg-1", review_below=REVIEW_BELOW))
    assert task["data"]["text"] == rendered.text and "pages" not in task["data"]
    span = _by(task["predictions"][0]["result"], "s1", LABEL)["value"]
    assert (span["start"], span["end"], span["text"], span["labels"]) == (10, 11, "3", ["value"])


def test_text_annotation_corrections_survive():
    doc = _text_doc()
    task = build_task(Prepared(doc, None, "seg-1", review_below=REVIEW_BELOW))
    result = copy.deepcopy(task["predictions"][0]["result"])
    _by(result, "s3", LABEL)["value"]["labels"] = ["row:t3.carried_forward"]
    _by(result, "s1", TRANSCRIPTION)["value"]["text"] = ["5"]
    _by(result, "s2", LABEL)["value"].update(start=12, end=15)   # the span now covers "│ ∅" only partly
    fixed = apply_annotation(doc, result)
    assert fixed.example.labels == ["row:t3.granted", "value", "value", "row:t3.carried_forward"]
    assert [s.text for s in fixed.example.document.segments] == ["（一）予以公开", "5", "", "结转下年度 继续办理"]
    assert fixed.changes.moved == 1


def test_covered_text_drops_separators_and_empty_marks():
    assert covered_text("3 │ ∅") == "3"
    assert covered_text("1 │ 2") == "1 2"


def test_regions_merge_label_and_transcription_results():
    doc = _pdf_doc()
    found = regions(_task(doc)["predictions"][0]["result"])
    assert [r.id for r in found] == ["s0", "s1", "s2", "s3", "s4"]
    assert found[2].label == "value" and found[2].text == "3" and found[3].text is None
    assert found[4].page == 2


def _report(doc_id: str, confidences: list[float]) -> Report:
    cells = {f"t3.r{i}.total": CellOut(value=1, status="read", confidence=c) for i, c in enumerate(confidences)}
    return Report(doc_id=doc_id, meta=Meta(input_kind="pdf"), cells=cells)


def test_review_order_puts_lowest_confidence_first():
    sure, unsure, failed = _pdf_doc(), _pdf_doc().model_copy(update={"doc_id": "d2"}), _pdf_doc()
    items = [Prepared(sure, _report("d1", [0.99, 0.99]), "seg-1", ["x", "x"], review_below=REVIEW_BELOW),
             Prepared(unsure, _report("d2", [0.99, 0.5]), "seg-1", ["x", "x"], review_below=REVIEW_BELOW),
             Prepared(failed.model_copy(update={"doc_id": "d3"}), None, "seg-1", ["x", "x"], review_below=REVIEW_BELOW)]
    assert [p.document.doc_id for p in order_for_review(items)] == ["d3", "d2", "d1"]
    assert items[1].confidence == pytest.approx(0.5 * sum(s.label_score for s in unsure.segments) / 5)


def test_encoded_document_round_trips():
    doc = _pdf_doc()
    assert decode_document(encode_document(doc)) == doc


def test_scan_pages_come_from_the_stored_page_images(tmp_path):
    from PIL import Image

    Image.new("RGB", (100, 200), "white").save(tmp_path / "page-001.png")
    doc = _pdf_doc().model_copy(update={"input_kind": "scanned_pdf", "pages": [
        Page(number=1, width=100, height=200, image=str(tmp_path / "page-001.png"))]})
    (url,) = page_images(doc)
    assert url.startswith("data:image/jpeg;base64,")
    gone = Page(number=1, width=100, height=200, image=str(tmp_path / "gone.png"))
    missing = doc.model_copy(update={"pages": [gone]})
    with pytest.raises(FileNotFoundError, match="no stored page image"):
        page_images(missing)
