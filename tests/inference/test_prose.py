"""Prose statements against the tables: agreement, disagreement, absence, missing cells, seeds."""


import pytest

from xxgk.contract import CellOut, Meta, Report
from xxgk.inference.prose.meta import prose_meta
from xxgk.inference.prose.quantities import parse_number
from xxgk.inference.prose.reader import ProseReader, default_reader
from xxgk.inference.sections import SectionSplit
from xxgk.templates import load_editions


@pytest.fixture(scope="module")
def reader() -> ProseReader:
    return default_reader()


def make_report(edition: str = "2019", values: dict | None = None, missing: tuple[str, ...] = (),
                year: int | None = 2020, agency: str | None = "某某县民政局") -> Report:
    ed = load_editions()[edition]
    values = values or {}
    cells = {k: CellOut(value=None, status="missing") if k in missing else
             CellOut(value=values.get(k, 0), status="read", confidence=0.99, text=str(values.get(k, 0)))
             for k in ed.cell_keys}
    return Report(doc_id="r", meta=Meta(agency=agency, year=year, edition=edition, input_kind="text"),
                  cells=cells)


def run(reader: ProseReader, report: Report, **lines: list[str]) -> dict[str, list]:
    split = SectionSplit(lines=dict(lines))
    reader(report, split, load_editions()[report.meta.edition or "2019"])
    out: dict[str, list] = {}
    for c in report.checks:
        if c.rule.startswith("prose."):
            out.setdefault(c.rule, []).append(c)
    return out


def test_prose_statements_agree_with_the_table(reader):
    report = make_report(values={"t3.new_received.total": 3, "t3.carried_over.total": 1,
                                 "t3.carried_forward.total": 1})
    checks = run(reader, report, overview=[
        "2020年，我局收到政府信息公开申请3件，上年度留存政府信息公开申请1件，结转下年度继续办理1件。"])
    assert {rule: [c.ok for c in cs] for rule, cs in checks.items()} == {
        "prose.new_received": [True], "prose.carried_over": [True], "prose.carried_forward": [True]}
    detail = checks["prose.new_received"][0].detail
    assert "「2020年，我局收到政府信息公开申请3件，" in detail and "t3.new_received.total" in detail
    assert report.warnings == []


def test_prose_statement_disagreeing_with_the_table_fails_and_warns(reader):
    report = make_report(values={"t3.new_received.total": 5})
    before = {k: c.value for k, c in report.cells.items()}
    checks = run(reader, report, overview=["全年共收到政府信息公开申请三件，均已按期答复。"])
    (check,) = checks["prose.new_received"]
    assert check.ok is False and "不一致" in check.detail and "= 5" in check.detail
    assert any(w.startswith("prose.new_received") for w in report.warnings)
    assert {k: c.value for k, c in report.cells.items()} == before, "prose never changes a cell"


def test_prose_absence_statement_means_zero(reader):
    agree = run(reader, make_report(), overview=["本年度，我局未收到依申请公开政府信息。"])
    assert [c.ok for c in agree["prose.new_received"]] == [True]
    differ = run(reader, make_report(values={"t3.new_received.total": 2}),
                 overview=["2020年未收到政府信息公开申请，未发生政府信息公开行政复议、行政诉讼案件。"])
    assert [c.ok for c in differ["prose.new_received"]] == [False]
    assert [c.ok for c in differ["prose.review"]] == [True] and [c.ok for c in differ["prose.lawsuits"]] == [True]


def test_prose_lawsuits_sum_both_suit_rows(reader):
    report = make_report(values={"t4.suit_direct.total": 1, "t4.suit_after_review.total": 1, "t4.review.total": 1})
    checks = run(reader, report, t4=["本年度发生政府信息公开行政复议1件，行政诉讼2件。"])
    assert [c.ok for c in checks["prose.review"]] == [True]
    assert [c.ok for c in checks["prose.lawsuits"]] == [True]
    assert "1 + 1 = 2" in checks["prose.lawsuits"][0].detail


def test_prose_missing_cell_is_not_checked(reader):
    report = make_report(missing=("t3.carried_forward.total",))
    checks = run(reader, report, t3=["结转下年度继续办理2件。"])
    (check,) = checks["prose.carried_forward"]
    assert check.ok is None and "缺失" in check.detail and "结转下年度继续办理2件" in check.detail


def test_prose_fee_amount_only_in_the_2021_edition(reader):
    text = ["本年度行政事业性收费金额为125000元。"]
    checks21 = run(reader, make_report("2021", {"t2.fees.amount_wan": 12.5}, year=2021), overview=text)
    assert [c.ok for c in checks21["prose.fees"]] == [True]
    checks19 = run(reader, make_report("2019"), overview=text)
    (check,) = checks19["prose.fees"]
    assert check.ok is None and "2019 版表格没有对应的单元格" in check.detail


def test_prose_total_including_carry_over_agrees(reader):
    report = make_report(values={"t3.new_received.total": 3, "t3.carried_over.total": 1})
    checks = run(reader, report, overview=["共收到政府信息公开申请4件（含上年结转1件），均已办结。"])
    assert [c.ok for c in checks["prose.new_received"]] == [True]
    assert [c.ok for c in checks["prose.carried_over"]] == [True]


@pytest.mark.parametrize("sentence", [
    "与2019年相比，收到政府信息公开申请增加3件。",                 # another year
    "全年受理优抚申请300件，发放抚恤金120万元。",                  # not information-disclosure applications
    "收到政府信息公开申请的自然人申请2件。",                       # a breakdown, not the total
    "我局梳理出17项职权，其中行政处罚4项、行政给付13项。",
    "全年通过政府门户网站主动公开政府信息248条，其中政策文件12条。",
    "组织开展政务公开业务培训3次，参训人员40人次。",
])
def test_prose_sentences_that_state_no_table_number(reader, sentence):
    assert run(reader, make_report(values={"t3.new_received.total": 9}), overview=[sentence]) == {}


