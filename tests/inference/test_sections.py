"""Sections 一 to 六: heading variants, garbled and missing headings, table parts, any labels or none."""

import pytest

from tests.inference.helpers import doc_from_rows, values
from xxgk.document import Document, Segment
from xxgk.inference.sections import default_wordings, match_heading, reflow, split_sections

SECTION_ORDER = default_wordings().layout.order


def unlabeled(doc: Document) -> Document:
    for seg in doc.segments:
        seg.label = seg.label_score = None
    return doc


def report_rows(headings: dict[str, str], t4_heading: bool = True) -> list[list[tuple[str, str]]]:
    """A small report: title, preamble, six parts with prose and table rows."""
    h = {sid: (text, f"sec:{sid}") for sid, text in headings.items()}
    rows = [
        [("某某县民政局2020年政府信息公开工作年度报告", "title")],
        [("本报告依据《中华人民共和国政府信息公开条例》编制，统计期限为2020年1月1日至2020年12月31日。", "O")],
        [h["overview"]],
        [("2020年，我局收到政府信息公开申请3件，上年度留存政府信息公开申请1件，均按期答复。", "O")],
        [("（四）主动公开政府信息情况", "sec:t2")],
        [("全年主动公开政府信息248条。", "O")],
        [h["t2"]],
        [("第二十条第（一）项", "header")],
        [("规范性文件", "row:t2.normative_docs"), *values("4", "4", "8")],
        [("（备注：上一年项目数量未填）", "O")],
        [h["t3"]],
        [("一、本年新收政府信息公开申请数量", "row:t3.new_received"), *values("3", "0", "0", "0", "0", "0", "3")],
        [("二、上年结转政府信息公开申请数量", "row:t3.carried_over"), *values("1", "0", "0", "0", "0", "0", "1")],
    ]
    if t4_heading:
        rows.append([h["t4"]])
    rows += [
        [("行政复议", "row:t4.review"), ("结果维持", "col:t4.upheld")],
        values(*["0"] * 15),
        [h["problems"]],
        [("一是政策解读形式较为单一；二是信息更新不够及时。", "O")],
        [h["other"]],
        [("无。", "O")],
        [("某某县民政局", "meta.agency")],
        [("2021年1月20日", "meta.date")],
    ]
    return rows


STANDARD = {"overview": "一、总体情况", "t2": "二、主动公开政府信息情况", "t3": "三、收到和处理政府信息公开申请情况",
            "t4": "四、政府信息公开行政复议、行政诉讼情况", "problems": "五、存在的主要问题及改进情况",
            "other": "六、其他需要报告的事项"}


@pytest.mark.parametrize("labeled", [True, False])
def test_sections_standard_headings_split_all_six(labeled):
    doc = doc_from_rows(report_rows(STANDARD))
    split = split_sections(doc if labeled else unlabeled(doc))
    assert tuple(split.headings) == SECTION_ORDER
    texts = split.texts()
    assert texts["overview"].startswith("2020年，我局收到政府信息公开申请3件")
    assert "（四）主动公开政府信息情况" in texts["overview"], "a parenthesised sub-heading stays in its part"
    assert texts["t2"] == "（备注：上一年项目数量未填）", "table parts keep the prose, not the cells"
    assert "t3" not in texts and "t4" not in texts
    assert texts["problems"] == "一是政策解读形式较为单一；二是信息更新不够及时。"
    assert texts["other"] == "无。", "the signature is not part of 六"
    assert split.preamble[0].startswith("本报告依据")


@pytest.mark.parametrize("problems, other", [
    ("五、政府信息公开工作存在的主要问题及改进措施", "六、需要说明的其他事项"),
    ("存在的主要问题及改进情况", "其他需要报告的事项"),              # numerals missing
    ("五、存在的主要间题及改进清况", "六、其他需要报吿的事项"),       # garbled characters
    ("第五部分 存在的问题及改进措施", "第六部分 其他事项"),
    ("5.存在的主要问题和改进情况", "6.其他需要说明的事项"),
    ("五、工作中存在的不足和改进措施", "六、其他需要报告事项"),
])
@pytest.mark.parametrize("labeled", [True, False])
def test_sections_heading_variants(problems, other, labeled):
    doc = doc_from_rows(report_rows({**STANDARD, "problems": problems, "other": other}))
    if labeled:  # a labeler that missed the variant: the heading row came out as prose
        for seg in doc.segments:
            if seg.text in (problems, other):
                seg.label = "O"
    else:
        unlabeled(doc)
    texts = split_sections(doc).texts()
    assert texts["problems"] == "一是政策解读形式较为单一；二是信息更新不够及时。"
    assert texts["other"] == "无。"


