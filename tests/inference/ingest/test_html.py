"""HTML ingest: table grids with spans, text blocks, noise, malformed markup, a whole report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xxgk.document import Document
from xxgk.errors import ExtractionError
from xxgk.inference.ingest import ingest
from xxgk.inference.ingest.html import ingest_html
from xxgk.inference.pipeline import Pipeline

DATA = Path(__file__).resolve().parents[3] / "tests" / "data" / "ingest"

T3_PIECE = """
<table border="1">
 <tr><td rowspan="3" colspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>
     <td colspan="7">申请人情况</td></tr>
 <tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
 <tr><td>商业企业</td><td>科研机构</td><td>社会<br>公益<br>组织</td><td>法律服务机构</td><td>其他</td></tr>
 <tr><td colspan="3">一、本年新收政府信息公开申请数量</td>
     <td>3</td><td>0</td><td></td><td>0</td><td>0</td><td>0</td><td>3</td></tr>
 <tr><td rowspan="4">三、本年度办理结果</td><td colspan="2">（一）予以公开</td>
     <td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>
 <tr><td rowspan="3"><p>（三）不予</p><p>公开</p></td><td>1.属于国家秘密</td>
     <td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
 <tr><td>2.其他法律行政法规禁止公开</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
 <tr><td>3.危及“三安全一稳定”</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>&nbsp;</td></tr>