def test_prose_report_without_prose_numbers(reader):
    report = make_report()
    assert run(reader, report) == {}
    assert run(reader, report, overview=["我局高度重视政府信息公开工作。"], problems=["无。"]) == {}
    assert report.warnings == []


def test_prose_repeated_statement_is_checked_once(reader):
    report = make_report(values={"t3.new_received.total": 3})
    checks = run(reader, report, overview=["收到政府信息公开申请3件。"], t3=["本年度共收到政府信息公开申请3件。"])
    assert len(checks["prose.new_received"]) == 1


@pytest.mark.parametrize("text, value", [("3", 3), ("12.5", 12.5), ("三", 3), ("十", 10), ("二十三", 23),
                                         ("一百零五", 105), ("两", 2), ("一万二千", 12000), ("x", None)])
def test_prose_parse_number(text, value):
    assert parse_number(text) == value


def test_prose_fills_missing_meta_but_never_overrides(reader):
    lines = {"overview": ["2020年，某某县退役军人事务局坚持以习近平新时代中国特色社会主义思想为指导，认真落实条例。"]}
    report = make_report(agency=None, year=None)
    run(reader, report, **lines)
    assert (report.meta.agency, report.meta.year) == ("某某县退役军人事务局", 2020)
    assert "meta.agency taken from the prose: 某某县退役军人事务局" in report.warnings
    kept = make_report(agency="某某县民政局", year=2021)
    run(reader, kept, **lines)
    assert (kept.meta.agency, kept.meta.year) == ("某某县民政局", 2021) and kept.warnings == []


def test_prose_meta_ignores_names_inside_book_titles():
    notice = "按照《甘肃省人民政府信息公开办公室关于做好2021年政府信息公开工作年度报告编发工作的通知》，现予公布。"
    paragraphs = [("preamble", notice), ("preamble", "本报告是彭阳县退役军人事务局依据《条例》第五十条规定制作。")]
    edition = load_editions()["2021"]
    agency, _, _ = prose_meta(paragraphs, edition)
    assert agency == "彭阳县退役军人事务局"
    assert prose_meta(paragraphs[:1], edition)[0] is None


# ---------------------------------------------------------------- seeds, end to end


@pytest.fixture(scope="module")
def seed_reports(seeds_dir):
    from xxgk.inference.labeling.rules import RuleLabeler
    from xxgk.inference.pipeline import Pipeline

    editions = load_editions()
    pipeline = Pipeline(labeler=RuleLabeler(editions), editions=editions)
    return {p.stem[:3]: pipeline.extract(p).report for p in sorted(seeds_dir.glob("*.txt"))}


def prose_checks(report: Report) -> dict[str, list]:
    out: dict[str, list] = {}
    for c in report.checks:
        if c.rule.startswith("prose."):
            out.setdefault(c.rule, []).append(c)
    return out


def test_prose_seed_cixi_2020_applications_agree(seed_reports):
    report = seed_reports["004"]
    checks = prose_checks(report)
    (received,) = checks["prose.new_received"]
    (carried,) = checks["prose.carried_over"]
    assert received.ok is True and carried.ok is True
    assert "收到政府信息公开申请3件，上年度留存政府信息公开申请1件" in received.detail
    assert report.cells["t3.new_received.total"].value == 3 and report.cells["t3.carried_over.total"].value == 1


def test_prose_seed_pengyang_2020_no_applications_against_truncated_table(seed_reports):
    report = seed_reports["002"]
    assert any(w.startswith("t3 truncated") for w in report.warnings)
    (check,) = prose_checks(report)["prose.new_received"]
    # the truncated table still has its first row: the statement is checked and agrees
    assert report.cells["t3.new_received.total"].value == 0
    assert check.ok is True and "未收到依申请公开政府信息" in check.detail


def test_prose_seed_pengyang_carried_forward_cell_missing_gives_none(seed_reports, reader):
    """The same truncated table, asked about a row it lost: the check says so instead of failing."""
    report = seed_reports["002"].model_copy(deep=True)
    assert report.cells["t3.carried_forward.total"].value is None
    checks = run(reader, report, other=["本年度结转下年度继续办理0件。"])
    (check,) = checks["prose.carried_forward"]
    assert check.ok is None and "t3.carried_forward.total 无值" in check.detail


def test_prose_seeds_no_false_disagreement(seed_reports):
    failed = {k: [c.detail for c in r.checks if c.rule.startswith("prose.") and c.ok is False]
              for k, r in seed_reports.items()}
    assert all(not v for v in failed.values()), failed


def test_prose_html_input_finds_the_same_statements():
    """Seed 004 as a Word-exported web page: same sections, same prose checks as the text dump."""
    from pathlib import Path

    from xxgk.inference.labeling.rules import RuleLabeler
    from xxgk.inference.pipeline import Pipeline

    editions = load_editions()
    page = Path(__file__).parent.parent / "data" / "ingest" / "004_03aa3c703994b485.html"
    report = Pipeline(labeler=RuleLabeler(editions), editions=editions).extract(page).report
    assert {"overview", "problems", "other"} <= set(report.sections)
    checks = prose_checks(report)
    assert [c.ok for c in checks["prose.new_received"]] == [True]
    assert [c.ok for c in checks["prose.carried_over"]] == [True]
