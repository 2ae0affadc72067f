"""Text dumps of every shape the seeds show, split into cells and physical rows; decoding refusals."""

import pytest

from xxgk.errors import ExtractionError
from xxgk.inference.ingest.decode import decode_text, report_text
from xxgk.inference.ingest.runon import RunOnSplitter
from xxgk.inference.ingest.text import clean, segment_text
from xxgk.options import load_options
from xxgk.templates import load_editions

TEXT = load_options().text


def rows_of(text: str) -> tuple[str, list[list[str]]]:
    shape, segments, _ = segment_text(clean(text), TEXT)
    rows: dict[int, list[str]] = {}
    for s in segments:
        rows.setdefault(s.row, []).append(s.text)
    return shape, list(rows.values())


def test_text_tab_rows_keep_empty_fields():
    text = "\n".join(["规章\t0\t0\t0", "一、\t本年新收政府信息公开申请数量\t2\t\t\t\t\t\t2"] * 6)
    shape, rows = rows_of(text)
    assert shape == "lines"
    assert rows[1] == ["一、", "本年新收政府信息公开申请数量", "2", "", "", "", "", "", "2"]


def test_text_broken_pipe_rows_continue_across_lines():
    text = "规章\n| \n| 22 | 32\n| \n行政规范性文件 | 7 | \n| 72 | ||\n三、本年度办理结果\n| (一)予以公开 | 0 | 0 0 | |"
    _, rows = rows_of(text)
    assert rows[0] == ["规章", "", "22", "32"]
    assert rows[1] == ["行政规范性文件", "7", "", "72", "", ""]
    assert rows[2] == ["三、本年度办理结果", "(一)予以公开", "0", "0 0", ""]


def test_text_markdown_rows_are_lines():
    _, rows = rows_of("| a | b |\n|---|---|\n| 1 |  |\n| 2 | 3 |")
    assert rows == [["a", "b"], ["1", ""], ["2", "3"]]


def test_text_tab_prefixed_cells_and_rows():
    cells = ["\t规章", "\t0", "\t0", "\t0", "", "\t规范性文件", "\t4", "\t4", "\t8", "",
             "\t", "\t（三）不予", "", "公开",
             "\t1.属于国家秘密", "\t1", ""]
    shape, rows = rows_of("\n".join(cells * 4))
    assert shape == "tab_prefixed"
    assert rows[0] == ["规章", "0", "0", "0"]
    assert rows[2] == ["", "（三）不予公开", "1.属于国家秘密", "1"]


def test_text_blocks_join_wrapped_lines():
    text = "\n\n".join(["信息内容", "本年新\n制作数量", "规章", "0", " 0", "0 "] * 3)
    shape, rows = rows_of(text)
    assert shape == "blocks"
    assert rows[:6] == [["信息内容"], ["本年新制作数量"], ["规章"], ["0"], ["0"], ["0"]]


def test_text_wide_spaces_split_fields_and_label_numbers_are_separated():
    _, rows = rows_of("规章        0      3     12\n规范性文件 1 2 3\n本报告所列数据的统计期限自2020年1月1日起。")
    assert rows[0] == ["规章", "0", "3", "12"]
    assert rows[1] == ["规范性文件", "1 2 3"]
    assert rows[2] == ["本报告所列数据的统计期限自2020年1月1日起。"]