</table>
"""


def doc_of(html: str) -> Document:
    return ingest_html(html, doc_id="t", source="t.html")


def rows_of(doc: Document) -> list[list[str]]:
    return [[s.text for s in row] for row in doc.rows()]


def test_html_table_origin_cells_carry_grid_positions():
    doc = doc_of(T3_PIECE)
    cells = [(s.text, s.cell.row, s.cell.col, s.cell.row_span, s.cell.col_span) for s in doc.segments]
    assert cells[:3] == [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 0, 0, 3, 3),
                         ("申请人情况", 0, 3, 1, 7), ("自然人", 1, 3, 2, 1)]
    assert ("法人或其他组织", 1, 4, 1, 5) in cells and ("总计", 1, 9, 2, 1) in cells
    assert ("三、本年度办理结果", 4, 0, 4, 1) in cells
    assert ("（三）不予公开", 5, 1, 3, 1) in cells
    assert ("2.其他法律行政法规禁止公开", 6, 2, 1, 1) in cells
    assert {s.cell.table for s in doc.segments} == {0}
    assert doc.input_kind == "html" and all(s.source == "html" and s.page == 1 for s in doc.segments)


def test_html_vertical_header_joins_without_separators():
    doc = doc_of(T3_PIECE)
    assert "社会公益组织" in [s.text for s in doc.segments]
    latin = doc_of("<table><tr><td>20<br>19</td><td>ab<br>cd</td><td>2020<br>年</td></tr>"
                   "<tr><td>x</td><td>y</td><td>z</td></tr></table>")
    assert [s.text for s in latin.segments[:3]] == ["20 19", "ab cd", "2020年"]


def test_html_grid_rows_are_physical_rows_with_empty_cells_kept():
    rows = rows_of(doc_of(T3_PIECE))
    assert rows[2] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert rows[3] == ["一、本年新收政府信息公开申请数量", "3", "0", "", "0", "0", "0", "3"]
    assert rows[4][:3] == ["三、本年度办理结果", "（一）予以公开", "1"]
    assert rows[6] == ["2.其他法律行政法规禁止公开", *["0"] * 7]
    assert rows[7][-1] == ""
    assert len(rows) == 8


def test_html_pseudo_layout_follows_grid():
    doc = doc_of(T3_PIECE)
    seg = next(s for s in doc.segments if s.text == "法人或其他组织")
    assert seg.row == 1 and seg.bbox[0] == 400 and seg.bbox[1] == 10 and seg.bbox[2] > 800
    assert doc.pages[0].width == 1000 and doc.pages[0].height == 80


def test_html_text_blocks_one_row_each_and_noise_dropped():
    html = """<!DOCTYPE html><html><head><title>站点标题</title><style>p{color:red}</style>
    <script>document.write('<p>统计</p>')</script></head><body>
    <nav><a>首页</a> <a>政务公开</a></nav>
    <h1>某某局2020年政府信息<br/>公开工作年度报告</h1>
    <div>一、总体情况<div>（一）主动  公开</div>本年度&nbsp;&nbsp;共公开<b>248</b>条。</div>
    <ul><li>甲</li><li>乙</li></ul><noscript>请启用脚本</noscript>
    <table><tr><td>a</td><td>b</td></tr></table><p>六、其他需要报告的事项</p></body></html>"""
    doc = doc_of(html)
    assert rows_of(doc) == [["某某局2020年政府信息"], ["公开工作年度报告"], ["一、总体情况"],
                            ["（一）主动 公开"], ["本年度 共公开248条。"], ["甲"], ["乙"], ["a", "b"],
                            ["六、其他需要报告的事项"]]
    assert [s.row for s in doc.segments] == [0, 1, 2, 3, 4, 5, 6, 7, 7, 8]
    assert [s.cell is None for s in doc.segments].count(False) == 2


def test_html_layout_table_is_read_as_blocks_with_inner_tables_as_grids():
    html = """<table width="100%"><tr><td class="nav">导航</td><td>
      <p>二、主动公开政府信息情况</p>
      <table border="1"><tr><td>规章</td><td>1</td></tr><tr><td>规范性文件</td><td>2</td></tr></table>
      <p>三、收到和处理</p><table><tr><td>x</td><td>y</td></tr></table></td></tr></table>"""
    doc = doc_of(html)
    assert rows_of(doc) == [["导航"], ["二、主动公开政府信息情况"], ["规章", "1"], ["规范性文件", "2"],
                            ["三、收到和处理"], ["x", "y"]]
    assert [s.cell.table for s in doc.segments if s.cell] == [0, 0, 0, 0, 1, 1]


def test_html_caption_and_pre():
    doc = doc_of("<table><caption>表一</caption><tr><td>a</td><td>b</td></tr></table>"
                 "<pre>行政复议\t0\n行政诉讼\t1</pre>")
    assert rows_of(doc) == [["表一"], ["a", "b"], ["行政复议 0"], ["行政诉讼 1"]]


@pytest.mark.parametrize("html", [
    "<table><tr><td rowspan='abc' colspan='0'>a<td>b</tr><tr><td rowspan='99'>c</table>",
    "<p>unclosed <b>bold <table><tr><td>x</td></tr></p></b></div></div>",
    "<table></table><table><tr></tr></table><p>only text</p>",
    "<table><tr><td><table><tr><td>inner</td></tr></table></td><td>outer</td></tr></table>",
    "\x00<html><body><p>控制字符</p>",
    "<div>" * 600 + "deep" + "</div>" * 600,
])
def test_html_malformed_markup_does_not_crash(html):
    doc = doc_of(html)
    assert all(isinstance(s.text, str) for s in doc.segments)
    assert [s.id for s in doc.segments] == list(range(len(doc.segments)))
    rows = [s.row for s in doc.segments]
    assert rows == sorted(rows) and (not rows or set(rows) == set(range(max(rows) + 1)))


def test_html_spans_are_clipped_to_the_table():
    doc = doc_of("<table><tr><td rowspan='9' colspan='0'>a</td><td>b</td></tr><tr><td>c</td></tr></table>")
    assert [(s.text, s.cell.row_span, s.cell.col_span, s.cell.col) for s in doc.segments] == [
        ("a", 2, 1, 0), ("b", 1, 1, 1), ("c", 1, 1, 1)]


def test_html_encoding_declarations_are_ignored_for_decoded_text():
    doc = doc_of('<?xml version="1.0" encoding="gb2312"?><html><head><meta charset="gb2312"></head>'
                 "<body><p>政府信息公开</p></body></html>")
    assert rows_of(doc) == [["政府信息公开"]]


def test_html_empty_page_has_no_segments():
    assert doc_of("<html><body><script>x()</script></body></html>").segments == []


def test_html_unparseable_input_is_an_ingest_error():
    with pytest.raises(ExtractionError) as err:
        doc_of("   ")
    assert err.value.error.category == "corrupt" and "t.html" in err.value.error.message


def test_html_dispatched_by_ingest(tmp_path):
    path = tmp_path / "r.htm"
    path.write_text("<p>标题</p><table><tr><td>a</td><td>b</td></tr></table>", encoding="gb18030")
    doc = ingest(path)
    assert doc.input_kind == "html" and rows_of(doc) == [["标题"], ["a", "b"]]


def test_html_whole_report_reads_every_gold_cell():
    """Seed 004 published as a Word-exported web page (rowspan row groups, vertical headers)."""
    gold = json.loads((DATA / "004_03aa3c703994b485.gold.json").read_text(encoding="utf-8"))
    outcome = Pipeline().extract(DATA / "004_03aa3c703994b485.html")
    assert outcome.status == "success", outcome.errors
    report = outcome.report
    assert report.meta.agency == gold["meta"]["agency"] and report.meta.year == gold["meta"]["year"]
    assert report.meta.edition == "2019" and report.meta.input_kind == "html"
    wrong = {k: (v, report.cells[k].value) for k, v in gold["cells"].items()
             if report.cells[k].value != v or report.cells[k].status != "read"}
    assert wrong == {}
