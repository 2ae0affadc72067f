"""Born-digital PDF ingest: ruled tables, prose, refusals with reasons, and a whole report."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from reportlab.lib.pdfencrypt import StandardEncryption

from tests.helpers.ocr import NullEngine, install_engine, missing_engine
from tests.helpers.pdfs import Cell, PdfWriter, Table
from tests.helpers.report_pdf import write_report_pdf
from xxgk.document import Document
from xxgk.errors import ExtractionError
from xxgk.inference.ingest.pdf import ingest_pdf
from xxgk.inference.layout import PX_PER_PT
from xxgk.inference.pipeline import Pipeline
from xxgk.options import load_options
from xxgk.settings import get_settings
from xxgk.templates import load_editions

DATA = Path(__file__).resolve().parents[3] / "tests" / "data" / "ingest"

MERGED = Table([150.0, 60.0, 60.0, 60.0], [
    Cell(0, 0, "（本列数据的勾稽关系）", row_span=2),
    Cell(0, 1, "法人或其他组织", col_span=2),
    Cell(0, 3, "总计", row_span=2),
    Cell(1, 1, "商业企业"), Cell(1, 2, "科研机构"),
    Cell(2, 0, "一、本年新收政府信息公开申请数量"), Cell(2, 1, "12"), Cell(2, 2, ""), Cell(2, 3, "1,024"),
    Cell(3, 0, "（三）不予公开", row_span=2), Cell(3, 1, "7"), Cell(3, 2, "0"), Cell(3, 3, "20.5"),
    Cell(4, 1, "3"), Cell(4, 2, "-"), Cell(4, 3, "结果维持", vertical="stacked"),
])


def ingest(path: Path) -> Document:
    return ingest_pdf(path, doc_id=path.stem, settings=get_settings(), options=load_options())


def refusal(path: Path) -> ExtractionError:
    with pytest.raises(ExtractionError) as err:
        ingest(path)
    assert err.value.error.stage == "ingest" and str(path) in err.value.error.message
    return err.value


def test_pdf_ruled_table_cells_with_merges_and_numbers(tmp_path):
    path = tmp_path / "table.pdf"
    pdf = PdfWriter(path)
    pdf.text("表格标题")
    box = pdf.table(MERGED)
    pdf.text("表后说明")
    pdf.save()
    doc = ingest(path)
    cells = [s for s in doc.segments if s.cell]
    got = [(s.cell.row, s.cell.col, s.cell.row_span, s.cell.col_span, s.text) for s in cells]
    want = [(c.row, c.col, c.row_span, c.col_span, c.text) for c in MERGED.cells]
    assert got == want
    assert [s.text for s in doc.segments if s.cell is None] == ["表格标题", "表后说明"]
    assert {s.cell.table for s in cells} == {0}
    grid_rows = {s.cell.row: s.row for s in cells}
    assert all(s.row == grid_rows[s.cell.row] for s in cells)
    assert sorted(set(grid_rows.values())) == list(range(1, 6))
    assert [s.row for s in doc.segments] == sorted(s.row for s in doc.segments)
    left, top, right, bottom = (v * PX_PER_PT for v in box)
    assert cells[0].bbox[0] == pytest.approx(left, abs=2) and cells[0].bbox[1] == pytest.approx(top, abs=2)
    assert cells[-1].bbox[2] == pytest.approx(right, abs=2) and cells[-1].bbox[3] == pytest.approx(bottom, abs=2)
    assert doc.input_kind == "pdf" and all(s.source == "pdf_text" and s.page == 1 for s in doc.segments)
    assert (doc.pages[0].width, doc.pages[0].height) == pytest.approx((595.2756 * PX_PER_PT, 841.8898 * PX_PER_PT))


def test_pdf_prose_lines_and_borderless_rows(tmp_path):
    path = tmp_path / "prose.pdf"
    pdf = PdfWriter(path)
    pdf.text("一、总体情况")
    pdf.text("本年度共公开政府信息 248 条，其中 Hello world 一项。")
    pdf.text("规章        0        0        12")
    pdf.save()
    doc = ingest(path)
    assert [[s.text for s in row] for row in doc.rows()] == [
        ["一、总体情况"], ["本年度共公开政府信息 248 条，其中 Hello world 一项。"], ["规章", "0", "0", "12"]]
    assert all(s.cell is None for s in doc.segments)


def test_pdf_rotated_header_reads_in_text_order(tmp_path):
    path = tmp_path / "rotated.pdf"
    table = Table([60.0, 60.0], [Cell(0, 0, "结果维持", vertical="rotated"), Cell(0, 1, "尚未审结", vertical="rotated"),
                                 Cell(1, 0, "0"), Cell(1, 1, "5")])
    pdf = PdfWriter(path)
    pdf.table(table, border="rects")
    pdf.save()
    assert [s.text for s in ingest(path).segments] == ["结果维持", "尚未审结", "0", "5"]


def test_pdf_tables_interleave_with_text_and_count_over_pages(tmp_path):
    path = tmp_path / "two.pdf"
    small = Table([80.0, 80.0], [Cell(0, 0, "a"), Cell(0, 1, "b"), Cell(1, 0, "c"), Cell(1, 1, "d")])
    pdf = PdfWriter(path)
    pdf.text("第一节")
    pdf.table(small)
    pdf.text("第二节")
    pdf.table(small, border="filled")
    pdf.page_break()
    pdf.text("第三节")
    pdf.table(small, border="rects")
    pdf.text("- 2 -", align="center")
    pdf.save()
    doc = ingest(path)
    assert [s.text for s in doc.segments] == ["第一节", *"abcd", "第二节", *"abcd", "第三节", *"abcd", "- 2 -"]
    assert [s.cell.table for s in doc.segments if s.cell] == [0] * 4 + [1] * 4 + [2] * 4
    assert [s.page for s in doc.segments if s.text == "第三节"] == [2]


def test_pdf_fake_bold_copies_are_read_once(tmp_path):
    path = tmp_path / "bold.pdf"
    pdf = PdfWriter(path)
    pdf.canvas.setFont("WQY", 12)
    for dx, dy in ((0, 0), (0.3, 0), (0.3, 0.3)):
        pdf.canvas.drawString(100 + dx, 700 + dy, "一、总体情况 12")
    pdf.save()
    assert [s.text for s in ingest(path).segments] == ["一、总体情况 12"]


def test_pdf_page_numbers_in_the_margin_are_dropped(tmp_path):
    path = tmp_path / "numbered.pdf"
    pdf = PdfWriter(path)
    pdf.text("正文")
    pdf.canvas.setFont("WQY", 9)
    pdf.canvas.drawCentredString(297, 30, "- 3 -")
    pdf.canvas.drawCentredString(297, 820, "第 3 页 共 6 页")
    pdf.save()
    assert [s.text for s in ingest(path).segments] == ["正文"]


def test_pdf_boxes_are_pixels_of_the_rendered_crop_box(tmp_path):
    path = tmp_path / "cropped.pdf"
    pdf = PdfWriter(path)
    pdf.canvas.setCropBox((50, 100, 545, 741))
    pdf.canvas.setFont("WQY", 12)
    pdf.canvas.drawString(100, 700, "裁剪页面")
    pdf.save()
    doc = ingest(path)
    (seg,) = doc.segments
    assert (doc.pages[0].width, doc.pages[0].height) == pytest.approx((495 * PX_PER_PT, 641 * PX_PER_PT), abs=1)
    assert seg.bbox[0] == pytest.approx(50 * PX_PER_PT, abs=1)
    assert seg.bbox[3] == pytest.approx((741 - 700 + 2.5) * PX_PER_PT, abs=4)


def test_pdf_with_user_password_is_refused_as_encrypted(tmp_path):
    path = tmp_path / "locked.pdf"
    pdf = PdfWriter(path, encrypt=StandardEncryption("user", "owner"))
    pdf.text("保密内容")
    pdf.save()
    err = refusal(path)
    assert err.error.category == "encrypted" and "password" in err.error.message


def test_pdf_with_empty_user_password_is_read(tmp_path):
    path = tmp_path / "owner_only.pdf"
    pdf = PdfWriter(path, encrypt=StandardEncryption("", "owner", canPrint=0))
    pdf.text("公开内容可以读取")
    pdf.save()
    assert [s.text for s in ingest(path).segments] == ["公开内容可以读取"]


def test_pdf_image_only_without_ocr_needs_ocr(tmp_path, monkeypatch):
    install_engine(monkeypatch, missing_engine)
    path = tmp_path / "scan.pdf"
    pdf = PdfWriter(path)
    pdf.image(480, 700)
    pdf.save()
    err = refusal(path)
    assert err.error.category == "needs_ocr" and "scanned" in err.error.message and "pip install" in err.error.message


def _mixed(path: Path) -> None:
    pdf = PdfWriter(path)
    pdf.text("第一页正文")
    pdf.page_break()
    pdf.image(480, 700)
    pdf.canvas.drawString(300, 30, "2")
    pdf.page_break()
    pdf.text("第三页正文")
    pdf.save()


def test_pdf_scanned_pages_without_ocr_are_skipped_with_a_warning(tmp_path, monkeypatch):
    install_engine(monkeypatch, missing_engine)
    _mixed(path := tmp_path / "mixed.pdf")
    doc = ingest(path)
    assert [s.text for s in doc.segments] == ["第一页正文", "第三页正文"]
    assert len(doc.pages) == 3 and doc.input_kind == "pdf"
    assert len(doc.warnings) == 1 and "pages 2 " in doc.warnings[0] and "pip install" in doc.warnings[0]


def test_pdf_scanned_pages_go_to_ocr_in_page_order(tmp_path, monkeypatch):
    install_engine(monkeypatch, lambda **_: NullEngine())
    _mixed(path := tmp_path / "mixed.pdf")
    doc = ingest(path)
    assert [s.text for s in doc.segments] == ["第一页正文", "第三页正文"]
    assert doc.input_kind == "scanned_pdf" and len(doc.pages) == 3
    scanned = doc.pages[1]
    assert scanned.image is not None and Path(scanned.image).is_file()
    assert doc.pages[0].image is None
    assert any("page 2 is blank" in w for w in doc.warnings)


def test_pdf_random_bytes_are_corrupt(tmp_path):
    path = tmp_path / "random.pdf"
    path.write_bytes(os.urandom(4096))
    assert refusal(path).error.category == "corrupt"
    outcome = Pipeline().extract(path)
    assert [(e.stage, e.category) for e in outcome.errors] == [("ingest", "corrupt")]
    assert "not a PDF" in outcome.errors[0].message


def test_pdf_truncated_file_fails_in_the_pipeline_as_corrupt(tmp_path):
    path = tmp_path / "truncated.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + os.urandom(512))
    outcome = Pipeline().extract(path)
    assert outcome.status == "failure"
    assert [(e.stage, e.category) for e in outcome.errors] == [("ingest", "corrupt")]


def _zero_page_pdf() -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 3\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_pdf_without_pages_is_corrupt(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(_zero_page_pdf())
    err = refusal(path)
    assert err.error.category == "corrupt" and "no pages" in err.error.message


def test_pdf_over_the_page_limit_is_refused(tmp_path):
    path = tmp_path / "long.pdf"
    pdf = PdfWriter(path)
    for _ in range(501):
        pdf.canvas.drawString(100, 100, "x")
        pdf.page_break()
    pdf.save()
    err = refusal(path)
    assert err.error.category == "too_many_pages" and "501" in err.error.message


@pytest.mark.parametrize("border, vertical", [("lines", "stacked"), ("rects", "rotated"), ("filled", "stacked")])
def test_pdf_whole_report_reads_every_gold_cell(tmp_path, border, vertical):
    """Seed 004's values printed as the 2019 template: every cell must come back exactly."""
    gold = json.loads((DATA / "004_03aa3c703994b485.gold.json").read_text(encoding="utf-8"))
    path = tmp_path / "report.pdf"
    write_report_pdf(path, load_editions()["2019"], gold, border=border, vertical=vertical)
    outcome = Pipeline().extract(path)
    assert outcome.status == "success", (outcome.errors, outcome.report and outcome.report.warnings)
    report = outcome.report
    assert (report.meta.agency, report.meta.year, report.meta.edition) == (
        gold["meta"]["agency"], gold["meta"]["year"], "2019")
    assert report.meta.input_kind == "pdf"
    wrong = {k: (v, report.cells[k].value) for k, v in gold["cells"].items()
             if report.cells[k].value != v or report.cells[k].status != "read"}
    assert wrong == {}
    cell = report.cells["t3.new_received.natural_person"]
    assert cell.page == 2 and cell.bbox is not None
