import pytest

from inference.metadata import extract_meta, is_title
from tests.inference.helpers import doc_from_rows


def meta_of(*texts: str):
    return extract_meta(doc_from_rows([[(t, "O")] for t in texts]))


@pytest.mark.parametrize(("texts", "agency", "year"), [
    (["临汾市退役军人事务局 2020年政府信息公开工作年报", "2021-01-29"], "临汾市退役军人事务局", 2020),
    (["彭阳县退役军人事务局", "2020 年政府信息公开工作年度报告"], "彭阳县退役军人事务局", 2020),
    (["2020年慈溪市慈溪市退役军人事务局", "信息公开工作年度报告"], "慈溪市退役军人事务局", 2020),
    (["2021年江门市教育局年度政府信息公开工作报告"], "江门市教育局", 2021),
    (["首页 > 政务公开 > 信息公开年报", "遵义市科学技术局", "2022年政府信息公开工作年度报告"],
     "遵义市科学技术局", 2022),
])
def test_metadata_titles(texts, agency, year):
    meta = meta_of(*texts)
    assert (meta.agency, meta.year) == (agency, year)


def test_metadata_signature_and_period_when_no_title():
    meta = meta_of("本报告信息数据统计期限为:2021年1月1日—2021年12月31日。", "一、总体情况", "正文。",
                   "会宁县民政局", "2022年1月20日")
    assert (meta.agency, meta.year, meta.publish_date) == ("会宁县民政局", 2021, "2022-01-20")


def test_metadata_no_agency_is_none_not_a_guess():
    meta = meta_of("2021年以来,我局认真贯彻落实条例。统计期限为2021年1月1日至2021年12月31日。", "一、总体情况")
    assert meta.agency is None and meta.year == 2021


def test_metadata_breadcrumbs_are_not_titles():
    assert not is_title("首页 > 政务公开 > 信息公开年报")
    assert is_title("2020年政府信息公开工作年度报告")
