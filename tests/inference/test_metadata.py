import json
from pathlib import Path

import pytest

from tests.inference.helpers import doc_from_rows
from xxgk.inference.agency import agency_name, mend_department
from xxgk.inference.ingest import ingest
from xxgk.inference.ingest.html import ingest_html
from xxgk.inference.ingest.text import ingest_text
from xxgk.inference.meta_config import default_meta_config
from xxgk.inference.meta_text import TitleParts, dateline, fields_in, title_parts
from xxgk.inference.metadata import clean_agency, extract_meta, is_title
from xxgk.options import load_options


def meta_of(*texts: str):
    return extract_meta(doc_from_rows([[(t, "O")] for t in texts]))


@pytest.mark.parametrize(("texts", "agency", "year"), [
    (["临汾市退役军人事务局 2020年政府信息公开工作年报", "2021-01-29"], "临汾市退役军人事务局", 2020),
    (["彭阳县退役军人事务局", "2020 年政府信息公开工作年度报告"], "彭阳县退役军人事务局", 2020),
    (["2020年慈溪市慈溪市退役军人事务局", "信息公开工作年度报告"], "慈溪市退役军人事务局", 2020),
    (["2021年江门市教育局年度政府信息公开工作报告"], "江门市教育局", 2021),
    (["首页 > 政务公开 > 信息公开年报", "遵义市科学技术局", "2022年政府信息公开工作年度报告"],
     "遵义市科学技术局", 2022),
    (["某某综合实验区2021年度政府信息公开工作年度报告"], "某某综合实验区", 2021),
    (["洪泽区2023年政府信息公开工作年度报告"], "洪泽区", 2023),
    (["常德市民政局2022年政信息公开工作年报"], "常德市民政局", 2022),  # 府 lost to the OCR
    (["2021年宜宾市科学技术局政府信息公开作年度报告"], "宜宾市科学技术局", 2021),  # and 工
])
def test_metadata_titles(texts, agency, year):
    meta = meta_of(*texts)
    assert (meta.agency, meta.year) == (agency, year)
    assert meta.evidence["agency"].source in ("title", "heading_block")


def test_metadata_signature_and_period_when_no_title():
    meta = meta_of("本报告信息数据统计期限为:2021年1月1日—2021年12月31日。", "一、总体情况", "正文。",
                   "会宁县民政局", "2022年1月20日")
    assert (meta.agency, meta.year, meta.publish_date) == ("会宁县民政局", 2021, "2022-01-20")
    assert meta.evidence["agency"].source == "signature"
    assert meta.evidence["year"].source == "period"
    assert meta.evidence["year"].confidence >= 0.9  # the period and the publication date agree


def test_metadata_period_split_over_lines_with_a_misread_day_gives_the_year():
    meta = meta_of("本报告根据《条例》要求编制，所列数据的统", "计期限自2021年1月1E起至2021年12月31日止。",
                   "一、总体情况", "正文。")
    assert meta.year == 2021 and meta.evidence["year"].source == "period"
    assert meta_of("本报告统计期限自2021年1月10日起。", "一、总体情况").year is None  # not the 1st of January


def test_metadata_year_from_the_publication_date_alone_is_flagged():
    """Title and period illegible (a bad photocopy): the report covers the year before its date."""
    meta = meta_of("一、总体情况", "正文。", "会宁县民政局", "2022年1月20日")
    assert meta.year == 2021 and meta.evidence["year"].source == "published"
    assert meta.evidence["year"].confidence < 0.9
    alone = meta_of("本报告信息数据统计期限为:2021年1月1日—2021年12月31日。", "一、总体情况")
    assert alone.evidence["year"].confidence < 0.9  # one place alone stays flagged


def test_metadata_no_agency_is_none_not_a_guess():
    meta = meta_of("2021年以来,我局认真贯彻落实条例。统计期限为2021年1月1日至2021年12月31日。", "一、总体情况")
    assert meta.agency is None and meta.year == 2021
    assert "agency" not in meta.evidence


def test_metadata_breadcrumbs_are_not_titles():
    assert not is_title("首页 > 政务公开 > 信息公开年报")
    assert is_title("2020年政府信息公开工作年度报告")