def test_text_labels_broken_into_one_node_per_line_are_put_back_together():
    lines = ["三、收到和处理政府信息公开申请情况", "（", "本列数据的勾稽关系为：第一项加第二项之和", "，",
             "等于第三项加第四项之和", "）", "申请人情况", "一", "、", "本年新收政府信息公开申请数量",
             "270", "0", "301", "（", "二", "）", "部分公开", "（", "区分处理的", "，", "只计这一情形", "，",
             "不计其他情形", "）", "33", "0", "37", "（", "三", "）", "不予公开", "1.属于国家秘密", "9", "0", "9",
             "行政复议", "结果", "纠正", "尚未", "审结"]
    text = "\n".join(lines)
    _, segments, _ = segment_text(text, TEXT)
    texts = [s.text for s in segments]
    assert texts[:5] == ["三、收到和处理政府信息公开申请情况",
                         "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                         "申请人情况", "一、本年新收政府信息公开申请数量", "270"]
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in texts
    assert "（三）不予公开" in texts and "1.属于国家秘密" in texts
    assert texts[-4:] == ["结果", "纠正", "尚未", "审结"]  # words without punctuation stay apart
    joined = next(s for s in segments if s.text.startswith("（二）"))
    assert text[joined.span[0]:joined.span[1]].replace("\n", "") == joined.text


def test_text_a_row_label_wrapped_without_punctuation_is_put_back_together_where_the_wordings_know_it():
    """`二、上年结转政府信息` / `公开申请数量`: alone, the tail reads as the row above it (…公开申请数量)."""
    lines = ["一、本年新收政府信息公开申请数量", "5", "0", "5", "二、上年结转政府信息", "公开申请数量", "0",
             "二、上年结转政府信忌", "公开申请数量", "0", "行政复议", "结果", "纠正", "尚未", "审结"]
    _, segments, _ = segment_text("\n".join(lines), TEXT, RunOnSplitter(load_editions(), TEXT))
    texts = [s.text for s in segments]
    assert texts[4:6] == ["二、上年结转政府信息公开申请数量", "0"]
    assert texts[6] == "二、上年结转政府信忌公开申请数量"  # a misread character is within the edits allowed
    assert texts[-4:] == ["结果", "纠正", "尚未", "审结"]  # column headers are not joined by wordings
    assert segment_text("\n".join(lines), TEXT)[1][4].text == "二、上年结转政府信息"  # no wordings, no join


def test_text_a_wrapped_head_near_enough_to_be_a_label_still_takes_its_tail():
    """`…公开申` / `请数量`: the head alone is within the edits a damaged label may have, but with its
    tail it spells the row exactly; a complete label never takes the next short line."""
    lines = ["二、上年结转政府信息公开申", "请数量", "0", "6.属于四类过程性", "信息", "2",
             "5.属于三类内部事务信息", "其他", "1"]
    _, segments, _ = segment_text("\n".join(lines), TEXT, RunOnSplitter(load_editions(), TEXT))
    texts = [s.text for s in segments]
    assert texts[:4] == ["二、上年结转政府信息公开申请数量", "0", "6.属于四类过程性信息", "2"]
    assert texts[4:6] == ["5.属于三类内部事务信息", "其他"]


def test_text_numbers_and_prose_never_join_a_label():
    prose = "本报告根据《条例》（以下简称《条例》）要求编制，所列数据的统计期限自2021年1月1日起至2021年12月31日止。"
    text = "\n".join(["（", "一", "）", "予以公开", "75", "0", "85", prose, "（", "二", "）", "部分公开"])
    _, segments, _ = segment_text(text, TEXT)
    texts = [s.text for s in segments]
    assert texts[:4] == ["（一）予以公开", "75", "0", "85"]
    assert texts[-1] == "（二）部分公开"


def test_text_spans_point_into_the_cleaned_text():
    text = clean("标题\r\n规章\t1\t2\r\n")
    _, segments, page = segment_text(text, TEXT)
    for s in segments:
        assert text[s.span[0]:s.span[1]] == s.text
    assert page.width >= 300


@pytest.mark.parametrize("data", [b"\xff\xfeA", b"\xfe\xff\x00", b"\xff\xfe\x00\xd8A\x00"])
def test_text_broken_utf16_after_a_bom_is_undecodable(data: bytes) -> None:
    """Odd-length UTF-16 or a lone surrogate after the BOM: refused as undecodable, never a crash."""
    with pytest.raises(ExtractionError) as err:
        decode_text(data, "r.txt")
    assert err.value.error.category == "undecodable" and "r.txt" in err.value.error.message
    assert decode_text("\ufeff报告".encode("utf-16-le"), "r.txt") == "报告"


def test_text_report_text_refuses_what_ingest_refuses() -> None:
    assert report_text("一、总体情况\n".encode(), "r.txt") == "一、总体情况\n"
    for data, category in ((b" \n", "empty"), (b'{"cells": {}}', "unsupported_type"), (b"\xff\xfeA", "undecodable")):
        with pytest.raises(ExtractionError) as err:
            report_text(data, "r.txt")
        assert err.value.error.category == category