@pytest.mark.parametrize("text, section", [
    ("五、存在的主要问题及改进情况", "problems"),
    ("六、需要说明的其他事项", "other"),
    ("一、概述", "overview"),
    ("二、主动公开政府信息的情况", "t2"),
    ("四、因政府信息公开申请提起行政复议、行政诉讼情况", "t4"),
    ("五 存在的主要问题及改进情况", "problems"),
])
def test_sections_match_heading_names_the_part(text, section):
    found = match_heading(text)
    assert found is not None and found[0] == section


@pytest.mark.parametrize("text", [
    "（四）主动公开政府信息情况",      # a sub-heading of the overview
    "(一)存在的问题",
    "二、上年结转政府信息公开申请数量",  # table 3 row labels with numerals
    "三、本年度办理结果",
    "四、结转下年度继续办理",
    "主动公开情况",
    "一是加强组织领导。",
    "报告包括概述、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、存在的主要问题及改进情况、其他需要报告的事项等六部分内容。",
])
def test_sections_not_a_heading(text):
    assert match_heading(text) is None


def test_sections_heading_and_first_sentence_on_one_line():
    rows = report_rows(STANDARD)
    line = "一、总体情况 2020年，我局收到政府信息公开申请3件，上年度留存政府信息公开申请1件，均按期答复。"
    rows[2:4] = [[(line, "O")]]
    texts = split_sections(doc_from_rows(rows)).texts()
    assert texts["overview"].startswith("2020年，我局收到政府信息公开申请3件，")


def test_sections_table_part_without_heading_starts_at_its_table():
    split = split_sections(doc_from_rows(report_rows(STANDARD, t4_heading=False)))
    assert split.headings["t4"].source == "table"
    assert split.texts()["problems"].startswith("一是")


def test_sections_missing_overview_heading_takes_the_prose_before_table_2():
    rows = [r for r in report_rows(STANDARD) if r[0][0] != "一、总体情况"]
    split = split_sections(doc_from_rows(rows))
    assert "overview" not in split.headings
    assert split.texts()["overview"].startswith("本报告依据")


def test_sections_pdf_lines_are_joined_back_into_sentences():
    line = "2020年，我局收到政府信息公开申请3件，上年度留存政府信息"
    assert reflow([line, "公开申请1件，均按期答复。", "（二）健全制度", "一是明确专人。"]) == [
        "2020年，我局收到政府信息公开申请3件，上年度留存政府信息公开申请1件，均按期答复。",
        "（二）健全制度", "一是明确专人。"]


def test_sections_heading_split_over_two_segments_of_a_pdf_line():
    rows = report_rows(STANDARD)
    doc = doc_from_rows(rows)
    segments = []
    for seg in doc.segments:
        if seg.text == "五、存在的主要问题及改进情况":
            segments += [Segment(id=0, text="五、存在的主要问题", row=seg.row, source="pdf_text", bbox=seg.bbox),
                         Segment(id=0, text="及改进情况", row=seg.row, source="pdf_text", bbox=seg.bbox)]
        else:
            segments.append(seg)
    for i, seg in enumerate(segments):
        seg.id = i
    doc = unlabeled(Document(doc_id="p", source="p.pdf", input_kind="pdf", segments=segments))
    assert split_sections(doc).texts()["problems"].startswith("一是")


def test_sections_empty_document():
    split = split_sections(Document(doc_id="e", source="e.txt", input_kind="text"))
    assert split.texts() == {} and split.headings == {}


def test_sections_seeds_every_part_found(seeds_dir):
    from xxgk.inference.ingest import ingest
    from xxgk.inference.labeling.rules import RuleLabeler
    from xxgk.templates import load_editions

    labeler = RuleLabeler(load_editions())
    found = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        split = split_sections(labeler(ingest(path)))
        found[path.stem[:3]] = tuple(split.headings)
        assert {"overview", "t2", "t3", "problems", "other"} <= set(split.headings), path.name
    # 001 and 002 print table 4 without its heading: it starts at its first labeled row
    assert found["000"] == SECTION_ORDER and found["004"] == SECTION_ORDER