@pytest.mark.parametrize("clause", [
    "请联系三明市政务公开工作领导小组办公室", "并报送莆田市档案馆和图书馆", "紧紧围绕实验区党工委",
    "聚焦实验区党工委", "我局办公室", "以下简称市政府办公室",
])
def test_agency_clauses_are_no_names(clause):
    assert agency_name(clause) is None and clean_agency(clause) is None


@pytest.mark.parametrize(("read", "mended"), [
    ("岳阳市自然资源知规划局", "岳阳市自然资源和规划局"),  # 和 read 知
    ("某区退役军人事务周", "某区退役军人事务局"),
    ("岳阳市自然资源和规划局", None),  # read right
    ("某市规划局", None),  # a department of its own, not a misread of a longer one
    ("某市卫生健康司", None),  # one off 卫生健康委 and 卫生健康局: no telling which
    ("某县水利司", None),  # short names have real neighbours: never mended
])
def test_agency_ocr_misread_of_a_known_department_is_mended(read, mended):
    assert mend_department(read, default_meta_config().agency.departments) == mended


def test_agency_mended_only_where_the_name_was_recognised_off_a_page_image():
    doc = doc_from_rows([[("2019年岳阳市自然资源知规划局政府信息公开工作年度报告", "O")]])
    assert extract_meta(doc).agency == "岳阳市自然资源知规划局"  # typed text says what it says
    meta = extract_meta(doc.model_copy(update={"input_kind": "scanned_pdf"}))
    assert meta.agency == "岳阳市自然资源和规划局" and meta.evidence["agency"].confidence < 0.9


def test_agency_one_character_clause_words_only_in_sentences():
    """由…/向… start a clause in prose, but 和平区 or 向阳区 start a name in a title or signature."""
    assert clean_agency("由县政务公开办公室") is None and clean_agency("向市人民政府办公室") is None
    assert agency_name("和平区科学技术局") == "和平区科学技术局"
    assert meta_of("和平区科学技术局 2023年年度政府信息公开工作报告").agency == "和平区科学技术局"


@pytest.mark.parametrize("name", [
    "三明市政务公开工作领导小组办公室", "莆田市海洋与渔业局", "淮安市洪泽区人民政府", "某某综合实验区",
    "某市住房和城乡建设局", "某市委机构编制委员会办公室", "某县经济开发区管委会", "某市经济和信息化局",
])
def test_agency_names_are_names(name):
    assert agency_name(name) == name


def test_bare_place_only_from_a_title():
    assert agency_name("洪泽区") is None
    assert agency_name("洪泽区", place_ok=True) == "洪泽区"


@pytest.mark.parametrize(("text", "date"), [
    ("2021年1月22日", "2021-01-22"), ("2025-01-09 09:44", "2025-01-09"), ("（2021年1月22日）", "2021-01-22"),
    ("2021 年 1 月 22 日", "2021-01-22"), ("2019年1月1日至12月31日", None), ("统计期限为2019年1月1日", None),
    ("2019年1月1日起至2019年12月31日止", None), ("二〇二一年一月二十日", "2021-01-20"),
    ("二○二一年十二月三十一日", "2021-12-31"), ("2021年1月22目", "2021-01-22"),
])
def test_dateline_is_a_date_and_nothing_else(text, date):
    assert dateline(text) == date


def test_fields_in_a_line_and_labels_inside_words():
    found = fields_in("当前位置：首页 平潭某报告 来源：某市人民政府 时间：2022-02-08 16:34")
    assert [(f.field, f.label) for f in found] == [("agency", "来源"), ("publish_date", "时间")]
    assert fields_in("统计时间：2021年1月1日至2021年12月31日") == []


@pytest.mark.parametrize(("title", "agency", "year"), [
    ("某某市人民政府办公室关于印发某某市2020年政府信息公开工作年度报告的通知", "某某市", 2020),
    ("《某县教育局2020年度政府信息公开工作年度报告》", "某县教育局", 2020),
    ("某市教育局二〇二〇年政府信息公开工作年度报告", "某市教育局", 2020),
    ("内容概述某市海洋与渔业局2024年政府信息公开工作年度报告", "某市海洋与渔业局", 2024),
    ("生成日期有效性有效内容概述某市海洋与渔业局2024年政府信息公开工作年度报告", "某市海洋与渔业局", 2024),
    ("某某综合:实验区2025年度政府信息公开工作年度报告", "某某综合实验区", 2025),
])
def test_title_parts_of_noisy_titles(title, agency, year):
    """Notices, book-title marks, Chinese numerals, a record table's labels and OCR punctuation."""
    assert title_parts(title) == TitleParts(agency, year)


def test_page_title_cut_from_the_site_name():
    parts = title_parts("某市海洋与渔业局2024年政府信息公开工作年度报告_ 政府信息公开年报_某市人民政府")
    assert (parts.agency, parts.year) == ("某市海洋与渔业局", 2024)


PAGE = """<!DOCTYPE html><html><head><meta charset="UTF-8">
<meta name="SiteName" content="某市人民政府"><meta name="ColumnName" content="政府信息公开年报">
<meta name="ArticleTitle" content="某市海洋与渔业局2024年政府信息公开工作年度报告">
<meta name="PubDate" content="2025-01-09 09:44"><meta name="ContentSource" content="某市海洋与渔业局">
<title>某市海洋与渔业局2024年政府信息公开工作年度报告_ 政府信息公开年报_某市人民政府</title></head>
<body><div class="logo">|某市海洋与渔业局</div><div>返回首页</div>
<ul><li>政府信息</li><li>公开年报</li><li>政府信息</li><li>公开指南</li></ul>
<div>当前位置：首页 &gt; 政府信息公开 &gt; 政府信息公开年报</div>
<table><tr><td>发布机构</td><td></td><td>生成日期</td><td></td></tr>
<tr><td>标题</td><td colspan="3">某市海洋与渔业局2024年政府信息公开工作年度报告</td></tr></table>
<h2>某市海洋与渔业局2024年政府信息公开工作年度报告</h2><div>发布时间：2025-01-09 09:44</div>
<p>本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。如对本报告有疑问，请联系某市政务公开工作领导小组办公室。</p>
<p>一、总体情况</p><p>2024年，市海洋与渔业局坚持公开为常态。</p>
<p>某市海洋与渔业局</p><p>2025年1月9日</p><p>（此件主动公开）</p>
<div>附件下载：</div><div>联系我们| 使用帮助| 网站地图</div>
<div>主办：某市人民政府办公室承办：某市数字建设领导小组办公室联系电话：0594-2221669</div></body></html>"""


def test_metadata_of_a_web_page_with_site_chrome():
    meta = extract_meta(ingest_html(PAGE, doc_id="p", source="p.html"))
    assert (meta.agency, meta.year, meta.publish_date) == ("某市海洋与渔业局", 2024, "2025-01-09")
    assert meta.evidence["agency"].source == "title" and meta.evidence["agency"].confidence >= 0.99
    assert meta.evidence["publish_date"].source in ("html_meta", "field")


def test_metadata_of_a_web_page_from_its_head_alone():
    bare = ("<html><head><title>2023年政府信息公开工作年度报告_某县人民政府</title>"
            "<meta name=\"ContentSource\" content=\"某县民政局\"><meta name=\"PubDate\" content=\"2024-01-30\">"
            "</head><body><p>一、总体情况</p><p>2023年，我局认真贯彻条例。</p></body></html>")
    meta = extract_meta(ingest_html(bare, doc_id="b", source="b.html"))
    assert (meta.agency, meta.year, meta.publish_date) == ("某县民政局", 2023, "2024-01-30")
    assert meta.evidence["agency"].source == "html_meta"


def test_metadata_of_a_web_page_behind_a_long_menu():
    menu = "".join(f"<li>栏目{i}</li>" for i in range(150))
    footer = "".join(f"<div>友情链接{i}</div>" for i in range(30))
    page = (f"<html><body><ul>{menu}</ul><h1>某县应急管理局2022年政府信息公开工作年度报告</h1>"
            "<p>一、总体情况</p><p>正文。</p><p>某县应急管理局</p><p>2023年1月18日</p>"
            f"{footer}</body></html>")
    meta = extract_meta(ingest_html(page, doc_id="m", source="m.html"))
    assert (meta.agency, meta.year, meta.publish_date) == ("某县应急管理局", 2022, "2023-01-18")


CRAWLED = """标题: 某某综合实验区2021年度政府信息公开工作年度报告
发布时间: 2022-02-08 16:34
文号:
发布机构:
栏目: 政府信息公开年报
==================== 正文 ====================
当前位置： 首页政务公开年报 某某综合实验区2021年度政府信息公开工作年度报告 来源：某某县人民政府 时间：2022-02-08
本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。
如对本报告有任何疑问，请联系某某综合实验区政府信息公开工作领导小组办公室，并报送某市档案馆和图书馆。
一、总体情况
2021年，紧紧围绕实验区党工委的部署，全年主动公开政府信息2645条。
六、其他需要报告的事项
无。
"""


def test_metadata_of_crawler_text_is_the_title_not_a_clause():
    meta = extract_meta(ingest_text(CRAWLED, doc_id="c", source="c.txt", options=load_options().text))
    assert (meta.agency, meta.year, meta.publish_date) == ("某某综合实验区", 2021, "2022-02-08")


def _crawled_meta(text: str):
    return extract_meta(ingest_text(text, doc_id="c", source="c.txt", options=load_options().text))


def test_metadata_of_a_title_a_crawler_wrote_in_many_text_nodes():
    nodes = "首页 >\n法定\n主动公开内容 > 政府信息公开年\n报\n某某市农业农村局2019年年度政府信息公开工作报告\n"
    meta = _crawled_meta(nodes + "一、总体情况\n本年度我局主动公开信息。\n")
    assert (meta.agency, meta.year) == ("某某市农业农村局", 2019)
    pieces = "2019年某\n东新区审计\n局政府信息公开工作\n年报\n2020-03-13\n"
    meta = _crawled_meta(pieces + "一、总体情况\n本年度我局主动公开信息。\n")
    assert (meta.agency, meta.year, meta.publish_date) == ("某东新区审计局", 2019, "2020-03-13")


def test_metadata_of_a_title_inside_a_run_on_line():
    line = ("当前位置：首页 > 政务公开 > 信息公开年报 某某市应急管理局2021年政府信息公开工作年报 2022-03-19 "
            "根据《中华人民共和国政府信息公开条例》有关规定，编制本年度报告。本报告所列数据的统计期限为2021年1月1日至"
            "2021年12月31日。 一、总体情况 本年度我局主动公开信息。")
    meta = _crawled_meta(line)
    assert (meta.agency, meta.year) == ("某某市应急管理局", 2021)
    assert title_parts("年度报告 某某市统计局 2022年政府信息公开工作年报").agency == "某某市统计局"


def test_publish_date_never_from_a_period_in_the_prose():
    meta = meta_of("某县财政局2019年政府信息公开工作年度报告", "（2019年1月1日至12月31日）",
                   "一、总体情况", "本年度我局主动公开信息。", "某县财政局", "2020年1月15日")
    assert (meta.year, meta.publish_date) == (2019, "2020-01-15")
    assert meta.evidence["publish_date"].source == "signature"


def test_agency_line_under_the_title_and_a_one_line_signature():
    meta = meta_of("二〇二〇年政府信息公开工作年度报告", "某县自然资源局", "一、总体情况", "正文。",
                   "某县自然资源局 二〇二一年一月十五日")
    assert (meta.agency, meta.year, meta.publish_date) == ("某县自然资源局", 2020, "2021-01-15")
    assert meta.evidence["agency"].source == "heading_block" and meta.evidence["agency"].confidence >= 0.99


def test_a_year_places_disagree_on_is_voted_and_flagged():
    """An OCR misread of the title's year (2028) is outvoted by the printed field and the period."""
    period = "本报告统计期限自2023年1月1日起至2023年12月31日止。"
    alone = meta_of("某县财政局2028年政府信息公开工作年度报告", period)
    assert alone.year == 2028 and alone.evidence["year"].confidence < 0.9
    voted = meta_of("某县财政局2028年政府信息公开工作年度报告",
                    "标题：某县财政局2023年政府信息公开工作年度报告", period)
    assert voted.year == 2023 and voted.evidence["year"].confidence < 0.9
    assert meta_of("某县财政局2023年政府信息公开工作年度报告", period).evidence["year"].confidence >= 0.9


def test_signature_of_two_segments_on_one_row():
    """A PDF line whose agency and date are separate word runs."""
    doc = doc_from_rows([[("某县民政局2021年政府信息公开工作年度报告", "O")], [("一、总体情况", "O")],
                         [("某县民政局", "O"), ("2022年1月20日", "O")]])
    assert extract_meta(doc).publish_date == "2022-01-20"


def test_year_is_the_report_year_not_the_publication_year():
    meta = meta_of("发布日期：2021-01-22", "某市教育局2020年政府信息公开工作年度报告", "一、总体情况")
    assert (meta.year, meta.publish_date) == (2020, "2021-01-22")


REAL_KINDS = ("html", "text", "pdf")


def _real_files(shared_dir: Path) -> list[Path]:
    files = [p for kind in REAL_KINDS for p in sorted((shared_dir / "data" / "real" / kind).glob("*"))
             if p.suffix in (".html", ".txt", ".pdf")]
    return files + sorted((shared_dir / "data" / "seeds").glob("*.txt"))


def test_metadata_of_the_real_dev_reports(shared_dir):
    """Every real web page, crawler text and PDF of the dev set: agency and year as the gold says."""
    wrong = []
    for path in _real_files(shared_dir):
        gold = json.loads(path.with_suffix(".gold.json").read_text(encoding="utf-8"))["meta"]
        meta = extract_meta(ingest(path, doc_id=path.stem))
        g = gold.get("agency")
        ok_agency = g is None or (meta.agency is not None and (g.startswith(meta.agency) or meta.agency.startswith(g)))
        if not ok_agency or meta.year != gold["year"]:
            wrong.append((path.name, meta.agency, meta.year))
    assert wrong == []


@pytest.mark.slow
def test_metadata_of_a_real_scanned_web_page(shared_dir):
    """A printed disclosure page, scanned: the record table's labels glued to the title by OCR."""
    path = shared_dir / "data" / "real" / "scan" / "pt_hyj_2024.pdf"
    gold = json.loads(path.with_suffix(".gold.json").read_text(encoding="utf-8"))["meta"]
    meta = extract_meta(ingest(path, doc_id=path.stem))
    assert (meta.agency, meta.year) == (gold["agency"], gold["year"])
    assert meta.publish_date is not None and meta.evidence["publish_date"].source == "field"


def test_metadata_title_and_first_sentence_in_one_text_node():
    """A crawler wrote the title and the report's first sentence as one node, shorter than a line
    too long to be a title."""
    node = "海安市教育局2021年政府信息公开工作年度报告 根据《中华人民共和国政府信息公开条例》有关规定，编制本年度报告。"
    meta = meta_of(node, "一、总体情况", "正文。")
    assert (meta.agency, meta.year) == ("海安市教育局", 2021)
    assert meta.evidence["agency"].source == "title"


def test_metadata_of_a_title_whose_place_name_a_crawler_wrote_on_the_lines_above():
    """`19年临` `汾` above `市人民政府办公室…年报`: the line is a title by itself, but its agency lost
    its place name to the lines above, which are its own first pieces, not a navigation trail."""
    title = "20\n19年某\n山\n市人民政府办公室政府信息公开工作年报\n"
    meta = _crawled_meta(title + "一、总体情况\n本年度我局主动公开信息。\n")
    assert (meta.agency, meta.year) == ("某山市人民政府办公室", 2019)


def test_metadata_of_an_agency_line_above_a_run_on_article_signed_at_its_end():
    """The agency alone on the first line, then the whole article on one line: a title without its
    agency opening the line, and the signature and date ending it after the last sentence."""
    text = ("某某市审计局\n2023年年度政府信息公开工作报告 2024-02-25 根据《中华人民共和国政府信息公开条例》有关规定，"
            "编制本年度报告。 一、总体情况 本年度我局主动公开信息。 如对本报告有疑问，请与某某市审计局办公室联系。 "
            "某某市审计局 2024年2月25日 ")
    meta = _crawled_meta(text)
    assert (meta.agency, meta.year, meta.publish_date) == ("某某市审计局", 2023, "2024-02-25")
    assert meta.evidence["agency"].source in ("heading_block", "signature")
